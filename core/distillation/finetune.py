"""Closing the loop: fine-tune the student from distillation files written by the studio.

Labels are the human-checked boxes (manual, accepted teacher, interpolated, imported);
soft targets are the teacher's stored maps (no teacher runs here). The last part of each
sequence is held out (``core.distillation.dataset``) and the student is scored on it
before and after, with the tracker's own decoding (Hann window), so the numbers say
whether the corrections made the student better on frames it did not train on.

``finetune_student(...)`` is a job (generator of Progress) returning a FinetuneResult;
the CLI (``python main.py distill --data``) and the studio ("Improve the student")
run the same job.
"""
from __future__ import annotations

import copy
import queue
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.distillation.augment import random_augment
from core.distillation.dataset import load_items
from core.distillation.finetune_checks import NoHeldOutCheck, check_model_sides, crop_sides, no_held_out_box
from core.distillation.held_out import HeldOutScore, StemFeatures, score_held_out
from core.distillation.item_tensors import batch as _batch
from core.distillation.replay import ReplayStream, replay_rows_at
from core.distillation.stored_teacher import stored_teacher_loss, teacher_agreement
from core.errors import ConfigError, DistillationDataError
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.correlation_prior import stem_features
from core.progress import Job, Progress
from core.training.config import LossConfig
from core.training.model_setup import is_pretrained_stem_parameter
from core.wording import plural

#: names other code imports from here (the app's Improve, the commands, the benches): kept importable
__all__ = ["FinetuneConfig", "FinetuneResult", "HeldOutScore", "NoHeldOutCheck", "finetune_student",
           "score_held_out"]


@dataclass(frozen=True)
class FinetuneConfig:
    """steps: optimiser steps; batch_size; lr for the trunk and head (stem frozen when
    ``freeze_stem``); holdout_fraction: last part of each sequence kept for evaluation;
    task / score / box_l1 / box_giou: weights of the label loss and of the distillation
    terms against the stored teacher maps (0 switches a term off).

    Against over-fitting a few sequences (``docs/closed_loop_results.md`` measures each):
    replay: share of the batches' rows drawn from the synthetic training stream with the
    initial student's outputs as soft targets (``core.distillation.replay``; 0 = off;
    spread over the steps where a batch cannot hold it, ``replay_rows_at``);
    shift_cells / flip: random whole-cell shift (up to that many feature cells per axis)
    and mirror of the stored crops and maps (``core.distillation.augment``);
    kd_agreement_iou: distil from the stored teacher maps only on items where the
    teacher's own box overlaps the label by at least this IoU (where the user had to
    correct the teacher, its maps teach the mistake); 0 distils on every item.
    negative_share: least share of the annotated rows of a batch drawn from negatives
    (frames flagged absent) when there are any; 0 draws them in their natural proportion.
    device: ``auto`` (CUDA when available, else CPU), ``cpu`` or ``cuda``.
    use_annotations: False runs the *control*: the same steps with only the rehearsal
    rows of each batch, no annotated item (what rehearsal alone would have done; needs
    ``replay`` > 0).
    prefetch: make the next step's batch (the annotated rows' augmentation and frozen stem
    features, the rehearsal rows and the initial student's maps on them) in a second thread
    while a step trains; the batches, and so the weights, are the same either way.
    """

    steps: int = 200
    batch_size: int = 16
    lr: float = 5e-5
    weight_decay: float = 1e-4
    holdout_fraction: float = 0.25
    task: float = 1.0
    score: float = 1.0
    box_l1: float = 5.0
    box_giou: float = 2.0
    freeze_stem: bool = True
    grad_clip: float = 1.0
    seed: int = 0
    threads: int | None = None
    replay: float = 0.5
    shift_cells: int = 3
    flip: float = 0.5
    kd_agreement_iou: float = 0.5
    negative_share: float = 0.0
    device: str = "auto"
    use_annotations: bool = True
    prefetch: bool = True

    def __post_init__(self) -> None:
        problems = []
        if self.steps < 1 or self.batch_size < 1:
            problems.append(f"steps and batch_size must be >= 1 (got {self.steps}, {self.batch_size})")
        if not self.lr > 0:
            problems.append(f"lr must be > 0 (got {self.lr})")
        for name in ("replay", "holdout_fraction"):
            if not 0.0 <= getattr(self, name) < 1.0:
                problems.append(f"{name} must be in [0, 1) (got {getattr(self, name)})")
        for name in ("flip", "negative_share", "kd_agreement_iou"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be in [0, 1] (got {getattr(self, name)})")
        if not self.use_annotations and self.replay <= 0:
            problems.append("the control (use_annotations=False) needs rehearsal rows: replay > 0")
        if self.shift_cells < 0:
            problems.append(f"shift_cells must be >= 0 (got {self.shift_cells})")
        if self.seed < 0:  # numpy's generator refuses a negative seed, after the data is loaded
            problems.append(f"seed must be >= 0 (got {self.seed})")
        if problems:
            raise ConfigError("fine-tuning settings: " + "; ".join(problems))


@dataclass
class FinetuneResult:
    checkpoint: Path
    before: HeldOutScore
    after: HeldOutScore
    train_items: int
    steps: int
    seconds: float
    losses: list[float] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the held-out scores before -> after and the run's size. With fewer than
        ``FEW_HELD_OUT`` held-out items it says they are too few to tell (``distill --data``
        printed "held-out items 1: mean IoU 0.580 -> 0.554" as if that were a result; the
        studio's Improve says it in its dialogs)."""
        from core.distillation.export import FEW_HELD_OUT

        few = (" (too few to say whether the student got better or worse)"
               if 0 < self.before.items < FEW_HELD_OUT else "")
        return (
            f"held-out items {self.before.items}{few}: mean IoU {self.before.mean_iou:.3f} -> {self.after.mean_iou:.3f}, "
            f"success {self.before.success:.3f} -> {self.after.success:.3f} "
            f"({plural(self.train_items, 'training item')}, {plural(self.steps, 'step')}, {self.seconds:.0f} s)"
        )


def _choose_rows(present: np.ndarray, negative: np.ndarray, rows: int, negative_share: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Indices of ``rows`` training items: uniform over all, or with at least
    ``negative_share`` of them negatives when there are negatives to draw."""
    everything = np.concatenate([present, negative])
    if negative_share <= 0 or negative.size == 0 or present.size == 0:
        return rng.choice(everything, size=min(rows, everything.size), replace=everything.size < rows)
    n_negative = min(rows, max(1, int(round(rows * negative_share))))
    picked_negative = rng.choice(negative, size=n_negative, replace=negative.size < n_negative)
    n_present = rows - n_negative
    picked_present = rng.choice(present, size=n_present, replace=present.size < n_present)
    return np.concatenate([picked_present, picked_negative]).astype(np.int64)


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("fine-tuning on cuda was asked for, but no CUDA device is available")
    if name not in ("cpu", "cuda"):
        raise ConfigError(f"unknown device {name!r}; use auto, cpu or cuda")
    return torch.device(name)


def _trainable(model: torch.nn.Module, freeze_stem: bool) -> list[torch.nn.Parameter]:
    params = []
    for name, param in model.named_parameters():
        frozen = freeze_stem and is_pretrained_stem_parameter(model, name)
        param.requires_grad_(not frozen)
        if not frozen:
            params.append(param)
    return params


def _diverged(step: int, steps: int, reason: str) -> ConfigError:
    return ConfigError(f"the student diverged at fine-tuning step {step} of {steps} ({reason}); lower --lr (the "
                       "initial weights are unchanged and no checkpoint was written)")


#: batches made ahead of the step that trains (``FinetuneConfig.prefetch``): one in the queue
#: and one in the making keep the step from waiting, more only hold memory
PREFETCH_STEPS = 1


@dataclass
class _StepBatch:
    """One step's rows: the batch the loss reads (``core.distillation.item_tensors.batch``'s keys;
    annotated rows first, then the rehearsal rows), kd_rows (B,) bool on the device, and
    features: the frozen stem's ``(zf, xf)`` of its crops (None: the model runs its stem)."""

    batch: dict[str, torch.Tensor]
    kd_rows: torch.Tensor
    features: tuple[torch.Tensor, torch.Tensor] | None


def _frozen_stem(model: torch.nn.Module, config: FinetuneConfig) -> torch.nn.Module | None:
    """A frozen copy of the student's EfficientNet stem when fine-tuning leaves it as it is
    (``freeze_stem``; BatchNorm in eval), else None. Its features of a crop are those the
    student's stem would compute at every step, so they are made off the training graph (no
    autograd), in the batches' thread, and for the rehearsal rows taken from the frozen initial
    student, which computes them for its own maps (the stem ran twice on those rows)."""
    patch_embed = getattr(getattr(model, "backbone", None), "patch_embed", None)
    if not config.freeze_stem or not any(is_pretrained_stem_parameter(model, name)
                                         for name, _ in model.named_parameters()):
        return None
    if not hasattr(patch_embed, "features") or not hasattr(patch_embed, "proj"):
        return None
    stem = copy.deepcopy(patch_embed).eval()
    for param in stem.parameters():
        param.requires_grad_(False)
    return stem


def _step_batches(train: list, config: FinetuneConfig, rng: np.random.Generator, agrees: np.ndarray | None,
                  replay: ReplayStream | None, stem: torch.nn.Module | None,
                  device: torch.device) -> Iterator[_StepBatch]:
    """The batches of steps 1..``config.steps``, in order (``rng`` and ``replay`` are drawn
    from here alone, so the batches are the same whichever thread makes them)."""
    train_negative = np.flatnonzero([item.absent for item in train])
    train_present = np.flatnonzero([not item.absent for item in train])
    for step in range(1, config.steps + 1):
        replay_rows = replay_rows_at(step, config.batch_size, config.replay)
        own_rows = config.batch_size - replay_rows
        if not config.use_annotations:  # the control: only the rehearsal rows
            replay_rows, own_rows = max(replay_rows, 1), 0
        features = None
        if own_rows:
            chosen = _choose_rows(train_present, train_negative, own_rows, config.negative_share, rng)
            batch = _batch([random_augment(train[i], rng, config.shift_cells, config.flip) for i in chosen], device)
            kd_rows = torch.ones(len(chosen), dtype=torch.bool) if agrees is None else torch.from_numpy(agrees[chosen])
            if stem is not None:
                with torch.no_grad():
                    features = stem_features(stem, batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
        if replay_rows:
            if stem is not None:
                extra, replayed = replay.batch(replay_rows, step, features=True)
                features = replayed if not own_rows else tuple(
                    _rows_joined(mine, theirs) for mine, theirs in zip(features, replayed, strict=True))
            else:
                extra = replay.batch(replay_rows, step)
            batch = {key: torch.cat([batch[key], extra[key]]) for key in batch} if own_rows else extra
            rehearsed = torch.ones(replay_rows, dtype=torch.bool)
            kd_rows = torch.cat([kd_rows, rehearsed]) if own_rows else rehearsed
        yield _StepBatch(batch, kd_rows.to(device), features)


def _rows_joined(first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
    """Stem features of two batches (each ``[visible; thermal]``, 2B rows) as those of the rows
    of ``first`` followed by those of ``second``: ``[v1; v2; t1; t2]``."""
    a, b = first.shape[0] // 2, second.shape[0] // 2
    return torch.cat([first[:a], second[:b], first[a:], second[b:]])


def _train_step(model: torch.nn.Module, rows: _StepBatch, step: int, config: FinetuneConfig,
                loss_config: LossConfig, optimizer: torch.optim.Optimizer, params: list) -> float:
    """One optimiser step on ``rows``; returns its loss. ConfigError when the student diverges."""
    batch = rows.batch
    try:  # a diverging student was a traceback, 'network produced non-finite boxes'
        outputs = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"], stem_features=rows.features)
        loss, stats = stored_teacher_loss(outputs, batch, config, loss_config, rows.kd_rows)
        if not torch.isfinite(loss):
            raise FloatingPointError("the loss is not finite")
    except FloatingPointError as error:
        raise _diverged(step, config.steps, str(error)) from error
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, config.grad_clip)
    optimizer.step()
    return stats["loss"]


class _Prefetched:
    """The items of ``iterator`` made in a daemon thread, up to ``ahead`` of the one taken
    (plus the one in the making); ``next()`` raises what the thread raised; ``close()`` stops
    the thread (it finishes the item it is making) and waits for it. ``ahead`` 0: made on
    the taker's thread, when taken (no thread)."""

    def __init__(self, iterator: Iterator, ahead: int):
        self._iterator = iterator
        self._thread = None
        if ahead > 0:
            self._queue: queue.Queue = queue.Queue(maxsize=ahead)
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._make, name="finetune-batches", daemon=True)
            self._thread.start()

    def _make(self) -> None:
        try:
            for item in self._iterator:
                if not self._put((True, item)):
                    return
            self._put((False, StopIteration()))
        except BaseException as error:  # noqa: BLE001 - raised again on the taker's thread
            self._put((False, error))
        finally:
            self._iterator.close()

    def _put(self, entry) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def __next__(self):
        if self._thread is None:
            return next(self._iterator)
        made, value = self._queue.get()
        if not made:
            raise value
        return value

    def close(self) -> None:
        if self._thread is None:
            self._iterator.close()
            return
        self._stop.set()
        self._thread.join()


def finetune_student(init: str | Path, data: list[str | Path], out: str | Path,
                     config: FinetuneConfig = FinetuneConfig(), *,
                     recorded_data: list[str | Path] | None = None) -> Job[FinetuneResult]:
    """Fine-tune the student checkpoint ``init`` on distillation files ``data``; write ``out``.

    The previous weights are never touched (``out`` is a new file, written atomically).
    ``recorded_data``: the paths the checkpoint names as its data (default ``data``), for a
    caller that moves the files into place after (the studio's Improve reads its file under
    an unfinished name until the fine-tune is done).
    """
    started = time.perf_counter()
    if config.threads:
        torch.set_num_threads(config.threads)
    yield Progress(0, config.steps, "loading distillation data")
    sides = crop_sides(data)  # before any crop is read: files of other crop sides cannot share a batch
    items = load_items(data, config.holdout_fraction)
    train = [item for item in items if not item.held_out]
    held_out = [item for item in items if item.held_out]
    if not train:
        raise DistillationDataError(Path(data[0]) if data else None, "no labelled training samples in the data")
    if config.holdout_fraction > 0 and not any(not item.absent for item in held_out):
        # said before the first step (the CLI prints it as a "note:" line); the run goes on, as a
        # benchmark or a user who chose it wants; the studio asks before it exports (holdout_check)
        warnings.warn(NoHeldOutCheck(f"{no_held_out_box(items, config.holdout_fraction)} (fine-tuning goes on; "
                                     "its before/after scores will be empty)"), stacklevel=2)
    model, extra = load_checkpoint(init)
    if getattr(model, "FACTORY", "student") != "student":
        raise DistillationDataError(Path(init), f"holds a {model.FACTORY} model; fine-tuning needs the student")
    check_model_sides(model, init, sides)
    device = _device(config.device)
    model = model.to(device)
    yield Progress(0, config.steps, f"scoring {plural(len(held_out), 'held-out item')} before ({device.type})")
    stem = _frozen_stem(model, config)
    held_out_stem = None if stem is None else StemFeatures(stem)  # the same before and after
    before = score_held_out(model, held_out, stem=held_out_stem)
    params = _trainable(model, config.freeze_stem)
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    rng = np.random.default_rng(config.seed)
    torch.manual_seed(config.seed)
    loss_config = LossConfig()
    agrees = teacher_agreement(train) >= config.kd_agreement_iou if config.kd_agreement_iou > 0 else None
    replay = ReplayStream(model, seed=config.seed) if config.replay > 0 or not config.use_annotations else None
    losses: list[float] = []
    model.train()
    for module in model.modules():  # BatchNorm statistics stay those of the bundled model
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.eval()
    yield Progress(0, config.steps, f"fine-tuning on {plural(len(train), 'item')}")
    batches = _Prefetched(_step_batches(train, config, rng, agrees, replay, stem, device),
                          PREFETCH_STEPS if config.prefetch else 0)
    try:
        for step in range(1, config.steps + 1):
            losses.append(_train_step(model, next(batches), step, config, loss_config, optimizer, params))
            yield Progress(step, config.steps, f"loss {np.mean(losses[-20:]):.3f}")
    finally:
        batches.close()  # a cancelled run (the generator closed) stops the batches' thread too
    if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
        raise _diverged(config.steps, config.steps, "its weights are not finite")
    model.eval()
    yield Progress(config.steps, config.steps, f"scoring {plural(len(held_out), 'held-out item')} after")
    after = score_held_out(model, held_out, stem=held_out_stem)
    model = model.cpu()  # checkpoints hold CPU tensors
    seconds = time.perf_counter() - started
    save_checkpoint(
        out,
        model,
        {
            "finetuned_from": str(init),
            "data": [str(p) for p in (data if recorded_data is None else recorded_data)],
            "held_out_before": asdict(before),
            "held_out_after": asdict(after),
            "steps": config.steps,
            "train_items": len(train),
        },
    )
    return FinetuneResult(Path(out), before, after, len(train), config.steps, seconds, losses)
