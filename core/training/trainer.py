"""The training loop: ``train_job(config, out_dir, ...)`` is a generator yielding
``core.progress.Progress`` (payload: the latest metrics row) and returning a
:class:`TrainResult`.

Rank 0 writes the run folder (``core.training.run_folder``): the ``checkpoint.pt`` /
``training_state.pt`` pair every ``checkpoint_every`` steps and at the end
(``core.training.checkpoint_pair``), ``metrics.csv`` every ``log_every`` steps and at each
validation step (``core.training.metrics_log``) and ``config.json``.
Resume (``resume=True``) reloads the pair and continues with identical batches (they depend
only on seed, rank and step) and restored RNG states.
Distributed: under ``torchrun`` (``WORLD_SIZE`` > 1) the actor is wrapped in
``DistributedDataParallel`` (``core.training.distributed``); each process builds
``batch_size`` samples per step from its own rank's stream.
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from core.config import to_dict
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.models import load_checkpoint
from core.progress import Job, Progress
from core.training.actors import DistillationActor, TaskActor
from core.training.checkpoint_pair import naming_what_is_kept, restore_pair, save_pair, settle_pending
from core.training.config import TrainConfig, check_data_not_written
from core.training.distributed import DistributedContext, check_device, pick_device, wrap_distributed
from core.training.loader import batches
from core.training.metrics_log import append_metrics, trim_metrics
from core.training.model_setup import (
    build_training_model,
    freeze_stem_batchnorm,
    lr_factor,
    make_optimizer,
    set_lr,
)
from core.training.processing import CropSpec
from core.training.run_folder import PENDING_STATE, check_weights_not_outputs, prepare_run_folder
from core.training.validation import evaluate, validation_batch

#: names other code imports from here (the run folder's checks, the device): kept importable
__all__ = ["PENDING_STATE", "DistributedContext", "TrainResult", "check_device", "check_weights_not_outputs",
           "prepare_run_folder", "train_job"]


@dataclass
class TrainResult:
    """out_dir; checkpoint: path of the final network; step: steps done; metrics: the last
    logged row; validation: the final validation numbers; seconds: wall time of this call."""

    out_dir: Path
    checkpoint: Path
    step: int
    metrics: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    seconds: float = 0.0


def _diverged(out_dir: Path, step: int, total: int, reason: str, saved: int) -> ConfigError:
    """The one line of a run whose network diverged at ``step``; ``saved``: the step of this
    run's last checkpoint (0: none)."""
    kept = (f"{out_dir / 'checkpoint.pt'} keeps step {saved} (--resume continues from it)" if saved
            else "no checkpoint of this run was written")
    return ConfigError(f"{out_dir}: the network diverged at step {step} of {total} ({reason}); lower optim.lr or "
                       f"keep optim.grad_clip above 0; {kept}")


def train_job(config: TrainConfig, out_dir: str | Path, *, resume: bool = False, teacher: str | Path | None = None,
              init: str | Path | None = None, device: str = "auto") -> Job[TrainResult]:
    """Train ``config.model`` (task loss) or, with ``teacher`` (a checkpoint path), distil
    it into ``config.model`` with ``config.distill``. ``init``: checkpoint initialising the
    trained network. See the module docstring for files and resume. ``init`` or
    ``teacher`` naming a file the run writes is refused (OutputError) before any work; an
    earlier run in ``out_dir`` is not checked here (:func:`prepare_run_folder`)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    check_weights_not_outputs(out_dir, init=init, teacher=teacher)
    check_data_not_written(config, out_dir)
    context = DistributedContext.from_env()
    dev = pick_device(device, context)
    if config.threads > 0 and dev.type == "cpu":
        torch.set_num_threads(config.threads)
    if context.distributed and not dist.is_initialized():
        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
    torch.manual_seed(config.seed + context.rank)

    model = build_training_model(config.model, init).to(dev)
    if teacher is not None:
        teacher_model, _ = load_checkpoint(teacher)
        actor: nn.Module = DistillationActor(teacher_model.to(dev), model, config.distill, config.loss).to(dev)
        extra = actor.adapter
    else:
        actor = TaskActor(model, config.loss)
        extra = None
    optimizer = make_optimizer(model, config.optim, extra)
    use_amp = config.optim.amp and dev.type == "cuda"
    scaler = torch.amp.GradScaler("cuda") if use_amp else None
    if resume and context.main:
        settle_pending(out_dir)
    if resume and context.distributed:
        dist.barrier()  # the other ranks read the pair rank 0 settled
    start = restore_pair(out_dir, actor, optimizer, scaler, dev) if resume else 0
    if resume and context.main:
        trim_metrics(out_dir / "metrics.csv", start)
    trained = wrap_distributed(actor, dev, context)
    spec = CropSpec.of(model.config)
    if context.main:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out_dir / "config.json", json.dumps(to_dict(config), indent=2))
    val_batch = validation_batch(config, spec) if context.main and config.validation.pairs > 0 else None
    params = [p for group in optimizer.param_groups for p in group["params"]]

    total = config.steps
    window: dict[str, list[float]] = {}
    window_start, window_steps = time.perf_counter(), 0
    row: dict = {}
    validation: dict = {}
    yield Progress(start, total, "preparing data")
    step = start
    saved = start  # the step of the run's checkpoint (0: none of this run yet)
    stream = batches(config, spec, context.rank, start, total)
    try:
        for step in range(start, total):
            batch = {k: v.to(dev, non_blocking=True) for k, v in next(stream).items()}
            trained.train()
            freeze_stem_batchnorm(model, config.optim)
            lr = set_lr(optimizer, config.optim.lr, lr_factor(step, total, config.optim))
            autocast = torch.autocast("cuda", dtype=torch.float16) if use_amp else contextlib.nullcontext()
            try:
                with autocast:
                    loss, stats = trained(batch)
                if not torch.isfinite(loss):
                    raise FloatingPointError("the loss is not finite")
            except FloatingPointError as error:  # a traceback, 'network produced non-finite boxes'
                raise _diverged(out_dir, step + 1, total, str(error), saved) from error
            optimizer.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.unscale_(optimizer)
            else:
                loss.backward()
            if config.optim.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(params, config.optim.grad_clip)
            if scaler is not None:
                scaler.step(optimizer)
                scaler.update()
            else:
                optimizer.step()
            for k, v in stats.items():
                window.setdefault(k, []).append(v)
            window_steps += 1
            done = step + 1
            # a validation step logs its row too: with ``every`` not a multiple of ``log_every`` it ran
            # only at their common multiples
            validate = bool(config.validation.every and done % config.validation.every == 0) or done == total
            if done % config.log_every == 0 or validate:
                elapsed = time.perf_counter() - window_start
                row = {"step": done, "elapsed_s": round(time.perf_counter() - started, 2), "lr": lr,
                       "samples_per_s": window_steps * config.batch_size * context.world_size / max(elapsed, 1e-9)}
                row.update({k: sum(v) / len(v) for k, v in window.items()})
                if validate and val_batch is not None:
                    validation = evaluate(model, val_batch)
                    row.update(validation)
                if validate and context.main and config.validation.track_sequences > 0:
                    # imported here: imported with the package, `python -m core.training.tracking_validation`
                    # (docs/training.md) opened with runpy's 'found in sys.modules' RuntimeWarning
                    from core.training.tracking_validation import tracking_validation

                    tracked = tracking_validation(model, sequences=config.validation.track_sequences,
                                                  frames=config.validation.track_frames)
                    validation = {**validation, **tracked}
                    row.update(tracked)
                if context.main:
                    with naming_what_is_kept(out_dir, done, saved):
                        append_metrics(out_dir / "metrics.csv", row)
                window, window_start, window_steps = {}, time.perf_counter(), 0
            if context.main and (done % config.checkpoint_every == 0 or done == total):
                if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):  # never over a good one
                    raise _diverged(out_dir, done, total, "its weights are not finite", saved)
                save_pair(out_dir, actor, optimizer, scaler, done, config, row, teacher, kept=saved)
                saved = done
            message = f"loss {stats['loss']:.3f}" + (f" iou {stats['iou']:.2f}" if "iou" in stats else "")
            yield Progress(done, total, message, payload=dict(row))
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    if context.distributed:
        dist.barrier()
    return TrainResult(out_dir, out_dir / "checkpoint.pt", total if total > start else start, row, validation,
                       time.perf_counter() - started)
