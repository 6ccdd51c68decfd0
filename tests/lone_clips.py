"""A tiny thermal clip of one video file, as the Anti-UAV folders hold them
(``<clip>/thermal.avi`` beside ``groundtruth.txt``), for tests of footage opened by its video
or by its folder."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def grey_clip(folder: Path, name: str = "thermal.avi", frames: int = 6) -> Path:
    """``folder/<name>`` (created with ``folder``): ``frames`` grey 64x48 MJPG frames at 25 fps,
    a bright 12x10 blob moving 2 px right per frame, and ``folder/groundtruth.txt`` with its
    ``x,y,w,h`` box per frame; returns the video."""
    folder.mkdir(parents=True)
    video = folder / name
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (64, 48))
    for i in range(frames):
        frame = np.full((48, 64, 3), 20, np.uint8)
        frame[18:28, 10 + 2 * i:22 + 2 * i] = 230
        writer.write(frame)
    writer.release()
    (folder / "groundtruth.txt").write_text("".join(f"{10 + 2 * i},18,12,10\n" for i in range(frames)))
    return video
