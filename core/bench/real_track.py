"""One real sequence, every contender side by side (:func:`track_real_item`).

**Run.** Each sequence is opened once; all contenders start from the first valid
ground-truth box (drawn off by the item's ``init_error`` when it has one) and then track frame
by frame side by side. Only ``track`` calls are
timed: FPS = tracked frames / seconds in ``track`` (decoding and the one-step probes
excluded). Per frame the confidence (``step.confidence``) is kept.

**One-step diagnostic** (every ``one_step_every``-th frame ``t`` whose ground truth at
``t - 1`` and ``t`` is valid): the tracker is restarted from the ground-truth box of
frame ``t - 1`` and asked for frame ``t``. A branchable state (a dataclass with a
``box`` field, e.g. ``TrackerState`` or the floor's ``CorrelationState``) is the *init*
state of frame ``start`` (template from the first frame) with ``box`` = GT[t-1] via
``dataclasses.replace`` (also ``frame_index`` and a one-corner ``corner_history`` where
those fields exist, so a Kalman fallback starts from that box). Trackers that declare
``branchable = False`` (the OpenCV peers) are re-initialised on frame ``t - 1`` with
GT[t-1]. It separates "cannot locate or size the target at all" from "drifts".
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.bench.code_hashes import real_fingerprint
from core.bench.contenders import Contender
from core.bench.eval_sets import ground_truth_rows
from core.bench.real_items import RealItem
from core.bench.real_metrics import valid_rows
from core.bench.result_cache import ResultCache, run_key
from core.bench.side_by_side import SideBySide
from core.geometry import as_box
from core.progress import Job, Progress

DEFAULT_ONE_STEP_EVERY = 10
_CACHE_ARRAYS = ("boxes", "confidences", "one_step", "seconds", "tracked")


@dataclass
class RealRun:
    """One contender on one sequence, rows for frames ``start`` .. ``start + M - 1``:
    boxes (M, 4) float64 (row 0 = the init box), confidences (M,) float64 (row 0 NaN),
    one_step (M, 4) float64 one-step boxes (NaN where not probed), ``seconds`` in
    ``track`` for ``tracked`` frames."""

    boxes: np.ndarray
    confidences: np.ndarray
    one_step: np.ndarray
    seconds: float
    tracked: int
    start: int = 0
    cached: bool = False


def restart_state(state, box, frame_index: int):
    """A copy of a branchable ``state`` moved to ``box`` (x, y, w, h) on frame ``frame_index``
    (``dataclasses.replace`` of ``box``, and of ``frame_index`` / ``corner_history`` where
    the state has them). Everything else (the template) is kept."""
    box = as_box(box)
    names = {f.name for f in dataclasses.fields(state)}
    changes = {"box": box.copy()}
    if "frame_index" in names:
        changes["frame_index"] = int(frame_index)
    if "corner_history" in names:
        changes["corner_history"] = ((int(getattr(state, "step", 0)), float(box[0]), float(box[1])),)
    return dataclasses.replace(state, **changes)


def _branchable(tracker, state) -> bool:
    return (getattr(tracker, "branchable", True) and dataclasses.is_dataclass(state)
            and any(f.name == "box" for f in dataclasses.fields(state)))


def _one_step(tracker, init_state, previous, pair, box) -> np.ndarray:
    if _branchable(tracker, init_state):
        state = restart_state(init_state, box, previous.index)
    else:
        state = tracker.init(previous, box)
    return np.asarray(tracker.track(pair, state).box, dtype=np.float64)


def track_real_item(item: RealItem, contenders: Sequence[Contender], done: int, total: int, *,
                    one_step_every: int = DEFAULT_ONE_STEP_EVERY, cache: ResultCache | None = None,
                    threads: int | None = None) -> Job[dict]:
    """Run every available contender that applies to ``item`` (``Contender.applies_to`` its
    modality: a pairs-only one runs on ``rgbt`` items only); returns
    ``{label: RealRun, "__gt__": (M, 4)}``. Yields one Progress per frame."""
    sequence = item.open()
    try:
        first_frame = int(item.first_frame)
        n = min(len(sequence), first_frame + item.num_frames)
        gt = ground_truth_rows(sequence.ground_truth(), n)[first_frame:]
        valid = valid_rows(gt)
        offset = int(np.argmax(valid))  # the first valid ground-truth box starts the run
        start = first_frame + offset
        gt, valid = gt[offset:], valid[offset:]
        available = [c for c in contenders if c.available and c.applies_to(item.modality)]
        keys = {c.label: run_key(real_fingerprint(c, one_step_every), item.cache_dataset, item.cache_sequence,
                                 gt, threads)
                for c in available}
        runs: dict[str, RealRun] = {}
        if cache is not None:
            for c in available:
                hit = cache.get_arrays(keys[c.label], _CACHE_ARRAYS)
                if hit is not None and hit["boxes"].shape == (len(gt), 4):
                    runs[c.label] = RealRun(hit["boxes"].astype(np.float64), hit["confidences"].astype(np.float64),
                                            hit["one_step"].astype(np.float64), float(hit["seconds"]),
                                            int(hit["tracked"]), start, cached=True)
        active = [c for c in available if c.label not in runs]
        if not active:
            yield Progress(done + item.num_frames, total, f"{item.name} (cached)")
            return {**runs, "__gt__": gt}
        m = len(gt)
        boxes = {c.label: np.full((m, 4), np.nan) for c in active}
        confidences = {c.label: np.full(m, np.nan) for c in active}
        one_step = {c.label: np.full((m, 4), np.nan) for c in active}
        first = sequence[start]
        init_box = gt[0]
        if item.init_error is not None:  # drawn a little off, as a user would (core.bench.init_error)
            init_box = item.init_error.apply(gt[0], *first.size)
        loop = SideBySide(active, first, init_box)
        for c in active:
            boxes[c.label][0] = init_box
        yield Progress(done + start - first_frame + 1, total, f"{item.name} {start + 1}/{n}")
        previous = first
        for index in range(start + 1, n):
            row = index - start
            pair = sequence[index]
            for label, step in loop.track(pair).items():
                boxes[label][row] = step.box
                confidences[label][row] = float(step.confidence)
            if one_step_every and row % one_step_every == 0 and valid[row] and valid[row - 1]:
                for c in active:
                    one_step[c.label][row] = _one_step(c.tracker, loop.init_states[c.label], previous, pair,
                                                       gt[row - 1])
            previous = pair
            yield Progress(done + index - first_frame + 1, total, f"{item.name} {index + 1}/{n}")
    finally:
        sequence.close()
    for c in active:
        run = RealRun(boxes[c.label], confidences[c.label], one_step[c.label], loop.seconds[c.label], m - 1, start)
        runs[c.label] = run
        if cache is not None:
            cache.put_arrays(keys[c.label], boxes=run.boxes, confidences=run.confidences, one_step=run.one_step,
                             seconds=np.float64(run.seconds), tracked=np.int64(run.tracked))
    return {**runs, "__gt__": gt}
