"""Is the visible stream blind? A per-frame measure for ``TrackerConfig.streams = "auto"``.

Smoke, fog, haze and darkness take the fine structure out of the visible frame while the
thermal frame keeps it; that is the case RGB-T tracking exists for. The measure compares the
two streams' fine structure in the search crop the tracker already cuts: the mean absolute
band-pass (difference of Gaussians, sigma ``FINE_SIGMA`` against ``COARSE_SIGMA`` crop
pixels) of the visible luminance over that of the thermal frame. A veil that keeps 12 % of
the visible frame gives 0.13-0.30 on the search crops of the validation split's visible
sequences; clean registered RGB-T pairs (M3SVD) stay above 0.5 in 95 % of their windows
(``docs/tracking_heuristics.md``). A veil is smooth, so it adds little band-pass energy of
its own; that is why fine structure, not contrast, is measured.

Only the visible stream is ever judged blind: a thermal frame with less fine structure than
the visible one is common on clean footage (uniform temperatures), so the same test the
other way round would switch on clean pairs.

Crops: the tracker's normalised search crops, visible (3, S, S) ImageNet-normalised and
thermal (3, S, S) normalised as ``core.tracking.crop`` does; grey levels are recovered from
them, so the measure is in 0-255 grey units per pixel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.tracking.crop import THERMAL_MEAN, THERMAL_STD, VISIBLE_MEAN, VISIBLE_STD

#: the band-pass of the fine-structure measure, in crop pixels
FINE_SIGMA = 0.7
COARSE_SIGMA = 2.0
#: ITU-R BT.601 luminance weights (what OpenCV's RGB2GRAY uses)
LUMINANCE = np.array([0.299, 0.587, 0.114], dtype=np.float32)
FEEDS = ("both", "thermal")


@dataclass(frozen=True)
class StreamMeasure:
    """One frame's measure. ratio: visible fine structure over thermal (NaN when the thermal
    crop has less than ``min_energy`` itself: nothing to compare with); visible / thermal:
    the two energies, grey levels per pixel."""

    ratio: float
    visible: float
    thermal: float


def fine_structure(gray: np.ndarray) -> float:
    """Mean absolute difference of Gaussians of a (S, S) float32 grey crop (0-255 units)."""
    fine = cv2.GaussianBlur(gray, (0, 0), FINE_SIGMA)
    coarse = cv2.GaussianBlur(gray, (0, 0), COARSE_SIGMA)
    return float(np.mean(np.abs(fine - coarse)))


def visible_grey(crop_visible: np.ndarray) -> np.ndarray:
    """(S, S) float32 luminance, 0-255, of a (3, S, S) ImageNet-normalised visible crop."""
    rgb = crop_visible * VISIBLE_STD.reshape(3, 1, 1) + VISIBLE_MEAN.reshape(3, 1, 1)
    return np.ascontiguousarray(np.tensordot(LUMINANCE, rgb, axes=1) * 255.0, dtype=np.float32)


def thermal_grey(crop_thermal: np.ndarray) -> np.ndarray:
    """(S, S) float32 grey levels, 0-255, of a (3, S, S) normalised thermal crop."""
    return np.ascontiguousarray((crop_thermal[0] * THERMAL_STD + THERMAL_MEAN) * 255.0, dtype=np.float32)


def thermal_as_visible(crop_thermal: np.ndarray) -> np.ndarray:
    """The (3, S, S) normalised visible crop of the thermal frame replicated as the visible one
    (what ``as_streams(pair, "thermal")`` gives), from the normalised thermal crop: the grey
    levels are recovered exactly (rounded to uint8) and normalised as a visible crop is."""
    grey = np.clip(np.rint(thermal_grey(crop_thermal)), 0, 255) / 255.0
    out = (grey[None] - VISIBLE_MEAN.reshape(3, 1, 1)) / VISIBLE_STD.reshape(3, 1, 1)
    return np.ascontiguousarray(out, dtype=np.float32)


def measure(crop_visible: np.ndarray, crop_thermal: np.ndarray, min_energy: float) -> StreamMeasure:
    """The visible-to-thermal fine-structure ratio of one frame's search crops."""
    visible = fine_structure(visible_grey(crop_visible))
    thermal = fine_structure(thermal_grey(crop_thermal))
    ratio = visible / thermal if thermal >= min_energy else math.nan
    return StreamMeasure(ratio=ratio, visible=visible, thermal=thermal)


def smoothed(previous: float, ratio: float, smoothing: float) -> float:
    """The running ratio after one frame: an exponential average; a NaN frame changes nothing,
    the first finite frame starts it."""
    if math.isnan(ratio):
        return previous
    if math.isnan(previous):
        return ratio
    return smoothing * previous + (1.0 - smoothing) * ratio


def next_feed(feed: str, ratio: float, enter: float, leave: float) -> str:
    """Hysteresis: "thermal" once the running ``ratio`` falls below ``enter``, back to "both"
    once it rises above ``leave`` (> enter); unchanged in between or while NaN."""
    if math.isnan(ratio):
        return feed
    if feed == "both" and ratio < enter:
        return "thermal"
    if feed == "thermal" and ratio > leave:
        return "both"
    return feed
