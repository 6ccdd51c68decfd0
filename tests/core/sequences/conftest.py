"""Tiny on-disk sequences for the sequence tests (frame i is identifiable by its value)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest


def visible_frame(i: int, size=(32, 24)) -> np.ndarray:
    """(H, W, 3) BGR uint8; blue = 10 * i (mod 250), green 7, red 200 (distinct channels)."""
    w, h = size
    frame = np.zeros((h, w, 3), np.uint8)
    frame[:, :, 0] = (10 * i) % 250
    frame[:, :, 1] = 7
    frame[:, :, 2] = 200
    return frame


def thermal_frame(i: int, size=(32, 24)) -> np.ndarray:
    """(H, W) uint8 = 5 * i + 1 (mod 250)."""
    w, h = size
    return np.full((h, w), (5 * i + 1) % 250, np.uint8)


def write_folder(folder: Path, frames, pattern: str = "{:05d}.png") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        assert cv2.imwrite(str(folder / pattern.format(i + 1)), frame)
    return folder


def write_video(file: Path, frames, fps: float = 25.0) -> Path:
    """Lossless (FFV1 .avi) so pixel values can be checked exactly."""
    frames = list(frames)
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(file), cv2.VideoWriter_fourcc(*"FFV1"), fps, (w, h))
    assert writer.isOpened()
    for frame in frames:
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        writer.write(frame)
    writer.release()
    return file


class _Kit:
    visible_frame = staticmethod(visible_frame)
    thermal_frame = staticmethod(thermal_frame)
    write_folder = staticmethod(write_folder)
    write_video = staticmethod(write_video)


@pytest.fixture
def kit():
    """The helpers above, as a fixture (tests import nothing from this folder)."""
    return _Kit
