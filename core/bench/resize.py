"""The same footage at another resolution, for ``bench accuracy --real --resize FACTOR``.

The validation split's targets are mostly 15-120 px; footage a user brings may hold a drone of 5 px
or a car of 400. A tracker whose loop has a constant in pixels (OSTrack clips every box to at least
10 px, ``TrackerConfig.box_floor``) tracks the same scene differently at another resolution. This
module makes that measurable on the split's own boxes: every frame of a run (both streams, the init
frame included) and every ground-truth box is scaled by ``factor``. At 0.5 a 14 x 6 px drone becomes
7 x 3 px, as a camera of half the resolution would record it (``cv2.INTER_AREA``, which averages
the pixels a smaller sensor would; ``cv2.INTER_LINEAR`` above 1).

SR and NPR do not depend on the resolution, so a tracker that does not either scores the same as on
the original footage. PR's 20 px threshold is in the resized frame (at 0.5 it is 40 px of the original).

Frames: :class:`core.sequences.base.FramePair`, visible (H, W, 3) uint8 RGB, thermal (H, W) uint8.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np

from core.bench.mapped_sequence import MappedSequence
from core.errors import ConfigError
from core.sequences.base import FramePair

#: the smallest and largest factor (a quarter of the resolution: a 20 px target becomes 5 px)
FACTOR_RANGE = (0.25, 4.0)


@dataclass(frozen=True)
class FootageResize:
    """``factor``: how much every frame's side and every box is scaled, within :data:`FACTOR_RANGE`, not 1."""

    factor: float

    def __post_init__(self) -> None:
        low, high = FACTOR_RANGE
        if not low <= self.factor <= high or self.factor == 1.0:
            raise ConfigError(f"--resize must lie in [{low:g}, {high:g}] and not be 1 (the share of each "
                              f"frame's side kept), got {self.factor:g}")

    @property
    def key(self) -> str:
        """Names the resize in cache keys and tables."""
        return f"resized x{self.factor:g}"

    def frame(self, image: np.ndarray | None) -> np.ndarray | None:
        """``image`` (H, W[, C]) resized to ``round(factor * W) x round(factor * H)``; None stays None."""
        if image is None:
            return None
        height, width = image.shape[:2]
        size = (max(1, round(width * self.factor)), max(1, round(height * self.factor)))
        interpolation = cv2.INTER_AREA if self.factor < 1.0 else cv2.INTER_LINEAR
        return cv2.resize(image, size, interpolation=interpolation)

    def apply(self, pair: FramePair) -> FramePair:
        """``pair`` with both streams (and the raw thermal frame, when kept) resized."""
        return FramePair(pair.index, self.frame(pair.visible), self.frame(pair.thermal), self.frame(pair.thermal_raw))

    def box(self, box) -> np.ndarray | None:
        """(4,) float64 ``x, y, w, h`` scaled by ``factor``; None stays None."""
        return None if box is None else np.asarray(box, dtype=np.float64) * self.factor


class ResizedSequence(MappedSequence):
    """A sequence whose frames come through ``resize.apply`` and whose ground-truth boxes (visible
    and thermal) are scaled alike; ``info.width`` / ``info.height`` are the resized frame's; length,
    the rest of info and close are the wrapped sequence's."""

    def __init__(self, sequence, resize: FootageResize):
        super().__init__(sequence, resize.apply)
        self.resize = resize

    @property
    def info(self):
        """The wrapped sequence's info with the size of the resized frames (as :meth:`FootageResize.frame`
        rounds it)."""
        info = self._sequence.info
        return dataclasses.replace(info, width=max(1, round(info.width * self.resize.factor)),
                                   height=max(1, round(info.height * self.resize.factor)))

    def ground_truth(self):
        """The wrapped sequence's ``{frame: FrameAnnotation}`` with every box scaled; None stays None."""
        records = self._sequence.ground_truth()
        if records is None:
            return None
        return {frame: dataclasses.replace(record, box=self.resize.box(record.box),
                                           thermal_box=self.resize.box(record.thermal_box))
                for frame, record in records.items()}
