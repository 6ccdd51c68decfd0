"""The same footage through a lossy codec, for ``bench accuracy --real --jpeg QUALITY``.

The validation split's frames are mostly clean: image folders of high-quality JPEGs, lightly
compressed videos. Footage a user brings is often a strongly compressed video (a drone's H.264
stream, a surveillance recorder): blocking, smeared texture and ringing at edges. A tracker whose
matching leans on fine texture tracks such footage worse. This module makes that measurable on the
split's own boxes: every frame of a run (both streams, the init frame included) is encoded as a JPEG
of ``quality`` (1-95, OpenCV's scale; 75 is its default, 30 is heavy blocking) and decoded again.
The boxes are unchanged; the raw 16-bit thermal frame, when a sequence keeps one, is left as it is.
Single-modality footage stays single-modality: its one stream is compressed and the other made from
it again, as the sequence would open the compressed video.

Frames: :class:`core.sequences.base.FramePair`, visible (H, W, 3) uint8 RGB, thermal (H, W) uint8.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.bench.mapped_sequence import MappedSequence
from core.errors import ConfigError
from core.sequences.base import FramePair, as_streams, has_one_stream

#: the lowest and highest quality
QUALITY_RANGE = (1, 95)


@dataclass(frozen=True)
class FootageCompression:
    """``quality``: the JPEG quality every frame is encoded at, within :data:`QUALITY_RANGE`."""

    quality: int

    def __post_init__(self) -> None:
        low, high = QUALITY_RANGE
        if isinstance(self.quality, bool) or not isinstance(self.quality, int) or not low <= self.quality <= high:
            raise ConfigError(f"--jpeg must be a whole number from {low} to {high} (the JPEG quality every "
                              f"frame is encoded at), got {self.quality}")

    @property
    def key(self) -> str:
        """Names the compression in cache keys and tables."""
        return f"JPEG quality {self.quality}"

    def frame(self, image: np.ndarray | None) -> np.ndarray | None:
        """``image`` (H, W) or (H, W, 3) uint8 RGB after a JPEG round trip at ``quality``; None stays
        None. Colour frames go through OpenCV in its BGR order, so the codec's luma is the true one."""
        if image is None:
            return None
        colour = image.ndim == 3
        source = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if colour else np.ascontiguousarray(image)
        ok, encoded = cv2.imencode(".jpg", source, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            raise ConfigError(f"OpenCV could not encode a {image.shape} frame as JPEG")
        decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
        return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB) if colour else decoded

    def apply(self, pair: FramePair) -> FramePair:
        """``pair`` with both streams through the codec (the raw thermal frame, when kept, as it was).
        One-stream footage stays one stream: the present stream goes through the codec and the other
        is made from it again as the sequence made it (``core.sequences.base.as_streams``), as if the
        compressed video had been opened."""
        if has_one_stream(pair):
            thermal_only = pair.visible.ndim == 3 and np.array_equal(pair.visible[..., 0], pair.thermal)
            if thermal_only:
                return as_streams(FramePair(pair.index, pair.visible, self.frame(pair.thermal), pair.thermal_raw),
                                  "thermal")
            return as_streams(FramePair(pair.index, self.frame(pair.visible), pair.thermal, pair.thermal_raw),
                              "visible")
        return FramePair(pair.index, self.frame(pair.visible), self.frame(pair.thermal), pair.thermal_raw)


class CompressedSequence(MappedSequence):
    """A sequence whose frames come through ``compression.apply``; everything else (length, ground
    truth, info, close) is the wrapped sequence's."""

    def __init__(self, sequence, compression: FootageCompression):
        super().__init__(sequence, compression.apply)
        self.compression = compression
