"""What the timeline shows and which frames need a human (Qt-free).

Series are per frame, length N, NaN where unknown:
- ``confidence``: the student's confidence (its raw outputs, else the record's);
- ``agreement``: IoU of the teacher's and the student's raw boxes where both exist;
- ``keyframes``, ``absent``, ``low`` (confidence < threshold), ``unlabelled`` as bool masks;
- ``proposals``: frames with a teacher box waiting to be accepted.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.geometry import iou

LOW_CONFIDENCE = 0.5
LOW_AGREEMENT = 0.5


@dataclass(frozen=True)
class TimelineSeries:
    confidence: np.ndarray  # (N,) float, NaN = none
    agreement: np.ndarray  # (N,) float IoU in [0, 1], NaN = not refined
    keyframes: np.ndarray  # (N,) bool
    absent: np.ndarray  # (N,) bool
    low: np.ndarray  # (N,) bool: confidence < threshold
    unlabelled: np.ndarray  # (N,) bool
    proposals: np.ndarray  # (N,) bool
    threshold: float


def timeline_series(num_frames: int, records: Mapping[int, FrameAnnotation], outputs: Mapping[str, Mapping],
                    proposals: Mapping[int, tuple], threshold: float = LOW_CONFIDENCE) -> TimelineSeries:
    n = int(num_frames)
    confidence = np.full(n, np.nan)
    keyframes = np.zeros(n, bool)
    absent = np.zeros(n, bool)
    unlabelled = np.ones(n, bool)
    for frame, record in records.items():
        if not 0 <= frame < n:
            continue
        unlabelled[frame] = False
        keyframes[frame] = record.keyframe or record.provenance == Provenance.MANUAL
        absent[frame] = record.absent
        if record.confidence is not None and record.provenance == Provenance.STUDENT:
            confidence[frame] = record.confidence
    for frame, (_box, conf) in outputs.get("student", {}).items():
        if 0 <= frame < n and conf is not None:
            confidence[frame] = conf
    agreement = np.full(n, np.nan)
    student, teacher = outputs.get("student", {}), outputs.get("teacher", {})
    both = [f for f in teacher if f in student and 0 <= f < n
            and teacher[f][0] is not None and student[f][0] is not None]
    if both:
        a = np.stack([student[f][0] for f in both])
        b = np.stack([teacher[f][0] for f in both])
        agreement[both] = iou(a, b)
    pending = np.zeros(n, bool)
    pending[[f for f in proposals if 0 <= f < n]] = True
    with np.errstate(invalid="ignore"):
        low = confidence < threshold
    low &= ~keyframes
    return TimelineSeries(confidence, agreement, keyframes, absent, low, unlabelled, pending, float(threshold))


def needs_attention(series: TimelineSeries) -> np.ndarray:
    """(N,) bool: unlabelled, low confidence, teacher disagreeing, or a pending proposal."""
    with np.errstate(invalid="ignore"):
        disagree = series.agreement < LOW_AGREEMENT
    return series.unlabelled | series.low | disagree | series.proposals


def next_attention(series: TimelineSeries, current: int) -> int | None:
    """The first frame after ``current`` that needs attention (wrapping around once)."""
    mask = needs_attention(series)
    n = len(mask)
    for offset in range(1, n + 1):
        frame = (current + offset) % n
        if mask[frame]:
            return frame
    return None


def frames_below(series: TimelineSeries, threshold: float, start: int = 0, stop: int | None = None) -> list[int]:
    """Frames in [start, stop) whose student confidence is below ``threshold`` (not keyframes)."""
    stop = len(series.confidence) if stop is None else stop
    with np.errstate(invalid="ignore"):
        mask = series.confidence < threshold
    mask &= ~series.keyframes
    return [int(f) for f in np.flatnonzero(mask) if start <= f < stop]


def runs(frames: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted frames as (first, last) inclusive."""
    out: list[tuple[int, int]] = []
    for frame in sorted(set(frames)):
        if out and frame == out[-1][1] + 1:
            out[-1] = (out[-1][0], frame)
        else:
            out.append((frame, frame))
    return out
