"""The training job: ``train_job(config, out_dir, ...)`` is a generator yielding
``core.progress.Progress`` (payload: the latest metrics row) and returning a
:class:`TrainResult`.

Files in ``out_dir`` (rank 0 writes):

- ``checkpoint.pt``: the trained network (``core.models.save_checkpoint``; ``extra`` holds
  the step, the run config and the latest metrics), every ``checkpoint_every`` steps and
  at the end, written atomically;
- ``training_state.pt``: optimiser, AMP scaler, RNG states, the actor's extra modules
  (e.g. the distillation adapter) and the step. The pair is committed in three moves
  (:func:`_save`): the state to ``training_state.pending.pt``, then the checkpoint, then
  the pending state renamed over ``training_state.pt``; a run killed between the last two
  (SIGKILL leaves no cleanup) finishes the rename when it resumes (:func:`_settle_pending`);
- ``metrics.csv``: one row per ``log_every`` steps (running means since the last row)
  plus validation columns when validation ran (crop-level ``val_*``; tracker-level
  ``track_*`` when ``validation.track_sequences`` > 0); ``config.json``: the run config.

Resume (``resume=True``) reloads both files (they must name the same step) and continues
with identical batches (they depend only on seed, rank and step) and restored RNG states.
``init`` / ``teacher`` weights that are one of these files are always refused
(:func:`check_weights_not_outputs`). A new run over a folder that holds an earlier run is
the caller's choice: the ``train`` / ``distill`` commands refuse it before any work unless
``--force`` (:func:`prepare_run_folder`).
Distributed: under ``torchrun`` (``WORLD_SIZE`` > 1) the actor is wrapped in
``DistributedDataParallel`` (``nccl`` on CUDA, ``gloo`` on CPU); each process builds
``batch_size`` samples per step from its own rank's stream.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from core.config import to_dict
from core.errors import CheckpointError, ConfigError, OutputError
from core.fileio import atomic_path, write_text_atomic
from core.models import load_checkpoint, save_checkpoint
from core.models.checkpoint import load_torch_file, save_torch_file
from core.progress import Job, Progress
from core.training.actors import DistillationActor, TaskActor
from core.training.config import TrainConfig, check_data_not_written
from core.training.loader import batches
from core.training.model_setup import (
    build_training_model,
    freeze_stem_batchnorm,
    lr_factor,
    make_optimizer,
    set_lr,
)
from core.training.processing import CropSpec
from core.training.tracking_validation import tracking_validation
from core.training.validation import evaluate, validation_batch

METRIC_COLUMNS = ("step", "elapsed_s", "lr", "samples_per_s", "loss", "focal", "giou", "l1", "iou", "task",
                  "kd_feature", "kd_score", "kd_box_l1", "kd_box_giou", "val_iou", "val_sr50", "track_iou",
                  "track_sr50")


#: the files a run writes in its folder
RUN_FILES = ("checkpoint.pt", "training_state.pt", "metrics.csv", "config.json", "training_state.pending.pt")
#: the training state of a checkpoint being saved, complete on disk before the checkpoint replaces
#: the old one (:func:`_save`)
PENDING_STATE = "training_state.pending.pt"
#: the files that make a folder an earlier run (a metrics.csv alone is a run stopped before
#: its first checkpoint: nothing to lose, nothing to resume; train-family restarts those)
RUN_RESULTS = ("checkpoint.pt", "training_state.pt")


def _same_path(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_weights_not_outputs(out_dir: str | Path, *, init: str | Path | None = None,
                              teacher: str | Path | None = None) -> None:
    """OutputError when ``init`` or ``teacher`` (checkpoint paths) is one of the files a
    run in ``out_dir`` writes (:data:`RUN_FILES`; the same file after resolving links),
    resumed or not: the run would write over its own input."""
    out_dir = Path(out_dir)
    for option, weights in (("--init", init), ("--teacher", teacher)):
        if weights is None:
            continue
        for name in RUN_FILES:
            if _same_path(Path(weights), out_dir / name):
                hint = "give --resume instead of --init to continue that run, or " if option == "--init" else ""
                raise OutputError(weights, f"{option} is the {name} this run writes in {out_dir}; {hint}"
                                           "choose another --out (or copy the file elsewhere first)")


def check_teacher_checkpoint(teacher: str | Path) -> None:
    """CheckpointError naming ``teacher`` when it does not hold a teacher model: a student
    checkpoint given as the teacher (``distill --teacher student_bundled.pt``) distilled the
    student into a student, with status 0 and no word."""
    from core.models.checkpoint import read_checkpoint

    factory = read_checkpoint(teacher).get("factory")
    if factory != "teacher":
        raise CheckpointError(teacher, f"holds a {factory} model, not a teacher: --teacher takes the teacher "
                                       "checkpoint to distil from (e.g. assets/models/teacher_bundled.pt); a "
                                       "student to start from is --init")


def prepare_run_folder(out_dir: str | Path, *, resume: bool = False, force: bool = False,
                       init: str | Path | None = None, teacher: str | Path | None = None) -> None:
    """The ``train`` / ``distill`` commands' checks before any work (one typed error naming
    the path): ``init`` / ``teacher`` exist (CheckpointError) and are not the run's own
    files (OutputError, :func:`check_weights_not_outputs`); unless ``resume``, ``out_dir``
    holds no earlier run (``checkpoint.pt`` or ``training_state.pt``; OutputError) unless
    ``force``, and no ``metrics.csv`` or ``config.json`` that a run did not write (a user's
    own file of that name; OutputError unless ``force``). Without ``resume`` an earlier
    ``training_state.pt`` and ``metrics.csv`` are removed (by rank 0), so the new run's rows
    are not appended to old ones (a run stopped before its first checkpoint leaves only
    those); an earlier ``checkpoint.pt`` stays until the new run writes its first
    checkpoint (atomically)."""
    out_dir = Path(out_dir)
    for weights in (init, teacher):  # a missing input is the first thing to tell
        if weights is not None and not Path(weights).is_file():
            raise CheckpointError(weights, "checkpoint file not found")
    check_weights_not_outputs(out_dir, init=init, teacher=teacher)
    if teacher is not None:
        check_teacher_checkpoint(teacher)
    from core.fileio import check_output

    check_output(out_dir, folder=True, option="--out")  # a file, or a place that cannot be written
    if resume:
        return
    earlier = [name for name in RUN_RESULTS if (out_dir / name).exists()]
    if earlier and not force:
        raise OutputError(out_dir, f"holds an earlier run ({', '.join(earlier)}); choose another --out, "
                                   "give --resume to continue it, or --force to replace it")
    foreign = [name for name in ("metrics.csv", "config.json") if not _written_by_a_run(out_dir / name)]
    if foreign and not force:
        raise OutputError(out_dir / foreign[0], "is not a file a training run wrote, and this run would "
                                                "replace it; choose another --out, or --force to replace it")
    if DistributedContext.from_env().main:
        # a replaced run's state, or the rows of a run stopped before its first checkpoint:
        # the new run's rows are never appended to them
        for name in ("training_state.pt", PENDING_STATE, "metrics.csv"):
            (out_dir / name).unlink(missing_ok=True)


def _written_by_a_run(path: Path) -> bool:
    """True when ``path`` is absent or looks like the file of that name a run writes: a
    ``metrics.csv`` whose header starts with ``step``, a ``config.json`` holding a JSON
    object with a ``model`` section (a user's own file of that name is never replaced
    without ``--force``)."""
    if not path.exists():
        return True
    try:
        with open(path, encoding="utf-8") as handle:
            if path.name == "metrics.csv":
                return handle.readline().strip().split(",")[0] == "step"
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("model"), dict)


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


@dataclass(frozen=True)
class DistributedContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> DistributedContext:
        return cls(int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("LOCAL_RANK", 0)))

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def check_device(device: str) -> None:
    """ConfigError for ``--device cuda`` where PyTorch sees no CUDA device (torch raised an
    AssertionError, 'Torch not compiled with CUDA enabled', once the model moved there)."""
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: PyTorch sees no CUDA device here (give --device cpu, or auto: the GPU when "
                          "there is one)")


def pick_device(device: str, context: DistributedContext) -> torch.device:
    check_device(device)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and context.distributed:
        return torch.device("cuda", context.local_rank)
    return torch.device(device)


def _append_metrics(path: Path, row: dict) -> None:
    new = not path.exists()
    columns = METRIC_COLUMNS
    if not new:  # keep an existing file's columns (a resumed run written by an older version)
        with open(path, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), None)
        columns = tuple(header) if header else METRIC_COLUMNS
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})


def _trim_metrics(path: Path, step: int) -> None:
    """Drop the rows of ``metrics.csv`` after ``step`` (atomically; nothing when there are none):
    a run stopped (Ctrl+C, a crash) past its last checkpoint logged steps that its resume trains
    again, and the resumed rows were appended after them, each such step twice."""
    if not path.is_file():
        return
    with open(path, newline="", encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    kept = lines[:1]
    for line in lines[1:]:
        first = line.split(",", 1)[0].strip()
        if first.isdigit() and int(first) > step:
            continue
        kept.append(line)
    if len(kept) != len(lines):
        write_text_atomic(path, "".join(kept), newline="")


@contextlib.contextmanager
def interrupt_deferred():
    """A Ctrl-C (SIGINT) or a SIGTERM (a scheduler's time limit, ``docker stop``) that arrives
    inside the block is raised as ``KeyboardInterrupt`` when the block ends, not in the middle
    of it; a SIGTERM only where the process handles it (:func:`core.training.run.run` does).
    In the main thread only: signal handlers can be set nowhere else, and other threads never
    receive ``KeyboardInterrupt``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    signals = [signal.SIGINT] + ([signal.SIGTERM] if callable(signal.getsignal(signal.SIGTERM)) else [])
    previous = {signum: signal.signal(signum, lambda number, frame: received.append(number)) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        raise KeyboardInterrupt


def _diverged(out_dir: Path, step: int, total: int, reason: str, saved: int) -> ConfigError:
    """The one line of a run whose network diverged at ``step``; ``saved``: the step of this
    run's last checkpoint (0: none)."""
    kept = (f"{out_dir / 'checkpoint.pt'} keeps step {saved} (--resume continues from it)" if saved
            else "no checkpoint of this run was written")
    return ConfigError(f"{out_dir}: the network diverged at step {step} of {total} ({reason}); lower optim.lr or "
                       f"keep optim.grad_clip above 0; {kept}")


def _save(out_dir: Path, actor, optimizer, scaler, step: int, config: TrainConfig, metrics: dict,
          teacher: str | Path | None = None, kept: int = 0) -> Path:
    """Write ``checkpoint.pt`` and ``training_state.pt`` of step ``step`` as a pair: a Ctrl-C
    during the writes stops the run after them. A kill cannot be deferred: the state is first
    written whole to :data:`PENDING_STATE`, then the checkpoint replaces the old one (the
    commit), then the pending state is renamed over ``training_state.pt``. Killed before the
    checkpoint's replace, the folder holds the previous pair (and a pending state of a later
    step, dropped on resume); killed after it, a pending state of the checkpoint's step, which
    the resume puts in place (:func:`_settle_pending`). A state written after the checkpoint
    instead was lost with the kill, and the pair, of two steps, could never be resumed.
    A write that fails (a full disk) is an OutputError naming the file, with the step the folder
    keeps (``kept``: the run's last saved step, 0 when none); the previous pair stays."""
    model = actor.trainable_module
    checkpoint = out_dir / "checkpoint.pt"
    safe_metrics = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))}
    extra_modules = {name: m.state_dict() for name, m in actor.named_children()
                     if m is not actor.trainable_module and name != "teacher"}
    state = {
        "step": int(step), "optimizer": optimizer.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "torch_rng": torch.get_rng_state(), "extra_modules": extra_modules,
    }
    pending = out_dir / PENDING_STATE
    with interrupt_deferred(), _naming_what_is_kept(out_dir, step, kept):
        try:
            with atomic_path(pending, suffix=".pt") as tmp:
                save_torch_file(state, tmp)
        except OutputError as error:
            raise OutputError(out_dir / "training_state.pt", error.problem.replace("; nothing was changed", "")
                              ) from error
        try:
            save_checkpoint(checkpoint, model, {"step": int(step), "train_config": to_dict(config),
                                                "metrics": safe_metrics,
                                                **({"teacher": str(Path(teacher).resolve())} if teacher else {})})
        except Exception:  # not written (disk full, ...): the previous pair stands, without a stray state
            pending.unlink(missing_ok=True)
            raise
        try:
            os.replace(pending, out_dir / "training_state.pt")
        except OSError as error:
            raise OutputError(out_dir / "training_state.pt", f"cannot write ({error.strerror or error}); "
                                                             f"{checkpoint} holds step {step}") from error
    return checkpoint


@contextlib.contextmanager
def _naming_what_is_kept(out_dir: Path, step: int, kept: int):
    """An OutputError of a checkpoint's save says that the run stopped and what its folder keeps."""
    try:
        yield
    except OutputError as error:
        keeps = (f"{out_dir / 'checkpoint.pt'} keeps step {kept} (--resume continues from it)" if kept
                 else "no checkpoint of this run was written")
        problem = error.problem.replace("; nothing was changed", "")
        raise OutputError(error.path, f"{problem}; the run stopped at step {step}: {keeps}") from error


def _settle_pending(out_dir: Path) -> None:
    """Finish or drop the save a kill interrupted (:func:`_save`): a :data:`PENDING_STATE` of the
    checkpoint's step replaces ``training_state.pt`` (the kill came after the checkpoint was
    committed); one of another step, or one that cannot be read, is removed (the kill came
    before: the folder's pair is the previous one). Nothing without a readable checkpoint
    (the resume then says what is wrong with it). Rank 0 only, before the others read."""
    from core.models.checkpoint import read_checkpoint

    pending = out_dir / PENDING_STATE
    if not pending.is_file() or not (out_dir / "checkpoint.pt").is_file():
        return
    try:
        checkpoint_step = (read_checkpoint(out_dir / "checkpoint.pt").get("extra") or {}).get("step")
    except CheckpointError:
        return
    if not isinstance(checkpoint_step, int):
        return
    try:
        state = load_torch_file(pending, "training state")
        step = state.get("step") if isinstance(state, dict) else None
    except CheckpointError:
        step = None
    if isinstance(step, int) and step == checkpoint_step:
        os.replace(pending, out_dir / "training_state.pt")
    else:
        pending.unlink(missing_ok=True)


def _restore(out_dir: Path, actor, optimizer, scaler, device) -> int:
    checkpoint, state_path = out_dir / "checkpoint.pt", out_dir / "training_state.pt"
    if not checkpoint.is_file() or not state_path.is_file():
        raise CheckpointError(out_dir, "cannot resume: checkpoint.pt and training_state.pt are both needed")
    model, extra = load_checkpoint(checkpoint)
    state = load_torch_file(state_path, "training state")  # cut short / damaged: one line, not torch's advice
    missing = [k for k in ("step", "optimizer", "torch_rng") if k not in state] if isinstance(state, dict) else None
    if missing is None or missing:
        lacks = "is not a dict" if missing is None else f"lacks {', '.join(repr(k) for k in missing)}"
        raise CheckpointError(state_path, f"not a training state written by `train` ({lacks})")
    if int(extra.get("step", -1)) != int(state.get("step", -2)):
        raise CheckpointError(state_path, f"names step {state.get('step')} but checkpoint.pt is at step {extra.get('step')}")
    try:  # another config's network or optimiser: one line, not torch's list of size mismatches
        actor.trainable_module.load_state_dict(model.state_dict())
        for name, sd in state.get("extra_modules", {}).items():
            getattr(actor, name).load_state_dict(sd)
        optimizer.load_state_dict(state["optimizer"])
        if scaler is not None and state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        torch.set_rng_state(state["torch_rng"])
    except (RuntimeError, ValueError, KeyError, TypeError, AttributeError) as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        raise CheckpointError(state_path, f"does not fit the network and optimiser this config trains ({first}); "
                                          f"resume with the config the run was trained with ({out_dir / 'config.json'})"
                              ) from error
    return int(state["step"])


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
        _settle_pending(out_dir)
    if resume and context.distributed:
        dist.barrier()  # the other ranks read the pair rank 0 settled
    start = _restore(out_dir, actor, optimizer, scaler, dev) if resume else 0
    if resume and context.main:
        _trim_metrics(out_dir / "metrics.csv", start)
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
            if done % config.log_every == 0 or done == total:
                elapsed = time.perf_counter() - window_start
                row = {"step": done, "elapsed_s": round(time.perf_counter() - started, 2), "lr": lr,
                       "samples_per_s": window_steps * config.batch_size * context.world_size / max(elapsed, 1e-9)}
                row.update({k: sum(v) / len(v) for k, v in window.items()})
                validate = bool(config.validation.every and done % config.validation.every == 0) or done == total
                if validate and val_batch is not None:
                    validation = evaluate(model, val_batch)
                    row.update(validation)
                if validate and context.main and config.validation.track_sequences > 0:
                    tracked = tracking_validation(model, sequences=config.validation.track_sequences,
                                                  frames=config.validation.track_frames)
                    validation = {**validation, **tracked}
                    row.update(tracked)
                if context.main:
                    _append_metrics(out_dir / "metrics.csv", row)
                window, window_start, window_steps = {}, time.perf_counter(), 0
            if context.main and (done % config.checkpoint_every == 0 or done == total):
                if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):  # never over a good one
                    raise _diverged(out_dir, done, total, "its weights are not finite", saved)
                _save(out_dir, actor, optimizer, scaler, done, config, row, teacher, kept=saved)
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


def wrap_distributed(actor: nn.Module, device: torch.device, context: DistributedContext) -> nn.Module:
    """The actor wrapped in DistributedDataParallel when running distributed."""
    if not context.distributed:
        return actor
    from torch.nn.parallel import DistributedDataParallel

    ids = [device.index] if device.type == "cuda" else None
    # The teacher keeps parameters that are built but never called (``prompt_blocks.0``,
    # see docs/models.md), so DDP must not wait for their gradients.
    return DistributedDataParallel(actor, device_ids=ids, find_unused_parameters=True)
