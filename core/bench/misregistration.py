"""A visible + thermal pair registered a few pixels off, for ``bench accuracy --real --thermal-offset DX,DY``.

The split's RGB-T windows come from a rig whose two cameras are registered well: the thermal frame's
pixel (x, y) sees what the visible frame's pixel (x, y) sees. Footage a user brings often is not:
two cameras side by side are registered for one distance (parallax shifts everything nearer or
farther), a rig's calibration drifts, and the public RGB-T benchmarks themselves carry alignment
errors of several pixels between their streams (GTOT and RGBT234 give a box per stream for this
reason). A tracker that reads both streams at the same coordinates then sees the target's thermal
appearance beside its visible one. This module makes that measurable on the split's own boxes:
every thermal frame of a pair is translated by (``dx``, ``dy``) pixels (the content moves right and
down for positive values; the border repeats the edge pixels), the visible frame and the boxes (which
are the visible stream's) unchanged.

Single-modality footage has no second camera to be off: its pairs pass unchanged (a visible-only
sequence's thermal frame is its luminance, a thermal-only one's visible frame the thermal one
replicated; ``core.sequences.base.has_one_stream``).

Frames: :class:`core.sequences.base.FramePair`, visible (H, W, 3) uint8 RGB, thermal (H, W) uint8;
``thermal_raw`` (H, W) uint16, when kept, moves with the thermal frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.bench.mapped_sequence import MappedSequence
from core.errors import ConfigError
from core.sequences.base import FramePair, has_one_stream

#: the largest offset along either axis, in pixels: beyond it the streams are not one scene's
MAX_OFFSET = 200.0


@dataclass(frozen=True)
class ThermalOffset:
    """``dx``, ``dy``: how far every thermal frame of a pair is moved, in pixels of the frame
    (positive: right / down), each within +-:data:`MAX_OFFSET`."""

    dx: float
    dy: float

    def __post_init__(self) -> None:
        for name, value in (("dx", self.dx), ("dy", self.dy)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or abs(value) > MAX_OFFSET:
                raise ConfigError(f"--thermal-offset {name} must be a number of pixels within +-{MAX_OFFSET:g}, "
                                  f"got {value!r}")

    @classmethod
    def parse(cls, spec: str) -> ThermalOffset:
        """``"DX,DY"`` (pixels, e.g. ``"8,0"`` or ``"-4.5,6"``) -> the offset; ConfigError naming the
        option when the text is not two numbers."""
        parts = str(spec).split(",")
        try:
            dx, dy = (float(part) for part in parts)
        except ValueError:
            raise ConfigError(f"--thermal-offset takes DX,DY in pixels (e.g. 8,0), got {spec!r}") from None
        return cls(dx, dy)

    @property
    def key(self) -> str:
        """Names the offset in cache keys and tables."""
        return f"thermal offset ({self.dx:g}, {self.dy:g}) px"

    def frame(self, image: np.ndarray | None) -> np.ndarray | None:
        """``image`` (H, W) of any dtype moved by (dx, dy) pixels, bilinear between pixels, the edge
        pixels repeated where the move uncovers the border; None stays None."""
        if image is None:
            return None
        height, width = image.shape[:2]
        matrix = np.array([[1.0, 0.0, self.dx], [0.0, 1.0, self.dy]])
        return cv2.warpAffine(np.ascontiguousarray(image), matrix, (width, height), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)

    def apply(self, pair: FramePair) -> FramePair:
        """``pair`` with its thermal frame (and the raw one, when kept) moved; a one-stream pair as it is."""
        if has_one_stream(pair):
            return pair
        return FramePair(pair.index, pair.visible, self.frame(pair.thermal), self.frame(pair.thermal_raw))


class MisregisteredSequence(MappedSequence):
    """A sequence whose frames come through ``offset.apply``; everything else (length, ground truth,
    info, close) is the wrapped sequence's."""

    def __init__(self, sequence, offset: ThermalOffset):
        super().__init__(sequence, offset.apply)
        self.offset = offset
