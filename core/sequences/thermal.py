"""Thermal frames to one 8-bit channel: channel reduction and the 16-bit mapping rule.

Channel rule (:func:`to_single_channel`)
    (H, W) stays; (H, W, 1) is squeezed; (H, W, 4) drops alpha; (H, W, 3) becomes its
    first channel when the three channels are equal (a gray image stored as colour), else
    luminance (``cv2.cvtColor(BGR2GRAY)``, 0.299 R + 0.587 G + 0.114 B). Dtype is kept.
    A stream in a false-colour palette (:func:`false_colour`) is noted by the sequence: its
    luminance keeps the order of temperatures only for palettes that brighten with heat.

8-bit mapping rule (:class:`ThermalMapping`), for any thermal source that is not uint8
(16-bit radiometric PNG/TIFF, float TIFF):
    1. sample up to ``SAMPLE_FRAMES`` (16) frames of the whole thermal stream at evenly
       spaced indices ``round(linspace(0, n - 1, min(16, n)))`` (:func:`sample_indices`);
    2. ``low`` = 1st percentile and ``high`` = 99th percentile of all their pixels
       (every ``PIXEL_STRIDE``-th pixel of each frame in raster order, numpy's default
       linear interpolation); when ``high <= low``, ``high = low + 1``;
    3. every frame: ``uint8(clip(round((raw - low) * 255 / (high - low)), 0, 255))``.
The rule depends only on the file contents, so it is deterministic; one mapping serves
the whole sequence, so brightness does not flicker from frame to frame. The raw values
stay available in ``FramePair.thermal_raw``. 8-bit thermal frames are used unchanged.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

#: mean per-pixel spread of the 3 channels (max - min) above which a thermal frame is taken for a
#: false-colour palette (jet about 220, inferno about 60); grey stored as colour video stays near 3
PALETTE_SPREAD = 20.0
SAMPLE_FRAMES = 16
LOW_PERCENTILE = 1.0
HIGH_PERCENTILE = 99.0
PIXEL_STRIDE = 4
#: how :meth:`ThermalMapping.describe`'s note starts (:meth:`ThermalMapping.from_notes` reads it back)
DESCRIBED = "16-bit/float thermal mapped to 8-bit: raw"


def to_single_channel(image: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 1), (H, W, 3) BGR or (H, W, 4) BGRA, any dtype -> (H, W), same dtype."""
    if image.ndim == 2:
        return image
    if image.ndim != 3:
        raise ValueError(f"thermal frame has shape {image.shape}, expected (H, W) or (H, W, C)")
    channels = image.shape[2]
    if channels == 1:
        return image[:, :, 0]
    if channels == 4:
        image = image[:, :, :3]
        channels = 3
    if channels != 3:
        raise ValueError(f"thermal frame has {channels} channels, expected 1, 3 or 4")
    first = image[:, :, 0]
    if np.array_equal(first, image[:, :, 1]) and np.array_equal(first, image[:, :, 2]):
        return np.ascontiguousarray(first)
    if image.dtype not in (np.uint8, np.uint16, np.float32):
        image = image.astype(np.float32)
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_BGR2GRAY)


def channel_spread(image: np.ndarray | None) -> float | None:
    """The mean per-pixel spread (max - min) of the first three channels of a frame as stored
    ((H, W, 3) BGR or (H, W, 4) BGRA), in its own units; None for a frame without three channels.
    0 for grey stored as colour; what tells colour frames (``core.sequences.layouts.is_colour``)
    and false-colour thermal palettes (:func:`false_colour`) from grey."""
    if image is None or image.ndim != 3 or image.shape[2] < 3:
        return None
    channels = image[..., :3].astype(np.int16 if image.dtype == np.uint8 else np.float32)
    return float((channels.max(axis=2) - channels.min(axis=2)).mean())


def false_colour(image: np.ndarray) -> bool:
    """Whether a thermal frame as stored ((H, W, 3) BGR or BGRA, any dtype) is a false-colour
    palette rather than grey: the mean channel spread is above :data:`PALETTE_SPREAD` (8-bit
    scale; other dtypes are not palettes)."""
    spread = channel_spread(image) if image.dtype == np.uint8 else None
    return spread is not None and spread > PALETTE_SPREAD


def sample_indices(num_frames: int, count: int = SAMPLE_FRAMES) -> list[int]:
    """Evenly spaced frame indices used to fit the mapping (sorted, unique)."""
    if num_frames <= 0:
        return []
    picks = np.round(np.linspace(0, num_frames - 1, min(count, num_frames))).astype(int)
    return sorted(set(int(i) for i in picks))


@dataclass(frozen=True)
class ThermalMapping:
    """Linear map of raw thermal values ``[low, high]`` onto ``[0, 255]``, clipped."""

    low: float
    high: float

    @classmethod
    def fit(cls, frames: Sequence[np.ndarray]) -> ThermalMapping:
        """Percentile rule on single-channel raw frames (see the module docstring)."""
        if not frames:
            raise ValueError("cannot fit a thermal mapping on zero frames")
        pixels = np.concatenate([np.asarray(f).ravel()[::PIXEL_STRIDE] for f in frames]).astype(np.float64)
        pixels = pixels[np.isfinite(pixels)]
        if pixels.size == 0:
            return cls(0.0, 1.0)
        low, high = np.percentile(pixels, [LOW_PERCENTILE, HIGH_PERCENTILE])
        low, high = float(low), float(high)
        if high <= low:
            high = low + 1.0
        return cls(low, high)

    @classmethod
    def fit_stream(cls, num_frames: int, read_raw: Callable[[int], np.ndarray]) -> ThermalMapping:
        """Fit on the frames :func:`sample_indices` picks, read with ``read_raw(index)``."""
        return cls.fit([read_raw(i) for i in sample_indices(num_frames)])

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """(H, W) raw -> (H, W) uint8."""
        scaled = (raw.astype(np.float32) - np.float32(self.low)) * np.float32(255.0 / (self.high - self.low))
        scaled = np.nan_to_num(scaled, nan=0.0)
        return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)

    def describe(self) -> str:
        return (f"{DESCRIBED} [{self.low:g}, {self.high:g}] "
                f"(1st-99th percentile of {SAMPLE_FRAMES} evenly spaced frames) -> [0, 255], clipped")

    @classmethod
    def from_notes(cls, notes: Sequence[str]) -> ThermalMapping | None:
        """The mapping that one of a sequence's notes (``SequenceInfo.notes``) describes (:meth:`describe`'s
        sentence, its bounds to 6 significant digits), None when none does: 8-bit footage. How a viewer
        tells what the 8-bit frames of 16-bit footage stand for without the sequence's internals."""
        for note in notes:
            if not note.startswith(DESCRIBED):
                continue
            bounds = note[len(DESCRIBED):].strip()
            if not bounds.startswith("[") or "]" not in bounds:
                continue
            try:
                low, high = (float(v) for v in bounds[1:bounds.index("]")].split(","))
            except ValueError:
                continue
            if high > low:
                return cls(low, high)
        return None
