"""The opening message said an image folder plays "at 30 fps" as a fact: image frames record no
frame rate, so the studio assumed it. It now says it is assumed and where to state the real one."""
from __future__ import annotations

import cv2
import numpy as np


def test_an_image_folder_opens_saying_its_rate_is_assumed(window, tmp_path):
    folder = tmp_path / "cars"
    folder.mkdir()
    for i in range(5):
        cv2.imwrite(str(folder / f"{i + 1:08d}.jpg"), np.full((48, 64, 3), 30 * i, np.uint8))
    window.open_sequence(folder)
    message = window.statusBar().currentMessage()
    assert (f"5 frames at 30 fps (assumed: image frames record no frame rate; a line 'fps: 25' in "
            f"{folder / 'SOURCE.txt'} states the real one)") in message, message
    (folder / "SOURCE.txt").write_text("fps: 10\n")
    window.open_sequence(folder)
    message = window.statusBar().currentMessage()
    assert "5 frames at 10 fps" in message and "assumed" not in message, message
    assert window.transport.fps == 10  # playback and the clock take the stated rate


def test_a_video_opens_with_its_own_rate(window, pair_files):
    window.open_pair(*pair_files)
    assert "assumed" not in window.statusBar().currentMessage()
