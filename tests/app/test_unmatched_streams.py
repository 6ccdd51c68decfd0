"""A pair whose streams do not match (frame counts differ) says so in one box naming both
files; a matching pair opens without one."""
from __future__ import annotations

import cv2
import numpy as np


def _folder(path, count: int, channels: int):
    path.mkdir()
    for i in range(count):
        shape = (48, 64, 3) if channels == 3 else (48, 64)
        cv2.imwrite(str(path / f"{i + 1:05d}.png"), np.full(shape, 20 * i, np.uint8))
    return path


def _boxes(window):
    from PySide6.QtWidgets import QMessageBox

    return [b for b in window.findChildren(QMessageBox) if b.isVisible() and b.objectName() == "unmatchedStreams"]


def test_a_pair_with_different_frame_counts_names_both_files_and_the_problem(window, tmp_path):
    visible = _folder(tmp_path / "visible", 6, 3)
    thermal = _folder(tmp_path / "thermal", 4, 1)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    assert window.document is not None and len(window.document.sequence) == 4
    boxes = _boxes(window)
    assert len(boxes) == 1
    text = boxes[0].text() + "\n" + boxes[0].informativeText()
    assert str(visible) in text and str(thermal) in text
    assert "frame counts differ: visible 6, thermal 4" in text and "4 frame pairs" in text


def test_a_matching_pair_opens_without_a_warning(window, tmp_path):
    window.open_pair(_folder(tmp_path / "visible", 4, 3), _folder(tmp_path / "thermal", 4, 1),
                     store=str(tmp_path / "p.rgbt.sqlite"))
    assert window.document is not None and not _boxes(window)
