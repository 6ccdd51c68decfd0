"""What the timeline shows and which frames need a human (pure numpy, no Qt).

``TimelineData`` holds per-frame arrays of length N (float64, NaN = no value):
``confidence`` (the student's score on frames the tracker produced), ``iou`` (teacher vs
student agreement where the teacher ran), and boolean masks ``keyframe``, ``absent``,
``annotated``, ``imported`` (a box imported from a file or the sequence's ground truth as checked
labels), ``prelabel`` (a machine box with no tracker score: pre-labels imported from a file).
``needs_attention`` marks frames a human should look at;
``next_attention(data, frame)`` finds the start of the next stretch of them after ``frame``
(wrapping around), or a frame inside a long low-confidence stretch where the confidence
fell to a clear new low (``confidence_drops``: where the tracker most likely lost the target).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.tracking.tracker_config import LOW_CONFIDENCE

LOW_AGREEMENT = 0.5
# inside a stretch needing attention, N also stops where the confidence falls to DROP_RATIO
# times the stretch's lowest so far, at least DROP_SPACING frames after the previous stop
# (measured on 28 tracked real sequences with ground truth: docs/studio.md, "N")
DROP_RATIO = 0.8
DROP_SPACING = 10


def confidence_text(value: float) -> str:
    """A tracker confidence in two decimals, rounded down: a score under a threshold of two
    decimals never reads as the threshold (0.398 read "0.40" in the title of a frame N had just
    flagged as "tracker confidence below 0.40")."""
    return f"{math.floor(round(float(value) * 100, 6)) / 100:.2f}"


@dataclass
class TimelineData:
    confidence: np.ndarray  # (N,) float64, NaN where no tracker score
    iou: np.ndarray  # (N,) float64, NaN where the teacher did not run
    keyframe: np.ndarray  # (N,) bool
    absent: np.ndarray  # (N,) bool
    annotated: np.ndarray  # (N,) bool: a record exists (box or absent)
    imported: np.ndarray  # (N,) bool: the box is an imported one (provenance ``imported``, not absent)
    prelabel: np.ndarray  # (N,) bool: a machine box with no tracker score (pre-labels imported from a file)

    @classmethod
    def empty(cls, num_frames: int) -> TimelineData:
        nan = np.full(num_frames, np.nan)
        no = np.zeros(num_frames, bool)
        return cls(nan.copy(), nan.copy(), no.copy(), no.copy(), no.copy(), no.copy(), no.copy())

    @property
    def num_frames(self) -> int:
        return int(self.confidence.shape[0])


def mask_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs ``(start, stop)`` (stop exclusive) of True in the (N,) bool ``mask``."""
    if not mask.any():
        return []
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def low_confidence_runs(confidence: np.ndarray, threshold: float = LOW_CONFIDENCE) -> list[tuple[int, int]]:
    """Maximal runs ``(start, stop)`` (stop exclusive) of frames with confidence < threshold."""
    return mask_runs(np.nan_to_num(confidence, nan=np.inf) < threshold)


def needs_attention(data: TimelineData, *, confidence: float = LOW_CONFIDENCE,
                    agreement: float = LOW_AGREEMENT) -> np.ndarray:
    """(N,) bool: low student confidence or low teacher-student IoU, on frames that are
    not manual keyframes (a human already looked at those), plus the first unannotated
    frame after an annotated run (where tracking stopped) and the unannotated frame before
    a tracked box that follows no box (where tracking back, Shift+T, stopped: a drawn,
    interpolated or imported box there has no confidence and flags nothing)."""
    with np.errstate(invalid="ignore"):
        low = (data.confidence < confidence) | (data.iou < agreement)
    flags = low & ~data.keyframe & ~data.absent
    gaps = np.flatnonzero(data.annotated[:-1] & ~data.annotated[1:]) + 1
    flags[gaps] = True
    flags[np.flatnonzero(_back_stops(data))] = True
    return flags


def _back_stops(data: TimelineData) -> np.ndarray:
    """(N,) bool: the frames with no record whose next frame holds a tracked box (a confidence)
    and whose previous frame none: where a backward run stopped, seen from the frames it left
    without a box."""
    stops = np.zeros(data.num_frames, bool)
    stops[:-1] = ~data.annotated[:-1] & data.annotated[1:] & np.isfinite(data.confidence[1:])
    return stops


def confidence_drops(data: TimelineData, *, confidence: float = LOW_CONFIDENCE,
                     agreement: float = LOW_AGREEMENT) -> list[int]:
    """Frames inside stretches needing attention (never their first frames) where the tracker's
    confidence fell to ``DROP_RATIO`` times the lowest it had been in that stretch up to the
    stretch's start or the previous such frame, at least ``DROP_SPACING`` frames after it: in a
    long low-confidence stretch, where the tracker most likely lost the target. A stretch that
    stays low at one level gives none; a frame with no confidence (NaN) neither sets the low
    nor stops."""
    drops = []
    for start, stop in mask_runs(needs_attention(data, confidence=confidence, agreement=agreement)):
        values = data.confidence[start:stop]
        last, low = 0, np.nan
        for i in np.flatnonzero(np.isfinite(values)):
            if np.isnan(low):  # the first confidence of the stretch sets the low
                last, low = int(i), float(values[i])
            elif i - last >= DROP_SPACING and values[i] <= DROP_RATIO * low:
                drops.append(start + int(i))
                last, low = int(i), float(np.nanmin(values[:i + 1]))
    return drops


def _stops(data: TimelineData, **thresholds) -> list[int]:
    """Sorted frames N stops at: the start of each stretch needing attention and its
    ``confidence_drops``."""
    starts = [start for start, _stop in mask_runs(needs_attention(data, **thresholds))]
    return sorted(starts + confidence_drops(data, **thresholds))


def next_attention(data: TimelineData, frame: int, **thresholds) -> int | None:
    """The first frame of the next stretch of frames that need attention after ``frame``
    (wrapping around), or None when no frame does.

    A stretch is a run of consecutive flagged frames. From inside one, N goes past the rest
    of it: a 60-frame low-confidence run is one issue, not 60 (F steps through it), except
    where the confidence falls to a clear new low inside it (``confidence_drops``)."""
    stops = _stops(data, **thresholds)
    if not stops:
        return None
    return next((stop for stop in stops if stop > frame), stops[0])


def previous_attention(data: TimelineData, frame: int, **thresholds) -> int | None:
    """The first frame of the stretch needing attention that starts before ``frame`` (wrapping
    around to the last stretch), or None when no frame does: Shift+N, N's way back. From
    inside a stretch it goes to that stretch's start, as a player's "previous" does (or to a
    confidence drop inside it, which N stops at too)."""
    stops = _stops(data, **thresholds)
    if not stops:
        return None
    return next((stop for stop in reversed(stops) if stop < frame), stops[-1])


def attention_stretch(data: TimelineData, frame: int, *, confidence: float = LOW_CONFIDENCE,
                      agreement: float = LOW_AGREEMENT) -> tuple[tuple[int, int], list[str]] | None:
    """The stretch of frames needing attention that holds ``frame``: ``((start, stop), reasons)``
    (stop exclusive; reasons in words: "tracker confidence below 0.40", "the teacher disagrees
    (IoU below 0.50)", "tracking stopped (no box after it)"), or None when ``frame`` needs none."""
    flags = needs_attention(data, confidence=confidence, agreement=agreement)
    run = next(((a, b) for a, b in mask_runs(flags) if a <= frame < b), None)
    if run is None:
        return None
    a, b = run
    with np.errstate(invalid="ignore"):
        reasons = []
        if (data.confidence[a:b] < confidence).any():
            reasons.append(f"tracker confidence below {confidence:.2f}")
        if (data.iou[a:b] < agreement).any():
            reasons.append(f"the teacher disagrees (IoU below {agreement:.2f})")
    if not data.annotated[a:b].all() or not reasons:
        reasons.append(_why_no_box(data, a))
    return run, reasons


def _why_no_box(data: TimelineData, frame: int) -> str:
    """Why ``frame``, a frame with no record flagged beside annotated ones, is flagged: before a
    backward run's last box, that tracking back stopped there; else by what the frame before holds: "tracking stopped here" was said also after frames marked absent and after a drawn
    box never tracked on, where no tracking had run."""
    before = frame - 1
    if _back_stops(data)[frame] and (before < 0 or not data.annotated[before]):
        return "tracking back stopped here (this frame has no box; the next one was tracked)"
    if before < 0 or np.isfinite(data.confidence[before]):
        return "tracking stopped here (no box from this frame)"
    if data.absent[before]:
        return "no box from this frame (the frame before is marked absent; no tracking ran here)"
    return "no box from this frame (nothing was tracked from the box before it)"
