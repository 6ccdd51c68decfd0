"""Frames area-filtered by a power of two, computed only where crops read them.

``cv2.resize(image, (W // k, H // k), interpolation=cv2.INTER_AREA)`` with ``k = 2 ** halvings``
dividing both ``W`` and ``H`` averages k x k blocks: each output pixel depends on its own block
alone, so a rectangle of the output is the same resize of the blocks under it, bit for bit
(``tests/core/tracking/test_halving.py`` checks it on this OpenCV build). :class:`HalvedImage`
fills one output buffer a rectangle at a time, each pixel once, so that a crop of a 4K frame
halved three times costs its own blocks instead of the whole frame's 25 MB.
"""
from __future__ import annotations

import cv2
import numpy as np

Rect = tuple[int, int, int, int]
"""``(x0, y0, x1, y1)``: half-open pixel rectangle, x right, y down."""


def halves_in_parts(shape: tuple[int, ...], halvings: int) -> bool:
    """Whether an image of ``shape`` ((H, W) or (H, W, C)) halved ``halvings`` times can be made a
    rectangle at a time: ``2 ** halvings`` divides both its height and its width (otherwise the
    whole-frame resize is not a plain block average and a part of it differs)."""
    k = 2 ** int(halvings)
    return int(halvings) >= 0 and shape[0] % k == 0 and shape[1] % k == 0


class HalvedImage:
    """``source`` ((H, W) or (H, W, C), any dtype cv2.resize takes) area-filtered by
    ``2 ** halvings``: :attr:`image` is (H / k, W / k[, C]) of the source's dtype, valid inside
    the rectangles :meth:`fill` was asked for (their bounding box, :attr:`filled`) and
    undefined elsewhere. ``buffer``: an array of that shape and dtype to write into (reused
    between frames); another one is ignored. ValueError when :func:`halves_in_parts` is False."""

    def __init__(self, source: np.ndarray, halvings: int, buffer: np.ndarray | None = None):
        if not halves_in_parts(source.shape, halvings):
            raise ValueError(f"a {source.shape[1]}x{source.shape[0]} image cannot be halved {halvings} times in parts")
        self.source = source
        self.k = 2 ** int(halvings)
        shape = (source.shape[0] // self.k, source.shape[1] // self.k) + tuple(source.shape[2:])
        usable = buffer is not None and buffer.shape == shape and buffer.dtype == source.dtype
        self.image = buffer if usable else np.empty(shape, dtype=source.dtype)
        self.filled: Rect | None = None

    def fill(self, rect: Rect) -> np.ndarray:
        """Make :attr:`image` valid in ``rect`` (output pixels, clipped to the image) and return it;
        what was filled before is kept and not computed again."""
        height, width = self.image.shape[:2]
        x0, y0, x1, y1 = max(0, rect[0]), max(0, rect[1]), min(width, rect[2]), min(height, rect[3])
        if x1 <= x0 or y1 <= y0:
            return self.image
        if self.filled is None:
            self._resize((x0, y0, x1, y1))
            self.filled = (x0, y0, x1, y1)
            return self.image
        fx0, fy0, fx1, fy1 = self.filled
        ux0, uy0, ux1, uy1 = min(x0, fx0), min(y0, fy0), max(x1, fx1), max(y1, fy1)
        # the bounding box of both less what is filled: bands above and below, strips left and right
        for part in ((ux0, uy0, ux1, fy0), (ux0, fy1, ux1, uy1), (ux0, fy0, fx0, fy1), (fx1, fy0, ux1, fy1)):
            self._resize(part)
        self.filled = (ux0, uy0, ux1, uy1)
        return self.image

    def _resize(self, rect: Rect) -> None:
        x0, y0, x1, y1 = rect
        if x1 <= x0 or y1 <= y0:
            return
        k = self.k
        self.image[y0:y1, x0:x1] = cv2.resize(self.source[y0 * k:y1 * k, x0 * k:x1 * k], (x1 - x0, y1 - y0),
                                              interpolation=cv2.INTER_AREA)
