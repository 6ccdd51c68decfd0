"""Inference safeguards of the test loop: pure functions on one frame's maps and boxes.

What production trackers do so that a box cannot run away in positive feedback (a box
that grows makes the next search crop larger, the target smaller in it, and the network
more willing to draw a large box), and so that the confidence means something:

- :func:`size_change_penalty`: SiamRPN's penalty on scale and aspect change, per score-map
  cell, ``exp(-(r * s - 1) * k)`` where ``s`` is the change of the padded size
  ``sqrt((w + p)(h + p))``, ``p = (w + h) / 2``, and ``r`` the change of aspect ratio, each
  as ``max(x, 1/x)``, between the previous box and the box the cell predicts. Multiplies
  the score before the peak is chosen, so a cell that keeps the size wins over one that
  balloons, and the penalised peak is the confidence.
- :func:`damp_size`: the size moves toward the prediction at a learning rate that scales
  with the penalised peak score (SiamRPN/DiMP-style ``lr * penalty * score``), and at most
  by ``max_change`` per frame.
- :func:`bound_size`: the size stays within ``max_ratio`` (per side) of the initial box
  and within the frame; the search crop, 4x the box, is thereby capped too.
- :func:`bound_aspect`: the aspect ratio stays within ``max_change`` of the initial box's
  (a person drawn tall stays tall when the network prefers square blobs).
- :func:`size_bias`: how much a network over- or under-sizes a target whose true size is
  known (the init frame), as per-side factors the later size maps are divided by.
- :func:`box_margins`: the smallest side and image overlap a box is clipped to: OSTrack's 10 px,
  but never more than the drawn box's own side (``TrackerConfig.box_floor``).
- :func:`bounded_box` and :func:`safeguarded_box`: the loop's use of the above on one frame's
  box, with a :class:`~core.tracking.tracker_config.TrackerConfig`'s settings.

Units: maps are the head's (``core.models.head``): ``size_map`` (2, F, F) w, h as
fractions of the search crop side; boxes are ``(w, h)`` pairs in any one unit.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.tracking.tracker_config import TrackerConfig


def padded_size(width, height):
    """SiamFC/SiamRPN's context-padded size ``sqrt((w + p)(h + p))``, ``p = (w + h) / 2``
    (element-wise on arrays)."""
    pad = (width + height) * 0.5
    return np.sqrt(np.maximum((width + pad) * (height + pad), 1e-12))


def _change(ratio):
    ratio = np.maximum(ratio, 1e-12)
    return np.maximum(ratio, 1.0 / ratio)


def size_change_penalty(size_map: np.ndarray, previous_wh, k: float) -> np.ndarray:
    """(F, F) float32 in (0, 1]: the penalty of each cell's predicted size.

    size_map: (2, F, F) predicted w, h (crop fractions); previous_wh: (2,) the previous
    box's w, h in the same unit; k >= 0 (0 = no penalty).
    """
    w, h = np.maximum(size_map[0], 1e-6), np.maximum(size_map[1], 1e-6)
    pw, ph = max(float(previous_wh[0]), 1e-6), max(float(previous_wh[1]), 1e-6)
    scale_change = _change(padded_size(w, h) / padded_size(pw, ph))
    ratio_change = _change((pw / ph) / (w / h))
    return np.exp(-(ratio_change * scale_change - 1.0) * k).astype(np.float32)


def damp_size(previous_wh, predicted_wh, rate: float, max_change: float) -> np.ndarray:
    """(2,) float64: ``previous + rate * (predicted - previous)`` with each side's ratio
    to the previous one clamped to ``[1/max_change, max_change]``.

    rate in [0, 1] (0 = keep the size); max_change >= 1.
    """
    previous = np.asarray(previous_wh, dtype=np.float64)
    predicted = np.asarray(predicted_wh, dtype=np.float64)
    rate = float(np.clip(rate, 0.0, 1.0))
    damped = previous + rate * (predicted - previous)
    return np.clip(damped, previous / max_change, previous * max_change)


def bound_size(wh, initial_wh, frame_wh, max_ratio: float, min_side: float = 2.0) -> np.ndarray:
    """(2,) float64: ``wh`` with each side within ``[initial / max_ratio, initial * max_ratio]``,
    at most the frame's side and at least ``min_side`` pixels."""
    wh = np.asarray(wh, dtype=np.float64)
    initial = np.asarray(initial_wh, dtype=np.float64)
    frame = np.asarray(frame_wh, dtype=np.float64)
    low = np.maximum(initial / max_ratio, min_side)
    high = np.maximum(np.minimum(initial * max_ratio, frame), low)
    return np.clip(wh, low, high)


def bound_aspect(wh, initial_wh, max_change: float) -> np.ndarray:
    """(2,) float64: ``wh`` with its aspect ratio ``w / h`` kept within ``[1/max_change,
    max_change]`` times the initial box's, at the same area (``max_change`` >= 1; inf =
    no bound)."""
    wh = np.asarray(wh, dtype=np.float64)
    if not np.isfinite(max_change):
        return wh
    initial = np.asarray(initial_wh, dtype=np.float64)
    base = initial[0] / max(initial[1], 1e-9)
    aspect = float(np.clip(wh[0] / max(wh[1], 1e-9), base / max_change, base * max_change))
    area = float(wh[0] * wh[1])
    return np.array([np.sqrt(area * aspect), np.sqrt(area / aspect)])


def peak_to_sidelobe(score_map: np.ndarray, iy: int, ix: int, exclude: int = 2) -> float:
    """Peak-to-sidelobe ratio of ``score_map`` (F, F) at cell (iy, ix): ``(peak - mean) / std``
    of the map outside a ``(2 * exclude + 1)``-cell square around the peak (0 when flat)."""
    mask = np.ones(score_map.shape, dtype=bool)
    mask[max(0, iy - exclude): iy + exclude + 1, max(0, ix - exclude): ix + exclude + 1] = False
    side = score_map[mask].astype(np.float64)
    if side.size == 0:
        return 0.0
    spread = float(side.std())
    return float((score_map[iy, ix] - side.mean()) / spread) if spread > 1e-6 else 0.0


def size_bias(network_wh, true_wh, strength: float, limit: float) -> np.ndarray:
    """(2,) float64 factors (w, h) by which a network over-sizes a target whose true size
    is known: ``exp(strength * mean log(network side / true side))`` over the N
    measurements, each clamped to ``[1/limit, limit]``.

    network_wh: (N, 2) the network's sides (any unit, the same as ``true_wh``); true_wh:
    (2,) the true sides; strength in [0, 1] (0 = no correction, 1 = all of the measured
    bias); limit >= 1. Non-positive measurements count as 1e-6 (clamped by ``limit``).
    """
    network = np.maximum(np.asarray(network_wh, dtype=np.float64).reshape(-1, 2), 1e-6)
    truth = np.asarray(true_wh, dtype=np.float64).reshape(2)
    log_limit = float(np.log(limit))
    mean_log = np.log(network / truth).mean(axis=0)
    return np.exp(np.clip(strength * mean_log, -log_limit, log_limit))


def bounded_box(center, wh, init_wh, frame_size, config: TrackerConfig, *, two_streams: bool) -> np.ndarray:
    """(4,) float64 box ``x, y, w, h`` at ``center`` (x, y) whose size is ``wh`` within the
    loop's aspect and size bounds, both relative to the initial box's ``init_wh``: the aspect's
    is ``config.pair_max_aspect_change`` on a two-stream pair, ``config.max_aspect_change``
    otherwise; the size's ``config.max_size_ratio`` and the frame (``frame_size``, (W, H))."""
    wh = bound_aspect(wh, init_wh, config.pair_max_aspect_change if two_streams else config.max_aspect_change)
    if math.isfinite(config.max_size_ratio):
        wh = bound_size(wh, init_wh, frame_size, config.max_size_ratio)
    return np.array([center[0] - wh[0] / 2.0, center[1] - wh[1] / 2.0, wh[0], wh[1]], dtype=np.float64)


def safeguarded_box(network_box, previous_box, init_wh, frame_size, config: TrackerConfig, *, penalty: float,
                    raw_confidence: float, lost: bool, two_streams: bool) -> np.ndarray:
    """(4,) float64 box ``x, y, w, h``: the network's box (``network_box``) after size damping,
    bounds and loss handling.

    - lost with ``config.hold_when_lost``: the previous box, unchanged;
    - lost: the network's centre with the previous size;
    - otherwise the size moves toward the network's at ``size_lr * penalty`` (times
      ``raw_confidence`` with ``size_lr_by_score``), by at most ``max_size_change``
      (:func:`damp_size`);

    then :func:`bounded_box`. ``penalty`` is the chosen cell's :func:`size_change_penalty`.
    """
    previous_box = np.asarray(previous_box, dtype=np.float64)
    network_box = np.asarray(network_box, dtype=np.float64)
    if lost and config.hold_when_lost:
        return previous_box.copy()
    previous_wh = previous_box[2:]
    if lost:
        wh = previous_wh.copy()
    else:
        rate = config.size_lr * penalty * (raw_confidence if config.size_lr_by_score else 1.0)
        wh = damp_size(previous_wh, network_box[2:], rate, config.max_size_change)
    return bounded_box(network_box[:2] + network_box[2:] / 2.0, wh, init_wh, frame_size, config,
                       two_streams=two_streams)


def box_margins(config: TrackerConfig, init_box) -> tuple[float, float]:
    """(margin_x, margin_y) pixels for ``core.geometry.clip_box``: the smallest side a box may
    take and how much of it stays inside the image.

    ``config.box_floor`` "margin" is OSTrack's ``config.box_margin`` (10 px) on both axes.
    "drawn" (the default) caps each axis at the initial box's (``init_box``, x, y, w, h) side:
    a drone drawn 7 x 3 px keeps a 7 x 3 px box instead of being raised to 10 x 10 px, which
    made the next search crop, and the network's reading of the target, larger frame after
    frame (``docs/tracking_heuristics.md``, "Targets smaller than 10 px")."""
    margin = float(config.box_margin)
    if config.box_floor == "margin":
        return margin, margin
    return min(margin, float(init_box[2])), min(margin, float(init_box[3]))
