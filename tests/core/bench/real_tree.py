"""A fake real-data tree for the ``bench accuracy --real`` tests: a colour sequence with an
absent ground-truth row, a thermal video, and the split file naming them."""
from __future__ import annotations

import json

import cv2
import numpy as np


def colour_frame(i, size=(96, 72)):
    w, h = size
    frame = np.zeros((h, w, 3), np.uint8)
    frame[:] = (40, 90, 20)
    x = 20 + 2 * i
    frame[20:40, x:x + 16] = (30, 200, 240)  # BGR: an orange block moving right
    return frame


def thermal_frame(i, size=(96, 72)):
    w, h = size
    frame = np.full((h, w), 30, np.uint8)
    frame[30:42, 30 + i:44 + i] = 220
    return frame


def fake_tree(root, frames=10):
    """``real/rgb/cars`` (colour JPEGs + GT with an absent row) and
    ``real/thermal/drone`` (thermal.avi + GT), and the split file naming them."""
    rgb = root / "real" / "rgb" / "cars"
    rgb.mkdir(parents=True)
    for i in range(frames):
        cv2.imwrite(str(rgb / f"{i + 1:08d}.jpg"), colour_frame(i))
    rows = [f"{20 + 2 * i},20,16,20" for i in range(frames)]
    rows[4] = "NaN,NaN,NaN,NaN"
    (rgb / "groundtruth.txt").write_text("\n".join(rows) + "\n")
    thermal = root / "real" / "thermal" / "drone"
    thermal.mkdir(parents=True)
    writer = cv2.VideoWriter(str(thermal / "thermal.avi"), cv2.VideoWriter_fourcc(*"FFV1"), 25, (96, 72))
    for i in range(frames):
        writer.write(cv2.cvtColor(thermal_frame(i), cv2.COLOR_GRAY2BGR))
    writer.release()
    (thermal / "groundtruth.txt").write_text("\n".join(f"{30 + i},30,14,12" for i in range(frames)) + "\n")
    split = root / "split.json"
    split.write_text(json.dumps({"validation": {"visible": ["real/rgb/cars"], "thermal": ["real/thermal/drone"]},
                                 "train": {"visible": ["real/rgb/other"]}}))
    return split


def fake_pair(root, frames=12, folder="real/rgbt-unlabeled/pair"):
    """An RGB-T video pair without boxes (``visible.avi`` + ``infrared.avi``, lossless):
    visible frame i is ``colour_frame(i)``, thermal frame i ``thermal_frame(i)``."""
    pair = root / folder
    pair.mkdir(parents=True)
    for name, frame in (("visible.avi", lambda i: colour_frame(i)),
                        ("infrared.avi", lambda i: cv2.cvtColor(thermal_frame(i), cv2.COLOR_GRAY2BGR))):
        writer = cv2.VideoWriter(str(pair / name), cv2.VideoWriter_fourcc(*"FFV1"), 25, (96, 72))
        for i in range(frames):
            writer.write(frame(i))
        writer.release()
    return pair
