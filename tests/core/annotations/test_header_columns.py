"""A header line that names the box columns decides how the rows below it are read, in every
box reader: corners (``x1,y1,x2,y2``, ``xmin ymin xmax ymax``, ``left,top,right,bottom``) are
converted to x, y, w, h; a width and a height (``x,y,w,h``) are read as they are. Where the
reader was told the convention otherwise (GTOT's corner files by their name, ``convert --from
xywh`` / ``--from corners``), a header naming the other one is refused in one line naming the file.

Before: the ground-truth readers skipped such a header and read corner rows as x, y, w, h
(``x1,y1,x2,y2`` above ``10,20,40,60`` became a 40x60 box instead of 30x40), and GTOT's corner
reader read rows under ``x y w h`` as corners; only the box import (Ctrl+I) read corners so.
"""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.convert import read_source
from core.annotations.formats.groundtruth import load_ground_truth, missing_box_reason, refuse_mixed_layouts
from core.annotations.formats.text import read_box_pairs, read_boxes, read_corners
from core.errors import AnnotationFormatError

CORNER_HEADERS = ["x1,y1,x2,y2", "xmin ymin xmax ymax", "# left top right bottom", "x_min;y_min;x_max;y_max",
                  "X1\tY1\tX2\tY2", "xmin,ymin,xmax(px),ymax(px)"]
SIZE_HEADERS = ["x,y,w,h", "xmin,ymin,width,height", "bb_left,bb_top,bb_width,bb_height", "% x y w(px) h(px)"]


def _rows(header: str, sep: str = ",") -> str:
    return f"{header}\n" + "\n".join(sep.join(row) for row in (["10", "20", "40", "60"], ["0", "0", "0", "0"])) + "\n"


@pytest.mark.parametrize("header", CORNER_HEADERS)
@pytest.mark.parametrize("name", ["groundtruth.txt", "visible.txt", "init.txt"])
def test_generic_ground_truth_under_a_corner_header_is_converted(tmp_path, header, name):
    layout = {"groundtruth.txt": "vot-tir", "visible.txt": "lasher", "init.txt": "rgbt210"}[name]
    (tmp_path / name).write_text(_rows(header))
    records = load_ground_truth(tmp_path, layout)
    np.testing.assert_array_equal(records[0].box, [10, 20, 30, 40])
    assert records[1].absent
    np.testing.assert_array_equal(read_boxes(tmp_path / name), [[10, 20, 30, 40], [0, 0, 0, 0]])


@pytest.mark.parametrize("header", SIZE_HEADERS + ["a,b,c,d"])
def test_generic_ground_truth_under_a_size_header_is_read_as_it_is(tmp_path, header):
    (tmp_path / "groundtruth.txt").write_text(_rows(header))
    np.testing.assert_array_equal(load_ground_truth(tmp_path, "vot-tir")[0].box, [10, 20, 40, 60])


def test_vtuav_pairs_under_corner_headers_are_converted(tmp_path):
    four = tmp_path / "four.txt"
    four.write_text("x1 y1 x2 y2\n10 20 40 60\n")
    visible, thermal = read_box_pairs(four)
    assert visible.tolist() == [[10, 20, 30, 40]] and thermal is None
    eight = tmp_path / "eight.txt"
    eight.write_text("x1 y1 x2 y2 xmin ymin xmax ymax\n10 20 40 60 11 21 41 61\n")
    visible, thermal = read_box_pairs(eight)
    assert visible.tolist() == [[10, 20, 30, 40]] and thermal.tolist() == [[11, 21, 30, 40]]


@pytest.mark.parametrize("header", SIZE_HEADERS)
def test_gtot_corner_files_under_a_size_header_are_refused_in_one_line(tmp_path, header):
    (tmp_path / "groundTruth_v.txt").write_text(_rows(header, " "))
    for read in (lambda: load_ground_truth(tmp_path, "gtot"), lambda: read_corners(tmp_path / "groundTruth_v.txt")):
        with pytest.raises(AnnotationFormatError) as error:
            read()
        message = str(error.value)
        assert error.value.path.name == "groundTruth_v.txt" and error.value.line == 1
        assert "x,y,w,h" in message and "corners" in message and "GTOT" in message and "\n" not in message


def test_gtot_corner_files_under_a_corner_header_read_as_before(tmp_path):
    (tmp_path / "groundTruth_v.txt").write_text(_rows("x1 y1 x2 y2", " "))
    (tmp_path / "groundTruth_i.txt").write_text(_rows("xmin ymin xmax ymax", " "))
    records = load_ground_truth(tmp_path, "gtot")
    np.testing.assert_array_equal(records[0].box, [10, 20, 30, 40])


def test_the_import_of_a_gtot_file_under_a_size_header_is_refused(tmp_path):
    path = tmp_path / "groundTruth_v.txt"
    path.write_text(_rows("x y w h", " "))
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names x,y,w,h .* corners") as error:
        read_box_file(path, 5)
    assert error.value.path == path


@pytest.mark.parametrize("header", CORNER_HEADERS)
def test_the_import_reads_corners_as_the_readers_do(tmp_path, header):
    path = tmp_path / "boxes.txt"
    path.write_text(_rows(header))
    found = read_box_file(path, 5)
    np.testing.assert_array_equal(found.records[0].box, [10, 20, 30, 40])
    assert any("header names them" in note for note in found.notes), found.notes


def test_a_mot_header_naming_corners_converts_the_boxes(tmp_path):
    """``frame,id,x1,y1,x2,y2,conf``: only 5-value rows were looked at for corner names."""
    path = tmp_path / "mot.txt"
    path.write_text("frame,id,x1,y1,x2,y2,conf\n1,1,10,20,40,60,1\n2,1,11,20,41,60,1\n")
    found = read_box_file(path, 5)
    np.testing.assert_array_equal(found.records[0].box, [10, 20, 30, 40])
    np.testing.assert_array_equal(found.records[1].box, [11, 20, 30, 40])


def test_convert_from_xywh_refuses_a_corner_header_and_auto_converts(tmp_path):
    path = tmp_path / "boxes.txt"
    path.write_text(_rows("x1,y1,x2,y2"))
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names corners .*--from xywh"):
        read_source(path, "xywh")
    records, _ = read_source(path, "auto")
    np.testing.assert_array_equal(records[0].box, [10, 20, 30, 40])
    sizes = tmp_path / "sizes.txt"
    sizes.write_text(_rows("x,y,w,h"))
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names x,y,w,h .*--from corners"):
        read_source(sizes, "corners")


def test_a_header_naming_a_corner_and_a_size_is_refused(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text(_rows("x1,y1,x2,height"))
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names 'x2' and 'height'"):
        read_boxes(path)


def test_swapped_corners_under_a_header_name_their_line(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text("x1,y1,x2,y2\n10,20,40,60\n40,20,10,60\n")
    with pytest.raises(AnnotationFormatError, match=r"line 3: x2 \(10\) < x1 \(40\)"):
        read_boxes(path)


def test_polygon_rows_under_a_corner_header_are_refused(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text("x1,y1,x2,y2\n10,20,40,60\n1,1,5,1,5,4,1,4\n")
    with pytest.raises(AnnotationFormatError, match=r"line 3: expected 4 values \(the header names corners"):
        read_boxes(path)


def test_two_layouts_agreeing_in_corners_are_one_ground_truth(tmp_path):
    """GTOT's corners beside a groundtruth.txt of the same corners under a corner header: the
    folder was refused as holding two layouts' different boxes."""
    (tmp_path / "groundTruth_v.txt").write_text("10 20 40 60\n")
    (tmp_path / "groundtruth.txt").write_text("x1,y1,x2,y2\n10,20,40,60\n")
    refuse_mixed_layouts(tmp_path)


def test_why_no_box_reads_corners_named_by_the_header(tmp_path):
    """The reason given for a frame without a box took the corner row as x, y, w, h: 'no box'
    for a row of width 0."""
    (tmp_path / "groundtruth.txt").write_text("x1,y1,x2,y2\n10,20,40,60\n10,20,10,60\n")
    assert load_ground_truth(tmp_path, "vot-tir")[1].absent
    path, line, what, malformed = missing_box_reason(tmp_path, "vot-tir", 1)
    assert line == 3 and "width 0" in what and malformed
