"""The small text files a layout is told by (``SOURCE.txt``'s ``modality:`` line, GOT-10k's
``meta_info.ini``, a dataset root's ``list.txt``) saved with a UTF-8 BOM, as Windows Notepad
writes them: the BOM became part of the first key or name, so ``modality: visible`` on the
first line was not seen (gray visible frames opened as thermal-only ``vot-tir``), and the
first sequence of ``list.txt`` was left out of the "dataset root" message."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences.declared import declared_fps, declared_modality
from core.sequences.layouts import detect_layout


def _frames(folder, count=3):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        cv2.imwrite(str(folder / f"{i + 1:08d}.png"), np.full((20, 30), 100, np.uint8))


def test_a_modality_line_after_a_bom_is_read(tmp_path):
    _frames(tmp_path)
    (tmp_path / "SOURCE.txt").write_bytes("\ufeffmodality: visible\r\nfrom: a camera\r\n".encode())
    assert declared_modality(tmp_path) == "visible"
    assert detect_layout(tmp_path) == "visible-only"


def test_a_meta_info_after_a_bom_is_read(tmp_path):
    (tmp_path / "meta_info.ini").write_bytes("\ufeffanno_fps: 25Hz\r\n".encode())
    assert declared_fps(tmp_path) == 25.0


def test_a_list_after_a_bom_names_its_first_sequence(tmp_path):
    for name in ("walk", "walk-thermal"):
        _frames(tmp_path / name)
    (tmp_path / "list.txt").write_bytes("\ufeffwalk\r\nwalk-thermal\r\n".encode())
    with pytest.raises(SequenceError, match=r"holds the sequence folders walk, walk-thermal"):
        detect_layout(tmp_path)
