"""Distractor memory of the test loop: do not jump to a look-alike that was already beside the target.

A one-template tracker scores every object that looks like the template, so a second
ball, a face as round and pink as the ball, or a second drone shows up as a second peak
of the score map. When the target moves fast or blurs for a frame, the look-alike wins
the argmax and the tracker jumps to it for good. Trackers that handle this keep track of
the other candidates as well as the target (DaSiamRPN's distractor set, KeepTrack's
candidate association). This module is the smallest version of that idea, as pure
functions on one frame's response map:

- :func:`local_peaks`: the local maxima of the response (3x3), strongest first.
- :func:`choose_peak`: the strongest peak, unless it sits where a *distractor* of the
  previous frame was and another peak, away from every distractor and less than half as
  far from where the target was, scores at least ``gate`` times as much; then that peak.
  (The distance condition keeps a tracker that has already drifted between two
  look-alikes from taking the true target for the distractor and jumping the other way.)
- :func:`remember_distractors`: the peaks, other than the chosen one, that score at least
  ``min_ratio`` of it and lie away from the target: the distractors of the next frame.
- :func:`choose_cell`: the three above as the loop runs them on one frame, with a
  :class:`~core.tracking.tracker_config.TrackerConfig`'s settings.

Units: ``response`` is (F, F) float32 (score x penalty x window); peaks are ``(row, col)``
cells; points are image pixels ``(x, y)``; distances are image pixels.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.tracking.crop import CropGeometry
    from core.tracking.tracker_config import TrackerConfig


def peak_cell(response: np.ndarray) -> tuple[int, int]:
    """(row, col) of the highest cell of a (F, F) map (the first one on ties)."""
    iy, ix = np.unravel_index(int(np.argmax(response)), response.shape)
    return int(iy), int(ix)


def local_peaks(response: np.ndarray, min_ratio: float, max_peaks: int = 8) -> list[tuple[int, int]]:
    """Cells ``(row, col)`` that are maxima of their 3x3 neighbourhood and score at least
    ``min_ratio`` times the map's maximum, strongest first, at most ``max_peaks``.

    The global maximum is always first (ties are broken by argmax's flat order).
    """
    r = np.asarray(response, dtype=np.float32)
    top = np.unravel_index(int(np.argmax(r)), r.shape)
    best = float(r[top])
    padded = np.pad(r, 1, mode="constant", constant_values=-np.inf)
    f_rows, f_cols = r.shape
    neighbourhood = np.max(np.stack([padded[dy:dy + f_rows, dx:dx + f_cols]
                                     for dy in range(3) for dx in range(3)]), axis=0)
    is_peak = (r >= neighbourhood) & (r >= min_ratio * best) & (r > 0)
    rows, cols = np.nonzero(is_peak)
    order = np.argsort(-r[rows, cols], kind="stable")
    peaks = [(int(top[0]), int(top[1]))]
    for k in order:
        cell = (int(rows[k]), int(cols[k]))
        if cell != peaks[0]:
            peaks.append(cell)
        if len(peaks) >= max_peaks:
            break
    return peaks


def _near_any(point: np.ndarray, others: np.ndarray, radius: float) -> bool:
    if len(others) == 0:
        return False
    return bool(np.min(np.hypot(others[:, 0] - point[0], others[:, 1] - point[1])) <= radius)


def choose_peak(strengths, points, distractors, previous, radius: float, gate: float) -> int:
    """Index of the peak to follow.

    strengths: (N,) responses of the peaks, strongest first (``local_peaks`` order);
    points: (N, 2) their image positions (x, y); distractors: (M, 2) the previous frame's
    distractor positions; previous: (2,) the target's centre on the previous frame;
    radius: how close (pixels) a peak must be to a distractor to be taken for it; gate in
    [0, 1]: the share of the strongest peak's response another peak needs to be preferred
    (0 = never prefer, the plain argmax).
    """
    strengths = np.asarray(strengths, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    distractors = np.asarray(distractors, dtype=np.float64).reshape(-1, 2)
    if gate <= 0 or len(strengths) < 2 or len(distractors) == 0:
        return 0
    if not _near_any(points[0], distractors, radius):
        return 0
    previous = np.asarray(previous, dtype=np.float64).reshape(2)
    jump = np.hypot(*(points[0] - previous))
    for k in range(1, len(strengths)):
        if strengths[k] < gate * strengths[0]:
            break
        if not _near_any(points[k], distractors, radius) and np.hypot(*(points[k] - previous)) < 0.5 * jump:
            return k
    return 0


def remember_distractors(strengths, points, chosen: int, min_ratio: float, min_distance: float) -> tuple[tuple[float, float], ...]:
    """The image points ``(x, y)`` of the peaks other than ``chosen`` that score at least
    ``min_ratio`` times the chosen one and lie farther than ``min_distance`` pixels from it."""
    strengths = np.asarray(strengths, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    kept = []
    for k in range(len(strengths)):
        if k == chosen or strengths[k] < min_ratio * strengths[chosen]:
            continue
        if np.hypot(*(points[k] - points[chosen])) > min_distance:
            kept.append((float(points[k, 0]), float(points[k, 1])))
    return tuple(kept)


def choose_cell(response: np.ndarray, offset_map: np.ndarray, geometry: CropGeometry, previous_box,
                distractors, config: TrackerConfig) -> tuple[int, int, tuple[tuple[float, float], ...]]:
    """``(row, col, distractors)``: the score-map cell to decode and the distractor points
    (image pixels ``(x, y)``) to remember for the next frame.

    response: (F, F) the windowed, penalised (and filtered) score; offset_map: (2, F, F) the
    head's centre offsets within each cell; geometry: the search crop's; previous_box: the
    target's box ``x, y, w, h`` on the previous frame; distractors: the previous frame's
    points. With ``config.distractor_gate`` 0: the plain argmax and no distractors.
    """
    if config.distractor_gate <= 0:
        return (*peak_cell(response), ())
    f = response.shape[-1]
    peaks = local_peaks(response, min(config.distractor_gate, config.distractor_min_ratio))
    strengths = [float(response[p]) for p in peaks]
    cells = np.array([[c + offset_map[0, r, c], r + offset_map[1, r, c], 0.0, 0.0] for r, c in peaks],
                     dtype=np.float64)  # peak centres as empty boxes, crop cells
    points = geometry.crop_to_image(cells / f * geometry.output_size)[:, :2]
    previous_box = np.asarray(previous_box, dtype=np.float64)
    radius = config.distractor_radius * math.sqrt(max(float(previous_box[2] * previous_box[3]), 1.0))
    previous = previous_box[:2] + previous_box[2:] / 2.0
    chosen = choose_peak(strengths, points, distractors, previous, radius, config.distractor_gate)
    remembered = ()
    if strengths[chosen] >= config.distractor_min_score:  # a lost tracker's peaks are noise, not look-alikes
        remembered = remember_distractors(strengths, points, chosen, config.distractor_min_ratio, radius)
    return peaks[chosen][0], peaks[chosen][1], remembered
