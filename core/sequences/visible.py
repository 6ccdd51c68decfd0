"""Visible frames as stored (grey, BGR, BGRA; 8-bit, 16-bit or float) to the (H, W, 3) uint8 RGB
frames every tracker gets: the rule that ``core.sequences.thermal`` is for thermal frames.
"""
from __future__ import annotations

import cv2
import numpy as np

from core.sequences.frame_source import FrameSource


def visible_to_rgb(image: np.ndarray, shift: int = 8) -> np.ndarray:
    """Stored visible frame (gray, BGR, BGRA; uint8, uint16 or float) -> (H, W, 3) uint8 RGB.

    uint16 is shifted right by ``shift`` bits (8: its high byte; 4 for 12-bit values, see
    :func:`visible_shift`) and clipped; float frames whose values lie in [0, 1] (how float images
    are written) are scaled by 255, other float frames are taken as 0..255 (clipped)."""
    if image.dtype != np.uint8:
        if image.dtype == np.uint16:
            image = np.minimum(image >> shift, 255).astype(np.uint8)
        else:
            image = image.astype(np.float32)
            finite = image[np.isfinite(image)]
            if finite.size and float(finite.max()) <= 1.0:  # 0..1 was clipped to black
                image = image * np.float32(255.0)
            image = np.clip(np.rint(np.nan_to_num(image, nan=0.0)), 0, 255).astype(np.uint8)
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1):
        return cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def visible_shift(source: FrameSource) -> int:
    """How many bits 16-bit visible frames are shifted to 8: ``bit_length(max) - 8`` of the frames
    :func:`core.sequences.thermal.sample_indices` picks (a 12-bit camera's 0..4095 -> 4; all 16
    bits -> 8, the high byte), so that one scale serves the whole stream."""
    from core.sequences.thermal import sample_indices

    top = max(int(source.read(i).max()) for i in sample_indices(len(source)))
    return min(8, max(0, top.bit_length() - 8))
