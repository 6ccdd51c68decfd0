"""The simulated annotator of ``bench annotate`` (module doc of ``core.bench.annotate``):
draw the first box, track, correct the first frame below ``IOU_THRESHOLD`` with the ground
truth and re-track from it, until the end; or, with no tracker, interpolate between
keyframes and add one where the interpolation falls below the threshold.

:func:`frames_to_failure` is the same annotator's cost measured from regular starts instead of
one chain of corrections: the chain restarts on exactly the frames where the tracker failed,
which on small targets with noisy truth boxes are often the frames whose truth box is an
outlier, so one chain's count varies a lot with which frames it happens to pick
(``docs/studio.md``).

A *segment* is a tracker run from a keyframe: ``segment(start, box)`` yields ``(frame,
box, confidence)`` for the frames after ``start`` (:func:`tracker_segment`; the student
with the teacher on low-confidence runs, as the studio refines: :func:`refined_segment`).
Boxes: ``(N, 4)`` float64 ``x, y, w, h`` pixels; ground-truth rows that are not boxes
(NaN, zero size) mark frames where the target is absent, which are neither checked nor
scored.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from core.bench.real_metrics import valid_rows
from core.geometry import iou
from core.progress import Job, Progress
from core.tracking.tracker_config import LOW_CONFIDENCE

IOU_THRESHOLD = 0.5
TEACHER_ANCHOR_REACH = 50  # the studio's refinement anchor reach (app.jobs)


def final_iou(boxes: np.ndarray, gt: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """IoU per scored frame (``valid``), 0 where the annotator has no box."""
    out = np.zeros(int(valid.sum()), dtype=np.float64)
    rows = np.flatnonzero(valid)
    have = np.all(np.isfinite(boxes[rows]), axis=1)
    if have.any():
        out[have] = iou(boxes[rows[have]], gt[rows[have]])
    return out


#: segment(start, init_box) -> iterator of (frame, box, confidence) for start+1 .. end
Segment = Callable[[int, np.ndarray], Iterator[tuple[int, np.ndarray, float]]]


def _close(steps) -> None:
    """Stop a segment's run early (its tracking, the teacher's run) when it can be closed."""
    close = getattr(steps, "close", None)
    if close is not None:
        close()


def annotate_with(segment: Segment, gt: np.ndarray) -> Job[tuple[np.ndarray, list[int], int]]:
    """The annotator with a tracker: draw, track, correct at the first frame below the
    threshold, re-track from it. ``gt`` (N, 4) with non-box rows where absent. Returns
    (final boxes (N, 4) NaN where none, keyframes, frames tracked); yields one Progress
    per frame reached."""
    gt = np.asarray(gt, dtype=np.float64)
    n = len(gt)
    valid = valid_rows(gt)
    boxes = np.full((n, 4), np.nan)
    if not valid.any():
        return boxes, [], 0
    start = int(np.flatnonzero(valid)[0])
    boxes[start] = gt[start]
    keyframes, tracked = [start], 0
    yield Progress(start + 1, n, f"frame {start + 1} drawn")
    while start < n - 1:
        corrected = None
        steps = segment(start, gt[start].copy())
        try:
            for frame, box, _confidence in steps:
                tracked += 1
                boxes[frame] = box
                if valid[frame] and float(iou(box, gt[frame])) < IOU_THRESHOLD:
                    corrected = frame
                    break
                yield Progress(frame + 1, n, f"frame {frame + 1}")
        finally:
            _close(steps)
        if corrected is None:
            break
        boxes[corrected] = gt[corrected]
        keyframes.append(corrected)
        start = corrected
        yield Progress(corrected + 1, n, f"frame {corrected + 1} corrected")
    return boxes, keyframes, tracked


def interpolate_keyframes(gt: np.ndarray, keys: list[int]) -> np.ndarray:
    """Boxes linear between consecutive ``keys`` (their ground-truth boxes); NaN outside."""
    gt = np.asarray(gt, dtype=np.float64)
    boxes = np.full(gt.shape, np.nan)
    for a, b in zip(keys, keys[1:], strict=False):
        t = (np.arange(a, b + 1) - a) / max(b - a, 1)
        boxes[a:b + 1] = gt[a] + t[:, None] * (gt[b] - gt[a])
    if keys:
        boxes[keys[-1]] = gt[keys[-1]]
    return boxes


def annotate_by_interpolation(gt: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The annotator without a tracker: keyframes on the first and last visible frames,
    then, left to right, a keyframe at the first frame whose interpolated box is below
    the threshold, re-interpolating each time. Returns (final boxes, keyframes)."""
    gt = np.asarray(gt, dtype=np.float64)
    valid = valid_rows(gt)
    if not valid.any():
        return np.full(gt.shape, np.nan), []
    rows = np.flatnonzero(valid)
    keys = sorted({int(rows[0]), int(rows[-1])})
    i = 0
    while i < len(keys) - 1:
        a, b = keys[i], keys[i + 1]
        inner = np.arange(a + 1, b)
        inner = inner[valid[inner]]
        bad = None
        if inner.size:
            t = (inner - a) / (b - a)
            lerp = gt[a] + t[:, None] * (gt[b] - gt[a])
            low = np.flatnonzero(iou(lerp, gt[inner]) < IOU_THRESHOLD)
            if low.size:
                bad = int(inner[low[0]])
        if bad is None:
            i += 1
        else:
            keys.insert(i + 1, bad)
    return interpolate_keyframes(gt, keys), keys


# -- segments: a tracker from a keyframe to the end -------------------------------------
def tracker_segment(tracker, sequence) -> Segment:
    """``tracker`` (``core.trackers``) from ``start`` with ``box`` to the sequence's end."""
    from core.tracking.run import track_sequence

    def segment(start: int, box: np.ndarray):
        for report in track_sequence(tracker, sequence, box, start):
            tracked = report.payload
            if tracked.frame != start:
                yield tracked.frame, tracked.box, float(tracked.confidence)

    return segment


def refined_segment(student, teacher, sequence, low: float = LOW_CONFIDENCE,
                    reach: int = TEACHER_ANCHOR_REACH) -> Segment:
    """The student from ``start``; each run of frames with confidence < ``low`` gets the
    teacher's boxes (tracked from the keyframe when it is at most ``reach`` frames back,
    else from the student's box on the frame before the run)."""
    from core.tracking.run import track_sequence

    def segment(start: int, box: np.ndarray):
        student_boxes = {start: np.asarray(box, dtype=np.float64)}
        teacher_job = None  # the teacher's run over the current low-confidence run
        for report in track_sequence(student, sequence, box, start):
            step = report.payload
            frame = step.frame
            if frame == start:
                continue
            student_boxes[frame] = step.box
            student_boxes.pop(frame - reach - 2, None)
            if step.confidence >= low:
                if teacher_job is not None:
                    teacher_job.close()
                    teacher_job = None
                yield frame, step.box, float(step.confidence)
                continue
            if teacher_job is None:  # a low run starts: the teacher from its anchor
                anchor = start if frame - start <= reach else frame - 1
                teacher_job = track_sequence(teacher, sequence, student_boxes[anchor] if anchor != start else box,
                                             anchor)
            refined = None
            for teacher_report in teacher_job:
                if teacher_report.payload.frame == frame:
                    refined = teacher_report.payload
                    break
            if refined is None:  # the teacher's run ended (cannot happen before the sequence end)
                yield frame, step.box, float(step.confidence)
                continue
            yield frame, refined.box, float(refined.confidence)
        if teacher_job is not None:
            teacher_job.close()

    return segment


def restart_frames(gt: np.ndarray, every: int, cap: int) -> list[int]:
    """The frames :func:`frames_to_failure` starts from: every ``every``-th frame (counted from
    the first scored one) that is scored and has at least ``cap`` frames after it."""
    valid = valid_rows(np.asarray(gt, dtype=np.float64))
    if not valid.any() or every < 1 or cap < 1:
        return []
    first = int(np.flatnonzero(valid)[0])
    return [f for f in range(first, len(gt) - cap, every) if valid[f]]


def frames_to_failure(segment: Segment, gt: np.ndarray, every: int, cap: int) -> Job[np.ndarray]:
    """(S,) int: for each start of :func:`restart_frames`, the frames the tracker ran from the
    ground-truth box there until its first box below ``IOU_THRESHOLD`` on a scored frame, that
    frame included; ``cap`` when it stayed above the threshold for ``cap`` frames. Yields one
    Progress per start."""
    gt = np.asarray(gt, dtype=np.float64)
    valid = valid_rows(gt)
    starts = restart_frames(gt, every, cap)
    lengths = np.zeros(len(starts), dtype=np.int64)
    for k, start in enumerate(starts):
        ran = cap
        steps = segment(start, gt[start].copy())
        try:
            for frame, box, _confidence in steps:
                if valid[frame] and float(iou(box, gt[frame])) < IOU_THRESHOLD:
                    ran = frame - start
                    break
                if frame - start >= cap:
                    break
        finally:
            _close(steps)
        lengths[k] = ran
        yield Progress(k + 1, len(starts), f"restart {k + 1}/{len(starts)} at frame {start + 1}: {ran} frames")
    return lengths
