"""Excel on Windows saves CSV in the ANSI code page (Windows-1252): a German export's header
``X;Y;Breite;Höhe`` holds the byte 0xf6 above rows of ASCII numbers. Every box reader refused
the file ("line 1: not UTF-8 text (byte 0xf6)"), and a header of names in other letters than
A-Z (``Höhe`` in UTF-8, ``宽``) was not taken for a header ("not a number"). Such a first line
is read as Windows-1252 now and its names make a header; a non-UTF-8 byte on a box row is
still refused naming its line."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.groundtruth import load_ground_truth
from core.annotations.formats.text import read_boxes
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("header", ["X;Y;Breite;H\xf6he".encode("cp1252"), "X;Y;Breite;Höhe".encode(),
                                    "x;y;宽;高".encode()])
def test_a_header_in_windows_1252_or_other_letters(tmp_path, header):
    path = tmp_path / "groundtruth.txt"
    path.write_bytes(header + b"\r\n10;20;30;40\r\n0;0;0;0\r\n")
    np.testing.assert_array_equal(read_boxes(path), [[10, 20, 30, 40], [0, 0, 0, 0]])
    assert load_ground_truth(tmp_path, "vot-tir")[1].absent
    found = read_box_file(path, 5)
    assert found.records[0].box.tolist() == [10, 20, 30, 40]


def test_a_windows_1252_byte_on_a_box_row_is_still_refused(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_bytes("X;Y;Breite;H\xf6he\r\n10;20;30;40\r\n11;20;30;40 \xe9\r\n".encode("cp1252"))
    with pytest.raises(AnnotationFormatError, match=r"line 3: not UTF-8 text \(byte 0xe9\)"):
        read_boxes(path)


def test_a_windows_1252_first_line_that_is_no_header_names_line_1(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_bytes(b"10;20;30;4\xb5\r\n11;20;30;40\r\n")
    with pytest.raises(AnnotationFormatError, match=r"line 1: not a number in '10;20;30;4µ'"):
        read_boxes(path)
