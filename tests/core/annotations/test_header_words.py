"""Spreadsheet headers name columns in words: ``Box X,Box Y,Box Width,Box Height``,
``X Position;Y Position;Width;Height``, ``Top Left X,...,Bottom Right Y``. Split at every space,
such a line had more names than the rows have values and was refused ("line 1: not a number"),
so the labels could not be opened, imported or converted. Between commas or semicolons a name
may hold spaces now, and its words decide the convention as single names do."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.header import header_lines
from core.annotations.formats.text import read_boxes


@pytest.mark.parametrize("header, box", [
    ("Box X,Box Y,Box Width,Box Height", [10, 20, 40, 60]),
    ("X Position;Y Position;Width;Height", [10, 20, 40, 60]),
    ("x, y, width (px), height (px)", [10, 20, 40, 60]),
    ("Top Left X,Top Left Y,Bottom Right X,Bottom Right Y", [10, 20, 30, 40]),
    ("# BR X? no: x1, y1, x2, y2", None),  # not a header: '?' and ':' are no names
])
def test_names_of_several_words(tmp_path, header, box):
    separator = ";" if ";" in header else ","
    path = tmp_path / "labels.csv"
    path.write_text(f"{header}\n10{separator}20{separator}40{separator}60\n")
    if box is None:
        assert header_lines(path.read_text().splitlines()) == 0
        return
    np.testing.assert_array_equal(read_boxes(path), [box])
    np.testing.assert_array_equal(read_box_file(path, 5).records[0].box, box)


def test_a_row_index_beside_names_of_several_words(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(",Box X,Box Y,Box Width,Box Height\n0,10,20,40,60\n1,11,20,40,60\n")
    found = read_box_file(path, 5)
    assert found.records[1].box.tolist() == [11, 20, 40, 60]
    assert any("row index" in note for note in found.notes), found.notes


def test_space_separated_headers_still_split_at_spaces(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("x y w h\n10 20 40 60\n")
    np.testing.assert_array_equal(read_boxes(path), [[10, 20, 40, 60]])
