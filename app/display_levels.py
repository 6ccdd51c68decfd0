"""Display levels of the thermal frame: the brightness range the thermal colormap spans on screen.

Modes (``StudioSettings.levels_mode``):
    ``full``    0-255, the 8-bit frame's whole range (the default; what the file holds).
    ``auto``    a contrast stretch fitted once per sequence: the ``LOW_PERCENTILE``-``HIGH_PERCENTILE``
                (1st-99th) percentiles of ``AUTO_FRAMES`` (16) evenly spaced thermal frames
                (``core.sequences.thermal.sample_indices``), the rule 16-bit footage is mapped to
                8-bit by; one pair of levels for every frame, so the picture does not flicker.
                Until the sample is read (a worker thread), the frame on screen's own percentiles.
    ``manual``  the user's ``(low, high)``: typed (View > Thermal levels > Manual...) or taken from
                the part of the frame the thermal pane shows (Shift+L, after zooming on a dim target).
Values below ``low`` show as the colormap's first colour, above ``high`` as its last. Levels change
the picture only: never the frames the trackers read, never the exports. No Qt here.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from core.progress import Job, Progress, run_to_end
from core.sequences.thermal import HIGH_PERCENTILE, LOW_PERCENTILE, ThermalMapping, sample_indices

MODES = ("full", "auto", "manual")
STRETCHES = ("auto", "manual")  # what L goes back to from the full range
AUTO_FRAMES = 16
FULL = (0, 255)
#: the narrowest stretch (8-bit levels): a flat patch (a clear sky at 0) made 0-1, its noise black and white
MIN_SPAN = 8


def histogram(frame: np.ndarray) -> np.ndarray:
    """(256,) int64 counts of an (H, W) uint8 frame's values."""
    return np.bincount(np.asarray(frame, np.uint8).ravel(), minlength=256)[:256].astype(np.int64)


def stretch_of(counts: np.ndarray, low_pct: float = LOW_PERCENTILE,
               high_pct: float = HIGH_PERCENTILE) -> tuple[int, int]:
    """The ``(low, high)`` 8-bit levels at the ``low_pct`` / ``high_pct`` percentiles of the values a
    (256,) histogram counts, at least ``MIN_SPAN`` apart (widened about their middle, kept in 0-255);
    ``FULL`` for an empty histogram."""
    counts = np.asarray(counts, np.float64)
    total = counts.sum()
    if total <= 0:
        return FULL
    cumulative = np.cumsum(counts) / total
    low = int(np.searchsorted(cumulative, low_pct / 100.0, side="left"))
    high = int(np.searchsorted(cumulative, high_pct / 100.0, side="left"))
    return widened(low, high)


def widened(low: float, high: float) -> tuple[int, int]:
    """``(low, high)`` as 8-bit levels in 0-255, ``high - low >= MIN_SPAN``."""
    low, high = int(round(min(max(low, 0), 255))), int(round(min(max(high, 0), 255)))
    if high < low:
        low, high = high, low
    if high - low < MIN_SPAN:
        middle = (low + high) / 2.0
        low = int(max(0, min(255 - MIN_SPAN, round(middle - MIN_SPAN / 2))))
        high = low + MIN_SPAN
    return low, high


def frames_stretch(frames: Iterable[np.ndarray]) -> tuple[int, int]:
    """The stretch (``stretch_of``) of all the pixels of ``frames`` ((H, W) uint8 each) together."""
    return run_to_end(_stretch_job(enumerate(frames)))


def region_stretch(frame: np.ndarray, rect) -> tuple[int, int] | None:
    """The stretch of the part of ``frame`` ((H, W) uint8) inside ``rect`` ((x0, y0, x1, y1) image pixels,
    clipped to the frame); None when nothing of the frame is inside."""
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = rect
    x0, x1 = max(0, int(np.floor(x0))), min(w, int(np.ceil(x1)))
    y0, y1 = max(0, int(np.floor(y0))), min(h, int(np.ceil(y1)))
    if x1 <= x0 or y1 <= y0:
        return None
    return stretch_of(histogram(frame[y0:y1, x0:x1]))


def sequence_stretch_job(read_thermal: Callable[[int], np.ndarray], num_frames: int,
                         count: int = AUTO_FRAMES) -> Job[tuple[int, int]]:
    """A job: the auto stretch of a sequence, read ``read_thermal(index)`` ((H, W) uint8) at the
    ``sample_indices(num_frames, count)``; yields a ``Progress`` per frame, returns ``(low, high)``."""
    indices = sample_indices(num_frames, count)
    return _stretch_job(((index, read_thermal(index)) for index in indices), len(indices))


def _stretch_job(frames: Iterable[tuple[int, np.ndarray]], total: int | None = None) -> Job[tuple[int, int]]:
    """The stretch of ``frames`` (``(index, (H, W) uint8 frame)`` pairs, read as the job goes) summed into one
    histogram: a ``Progress`` per frame ("thermal levels: frame N", N from 1), then ``(low, high)``."""
    counts = np.zeros(256, np.int64)
    for done, (index, frame) in enumerate(frames, 1):
        counts += histogram(frame)
        yield Progress(done, total, f"thermal levels: frame {index + 1}")
    return stretch_of(counts)


def raw_value(level: float, mapping: ThermalMapping | None) -> float:
    """What an 8-bit level stands for in the raw values of 16-bit/float footage (``mapping``: the
    sequence's ``ThermalMapping``; None: 8-bit footage, the level itself)."""
    if mapping is None:
        return float(level)
    return mapping.low + float(level) * (mapping.high - mapping.low) / 255.0


def levels_text(mode: str, levels: tuple[float, float] | None, mapping: ThermalMapping | None = None) -> str:
    """The thermal pane title's words for what the display does: "levels 0-255", "auto levels 141-212",
    "levels 0-16"; on 16-bit/float footage in its raw values, "raw 2840-3120", "auto raw 2901-3044"
    (the 8-bit frames the studio reads being that range mapped onto 0-255)."""
    low, high = levels if levels is not None else FULL
    auto = "auto " if mode == "auto" else ""
    if mapping is None:
        return f"{auto}levels {low:g}-{high:g}"
    return f"{auto}raw {_short(raw_value(low, mapping))}-{_short(raw_value(high, mapping))}"


def _short(value: float) -> str:
    """A raw value as a title shows it: at most 4 significant digits before any point (2843.7 -> 2844)."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"
