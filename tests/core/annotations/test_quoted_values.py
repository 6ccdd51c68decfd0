"""Box files written by R's ``write.csv`` (and spreadsheets set to quote text cells) put their
column names, and R its row names, in double quotes: ``"x","y","w","h"`` above ``10,20,30,40``;
with row names ``"","x","y","w","h"`` above ``"1",10,20,30,40``. The header was not taken for
one ("line 1: not a number in '"x","y","w","h"'"), so such labels could not be opened or
imported; the quotes are read away now, and R's row names are the row index the import leaves out."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.groundtruth import load_ground_truth
from core.annotations.formats.text import read_boxes
from core.errors import AnnotationFormatError


def test_a_quoted_header_is_a_header_for_every_reader(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text('"x","y","w","h"\n10,20,30,40\nNA,NA,NA,NA\n11,20,30,40\n')
    rows = read_boxes(path)
    assert rows[0].tolist() == [10, 20, 30, 40] and np.isnan(rows[1]).all()
    assert load_ground_truth(tmp_path, "vot-tir")[2].box[0] == 11
    found = read_box_file(path, 10)
    assert found.records[1].absent and found.records[2].box[0] == 11


def test_a_quoted_corner_header_names_corners(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text('"xmin","ymin","xmax","ymax"\n10,20,40,60\n')
    assert read_boxes(path).tolist() == [[10, 20, 30, 40]]


@pytest.mark.parametrize("text, kind", [
    ('"","x","y","w","h"\n"1",10,20,30,40\n"2",NA,NA,NA,NA\n"3",12,20,30,40\n', "one row per frame"),
    ('"","frame","x","y","w","h"\n"1",1,10,20,30,40\n"2",2,NA,NA,NA,NA\n"3",3,12,20,30,40\n', "frame-numbered rows"),
])
def test_r_row_names_are_the_row_index_the_import_leaves_out(tmp_path, text, kind):
    path = tmp_path / "labels.csv"
    path.write_text(text)
    found = read_box_file(path, 10)
    assert found.kind == kind and sorted(found.records) == [0, 1, 2]
    assert found.records[0].box.tolist() == [10, 20, 30, 40] and found.records[1].absent
    assert any("row index" in note for note in found.notes), found.notes


def test_a_quoted_empty_value_between_numbers_is_still_refused(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text('10,"",30,40\n')
    with pytest.raises(AnnotationFormatError, match="line 1: empty value"):
        read_boxes(path)


def test_lines_named_below_a_quoted_header_count_it(tmp_path):
    """The reason for a frame without a box, and the line of two layouts' differing boxes, read
    the file without the quotes read away: below ``"x","y","w","h"`` they named the row above
    ("the row '10,20,30,40' has no box" for the absent row on line 3)."""
    from core.annotations.formats.groundtruth import missing_box_reason, refuse_mixed_layouts

    (tmp_path / "groundtruth.txt").write_text('"x","y","w","h"\n10,20,30,40\n,,,\n')
    assert load_ground_truth(tmp_path, "vot-tir")[1].absent
    path, line, what, malformed = missing_box_reason(tmp_path, "vot-tir", 1)
    assert line == 3 and what == "',,,' marks the target absent" and not malformed
    (tmp_path / "visible.txt").write_text("10,20,30,40\n11,20,30,40\n")
    with pytest.raises(AnnotationFormatError, match="holds other boxes") as error:
        refuse_mixed_layouts(tmp_path)
    assert error.value.path.name == "groundtruth.txt" and error.value.line == 3


def test_a_quoted_header_naming_two_boxes_of_corners_reads_both_as_corners(tmp_path):
    """VTUAV's 8-value rows (a visible box, then a thermal box) under R's quoted header: the two
    boxes' corners were read as x,y,w,h (40 x 60 instead of 30 x 40, without a word), the header's
    names compared with their quotes on (h1)."""
    from core.annotations.formats.text import read_box_pairs

    path = tmp_path / "rgb.txt"
    path.write_text('"x1","y1","x2","y2","x1","y1","x2","y2"\n10,20,40,60,11,21,41,61\n')
    visible, thermal = read_box_pairs(path)
    assert visible.tolist() == [[10, 20, 30, 40]] and thermal.tolist() == [[11, 21, 30, 40]]
    found = read_box_file(path, 1)
    assert found.records[0].box.tolist() == [10, 20, 30, 40]
    assert found.records[0].thermal_box.tolist() == [11, 21, 30, 40]
