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

import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.distillation.augment import random_augment
from core.distillation.dataset import Item, check_holdout, load_items
from core.distillation.replay import ReplayStream
from core.errors import ConfigError, DistillationDataError
from core.fileio import CleanupNote
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.head import decode_boxes, hann2d
from core.progress import Job, Progress
from core.training.actors import response_distillation
from core.training.config import DistillConfig, LossConfig
from core.training.losses import focal_loss, task_loss
from core.training.model_setup import is_pretrained_stem_parameter
from core.wording import plural

SUCCESS_THRESHOLDS = np.linspace(0.0, 1.0, 21)


@dataclass(frozen=True)
class FinetuneConfig:
    """steps: optimiser steps; batch_size; lr for the trunk and head (stem frozen when
    ``freeze_stem``); holdout_fraction: last part of each sequence kept for evaluation;
    task / score / box_l1 / box_giou: weights of the label loss and of the distillation
    terms against the stored teacher maps (0 switches a term off).

    Against over-fitting a few sequences (``docs/closed_loop_results.md`` measures each):
    replay: share of every batch drawn from the synthetic training stream with the
    initial student's outputs as soft targets (``core.distillation.replay``; 0 = off);
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
        if not self.use_annotations and int(round(self.batch_size * self.replay)) < 1:
            problems.append("the control (use_annotations=False) needs rehearsal rows: replay > 0")
        if self.shift_cells < 0:
            problems.append(f"shift_cells must be >= 0 (got {self.shift_cells})")
        if self.seed < 0:  # numpy's generator refuses a negative seed, after the data is loaded
            problems.append(f"seed must be >= 0 (got {self.seed})")
        if problems:
            raise ConfigError("fine-tuning settings: " + "; ".join(problems))


@dataclass(frozen=True)
class HeldOutScore:
    """Scores on held-out items: mean IoU and success (mean over IoU thresholds 0:0.05:1
    with ``>``, the LasHeR SR rule) of the decoded box against the label, in crop units."""

    items: int
    mean_iou: float
    success: float


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
        return (
            f"held-out items {self.before.items}: mean IoU {self.before.mean_iou:.3f} -> {self.after.mean_iou:.3f}, "
            f"success {self.before.success:.3f} -> {self.after.success:.3f} "
            f"({plural(self.train_items, 'training item')}, {plural(self.steps, 'step')}, {self.seconds:.0f} s)"
        )


def _stack(items: list[Item], name: str) -> torch.Tensor:
    return torch.from_numpy(np.stack([getattr(item, name) for item in items]).astype(np.float32))


def _batch(items: list[Item], device: torch.device | str = "cpu") -> dict[str, torch.Tensor]:
    batch = {
        "z_v": _stack(items, "z_v"),
        "z_t": _stack(items, "z_t"),
        "x_v": _stack(items, "x_v"),
        "x_t": _stack(items, "x_t"),
        "box": _stack(items, "target"),
        "heatmap": _stack(items, "heatmap"),
        "teacher_score": _stack(items, "teacher_score"),
        "teacher_size": _stack(items, "teacher_size"),
        "teacher_offset": _stack(items, "teacher_offset"),
        "absent": torch.tensor([item.absent for item in items], dtype=torch.bool),
    }
    return {key: value.to(device) for key, value in batch.items()}


def _box_iou_cxcywh(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from core.geometry import cxcywh_to_xywh, iou

    return iou(cxcywh_to_xywh(a), cxcywh_to_xywh(b))


@torch.inference_mode()
def score_held_out(model: torch.nn.Module, items: list[Item], batch_size: int = 32) -> HeldOutScore:
    """Decode the model on ``items`` as the tracker does (Hann-windowed peak) and score it
    (negatives, ``absent`` items, have no box to score and are left out)."""
    items = [item for item in items if not item.absent]
    if not items:
        return HeldOutScore(0, float("nan"), float("nan"))
    model.eval()
    device = next(model.parameters()).device
    ious = []
    window = None
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        batch = _batch(chunk, device)
        score, size, offset, _ = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
        if window is None:
            window = hann2d(score.shape[-1]).to(score)
        boxes, _ = decode_boxes(score, size, offset, window)
        ious.append(_box_iou_cxcywh(boxes.float().cpu().numpy().astype(np.float64),
                                    batch["box"].cpu().numpy().astype(np.float64)))
    iou = np.concatenate(ious)
    success = float(np.mean([(iou > t).mean() for t in SUCCESS_THRESHOLDS]))
    return HeldOutScore(len(items), float(iou.mean()), success)


def stored_teacher_loss(outputs, batch, config: FinetuneConfig, loss: LossConfig,
                        kd_rows: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
    """Label loss plus distillation against the stored teacher maps: the training actors'
    response terms (``core.training.actors.response_distillation``: score-map BCE, the
    student's box at the teacher's peak vs the teacher's box), without feature imitation
    (teacher features are not stored). kd_rows: (B,) bool, the rows distilled (all when
    None; no distillation when none is set). Negatives (``batch["absent"]``) take only the
    focal term against their all-zero heatmap: no box, no distillation."""
    total = outputs[0].new_zeros(())
    stats: dict[str, float] = {}
    absent = batch.get("absent")
    if absent is None:
        absent = torch.zeros(outputs[0].shape[0], dtype=torch.bool, device=outputs[0].device)
    present = ~absent
    if config.task > 0 and bool(present.any()):
        present_outputs = tuple(o[present] for o in outputs[:3]) + (None,)
        task, parts = task_loss(present_outputs, {k: v[present] for k, v in batch.items()}, loss)
        if bool(absent.any()):  # negatives add to the focal term (CenterNet: sum / number of peaks)
            focal_all = focal_loss(outputs[0], batch["heatmap"])
            focal_present = focal_loss(outputs[0][present], batch["heatmap"][present])
            task = task + loss.focal * (focal_all - focal_present)
            parts["focal"] = float(focal_all.detach())
        total = total + config.task * task
        stats.update(parts)
    kd_rows = present if kd_rows is None else kd_rows & present
    terms = DistillConfig(feature=0.0, score=config.score, score_mode="bce", box_l1=config.box_l1,
                          box_giou=config.box_giou, task=config.task)
    student_maps = tuple(m[kd_rows] for m in outputs[:3])
    teacher_maps = tuple(batch[key][kd_rows] for key in ("teacher_score", "teacher_size", "teacher_offset"))
    if student_maps[0].shape[0] > 0:
        kd, kd_stats = response_distillation(student_maps, teacher_maps, terms)
        total = total + kd
        stats.update(kd_stats)
    stats["loss"] = float(total.detach())
    return total, stats


def teacher_agreement(items: list[Item], batch_size: int = 64) -> np.ndarray:
    """(N,) IoU between the box decoded from each item's stored teacher maps (plain peak)
    and its label, both in search-crop units (0 for negatives)."""
    ious = []
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        score, size, offset = (_stack(chunk, name) for name in ("teacher_score", "teacher_size", "teacher_offset"))
        boxes, _ = decode_boxes(score, size, offset)
        targets = np.stack([item.target for item in chunk]).astype(np.float64)
        agreement = _box_iou_cxcywh(boxes.numpy().astype(np.float64), targets)
        agreement[[item.absent for item in chunk]] = 0.0
        ious.append(agreement)
    return np.concatenate(ious) if ious else np.zeros(0)


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


class NoHeldOutCheck(CleanupNote):
    """Warned before the first step when no held-out item has a box: the run cannot say whether
    the student got better (a ``core.fileio.CleanupNote``: the command line shows it as a note)."""


def no_held_out_box(items: list[Item], holdout_fraction: float) -> str:
    """Why a run on ``items`` cannot judge itself (no held-out item has a box), and what to
    do: the line of ``core.distillation.dataset.HoldOutCheck.problem`` for one sequence,
    the least frames to add over several (said before any training step: the scores would
    be empty after minutes of work)."""
    by_sequence: dict[str, list[tuple[int, bool]]] = {}
    for item in items:
        by_sequence.setdefault(item.sequence, []).append((item.frame, item.absent))
    checks = [check_holdout(samples, holdout_fraction) for samples in by_sequence.values()]
    how = "hold nothing out to fine-tune without a before/after check (distill --data ... --holdout 0)"
    if len(checks) == 1 and checks[0].problem():
        return checks[0].problem(otherwise=how)
    need = min((c.more_needed for c in checks if c.samples), default=1)
    return (f"no held-out sample has a box to score (the last {holdout_fraction:.0%} of each sequence's checked "
            f"frames are all marked absent); draw or accept the target's box on at least {plural(need, 'more frame')} "
            f"at the end of a sequence and export again, or {how}")


def crop_sides(data: list[str | Path]) -> tuple[Path, tuple[int, int, int]] | None:
    """``(first file, (template, search, feature) sides)`` the distillation files ``data`` share
    (their headers), or None for no file. DistillationDataError naming two files whose crops
    differ: their items cannot be stacked into one batch (numpy's 'all input arrays must have
    the same shape' traceback)."""
    from core.distillation.reader import DistillationFile

    first = None
    for path in map(Path, data):
        with DistillationFile(path) as opened:
            header = opened.header
        sides = (int(header["template_size"]), int(header["search_size"]), int(header["feature_size"]))
        if first is None:
            first = (path, sides)
        elif sides != first[1]:
            raise DistillationDataError(path, f"holds {_sides_text(sides)} crops, {first[0]} {_sides_text(first[1])}: "
                                              "files exported with teachers of other crop sides cannot be mixed; "
                                              "fine-tune on one kind at a time")
    return first


def _sides_text(sides: tuple[int, int, int]) -> str:
    return f"{sides[0]}/{sides[1]} px (template/search; {sides[2]}x{sides[2]} maps)"


def check_model_sides(model, init: str | Path, sides: tuple[Path, tuple[int, int, int]] | None) -> None:
    """DistillationDataError when the student ``model`` (from ``init``) takes other crop sides
    than the files (``crop_sides``): its position embeddings do not fit them (a torch traceback
    at the first step, e.g. files of a paper-scale teacher and the bundled student)."""
    if sides is None:
        return
    cfg = model.config
    own = (int(cfg.template_size), int(cfg.search_size), int(cfg.feature_size))
    if own != sides[1]:
        raise DistillationDataError(sides[0], f"holds {_sides_text(sides[1])} crops; the student {Path(init).name} "
                                              f"takes {_sides_text(own)}: export with a teacher of the student's "
                                              "crop sides, or start from a student at the files' sides "
                                              "(resize-crops)")


def _diverged(step: int, steps: int, reason: str) -> ConfigError:
    return ConfigError(f"the student diverged at fine-tuning step {step} of {steps} ({reason}); lower --lr (the "
                       "initial weights are unchanged and no checkpoint was written)")


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
    before = score_held_out(model, held_out)
    params = _trainable(model, config.freeze_stem)
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    rng = np.random.default_rng(config.seed)
    torch.manual_seed(config.seed)
    loss_config = LossConfig()
    train_negative = np.flatnonzero([item.absent for item in train])
    train_present = np.flatnonzero([not item.absent for item in train])
    agrees = teacher_agreement(train) >= config.kd_agreement_iou if config.kd_agreement_iou > 0 else None
    replay_rows = min(int(round(config.batch_size * max(config.replay, 0.0))), config.batch_size - 1)
    own_rows = config.batch_size - replay_rows
    if not config.use_annotations:
        replay_rows, own_rows = max(replay_rows, 1), 0
    replay = ReplayStream(model, seed=config.seed) if replay_rows else None
    losses: list[float] = []
    model.train()
    for module in model.modules():  # BatchNorm statistics stay those of the bundled model
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.eval()
    for step in range(1, config.steps + 1):
        if own_rows:
            chosen = _choose_rows(train_present, train_negative, own_rows, config.negative_share, rng)
            batch = _batch([random_augment(train[i], rng, config.shift_cells, config.flip) for i in chosen], device)
            kd_rows = torch.ones(len(chosen), dtype=torch.bool) if agrees is None else torch.from_numpy(agrees[chosen])
        if replay is not None:
            extra = replay.batch(replay_rows, step)
            batch = {key: torch.cat([batch[key], extra[key]]) for key in batch} if own_rows else extra
            rehearsed = torch.ones(replay_rows, dtype=torch.bool)
            kd_rows = torch.cat([kd_rows, rehearsed]) if own_rows else rehearsed
        kd_rows = kd_rows.to(device)
        try:  # a diverging student was a traceback, 'network produced non-finite boxes'
            outputs = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
            loss, stats = stored_teacher_loss(outputs, batch, config, loss_config, kd_rows)
            if not torch.isfinite(loss):
                raise FloatingPointError("the loss is not finite")
        except FloatingPointError as error:
            raise _diverged(step, config.steps, str(error)) from error
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, config.grad_clip)
        optimizer.step()
        losses.append(stats["loss"])
        yield Progress(step, config.steps, f"loss {np.mean(losses[-20:]):.3f}")
    if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
        raise _diverged(config.steps, config.steps, "its weights are not finite")
    model.eval()
    after = score_held_out(model, held_out)
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
