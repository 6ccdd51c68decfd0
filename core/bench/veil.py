"""The visible stream under smoke or fog, for ``bench accuracy --real --veil-visible KEEP``.

An RGB-T tracker earns its thermal stream when the visible one goes blind: smoke, fog,
darkness. The real split's boxes are mostly on single-modality footage; its one real smoke
window (M3SVD ``0117_1605``, frames 81-200, boxes in ``configs/real_boxes``) is 120 frames of
one target. This veil makes the case measurable on every sequence with real boxes: every visible frame of a run, the init frame included, keeps ``keep`` of
itself under a grey veil of ``level`` that varies by ``variation`` over a smooth random
field (new every 5 frames, the same for every tracker and every run of a frame). The
thermal input stays as the sequence gives it: the real thermal frame, or on a
visible-only sequence the *clean* frame's luminance (``core.sequences``). Peers that see
the visible stream see the veiled one.

Frames: :class:`core.sequences.base.FramePair`, visible (H, W, 3) uint8 RGB.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.bench.mapped_sequence import MappedSequence
from core.errors import ConfigError
from core.sequences.base import FramePair

#: the veil's field changes every this many frames (smoke drifts, it does not flicker)
FIELD_FRAMES = 5
#: the field's grid cell in pixels before its cubic upsampling
FIELD_CELL = 16


@dataclass(frozen=True)
class VisibleVeil:
    """keep in (0, 1): the share of the visible frame left; level, variation: the veil's grey
    (0-255) and its spatial swing."""

    keep: float
    level: float = 170.0
    variation: float = 60.0

    def __post_init__(self) -> None:
        if not 0.0 < self.keep < 1.0:
            raise ConfigError(f"--veil-visible must lie strictly between 0 and 1 (the share of the visible "
                              f"frame kept), got {self.keep}")
        if not 0.0 <= self.level <= 255.0 or self.variation < 0:
            raise ConfigError(f"veil level {self.level} / variation {self.variation} out of range")

    @property
    def key(self) -> str:
        """Names the veil in cache keys and tables."""
        return f"veil keep {self.keep:g} level {self.level:g} variation {self.variation:g}"

    def visible(self, frame: np.ndarray, index: int) -> np.ndarray:
        """The veiled (H, W, 3) uint8 copy of ``frame``, frame number ``index``."""
        height, width = frame.shape[:2]
        grid = np.random.default_rng(int(index) // FIELD_FRAMES).random(
            (height // FIELD_CELL + 2, width // FIELD_CELL + 2)).astype(np.float32)
        field = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
        veil = self.level + self.variation * field
        if frame.ndim == 3:
            veil = veil[..., None]
        return np.clip(self.keep * frame.astype(np.float32) + (1.0 - self.keep) * veil, 0, 255).astype(np.uint8)

    def apply(self, pair: FramePair) -> FramePair:
        """``pair`` with its visible frame veiled and everything else as it was."""
        return FramePair(pair.index, self.visible(pair.visible, pair.index), pair.thermal, pair.thermal_raw)


class VeiledSequence(MappedSequence):
    """A sequence whose frames come through ``veil.apply``; everything else (length, ground
    truth, info, close) is the wrapped sequence's."""

    def __init__(self, sequence, veil: VisibleVeil):
        super().__init__(sequence, veil.apply)
        self.veil = veil
