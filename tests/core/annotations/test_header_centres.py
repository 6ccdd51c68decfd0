"""A header naming the box's centre (``cx,cy,w,h``, ``x_center,y_center,width,height``: what
YOLO-style tools write in pixels) was read as x,y,w,h: every box moved by half its size down and
right, unsaid. The header decides, as for corners: centres are moved to the top-left corner in
every reader; where the caller says otherwise (GTOT's corner files, ``convert --from xywh``)
the file is refused in one line."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.convert import read_source
from core.annotations.formats.groundtruth import load_ground_truth
from core.annotations.formats.text import read_box_pairs, read_boxes, read_corners
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("header", ["cx,cy,w,h", "x_center y_center width height", "# xc;yc;w(px);h(px)",
                                    "center_x,center_y,bb_width,bb_height"])
def test_centres_named_by_the_header_become_top_left_boxes(tmp_path, header):
    separator = ";" if ";" in header else " " if " " in header.lstrip("# ") else ","
    path = tmp_path / "groundtruth.txt"
    path.write_text(f"{header}\n" + separator.join(["25", "40", "30", "40"]) + "\nNaN,NaN,NaN,NaN\n".replace(
        ",", separator))
    np.testing.assert_array_equal(read_boxes(path)[0], [10, 20, 30, 40])
    np.testing.assert_array_equal(read_box_pairs(path)[0][0], [10, 20, 30, 40])
    records = load_ground_truth(tmp_path, "vot-tir")
    np.testing.assert_array_equal(records[0].box, [10, 20, 30, 40])
    assert records[1].absent
    found = read_box_file(path, 5)
    np.testing.assert_array_equal(found.records[0].box, [10, 20, 30, 40])
    assert any("centres cx,cy,w,h (the header names them)" in note for note in found.notes), found.notes


def test_frame_numbered_and_mot_rows_under_a_centre_header(tmp_path):
    path = tmp_path / "boxes.csv"
    path.write_text("frame,cx,cy,w,h\n1,25,40,30,40\n")
    np.testing.assert_array_equal(read_box_file(path, 5).records[0].box, [10, 20, 30, 40])
    path.write_text("frame,id,x_center,y_center,width,height,conf\n1,3,25,40,30,40,1\n")
    np.testing.assert_array_equal(read_box_file(path, 5).records[0].box, [10, 20, 30, 40])


def test_a_centre_header_contradicting_the_caller_is_refused(tmp_path):
    gtot = tmp_path / "groundTruth_v.txt"
    gtot.write_text("cx cy w h\n25 40 30 40\n")
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names centres cx,cy,w,h but GTOT"):
        read_corners(gtot)
    plain = tmp_path / "boxes.txt"
    plain.write_text("cx,cy,w,h\n25,40,30,40\n")
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names centres .*--from xywh"):
        read_source(plain, "xywh")
    np.testing.assert_array_equal(read_source(plain, "auto")[0][0].box, [10, 20, 30, 40])


def test_half_a_centre_is_refused(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text("cx,y,w,h\n25,40,30,40\n")
    with pytest.raises(AnnotationFormatError, match=r"line 1: the header names 'cx' and 'y': one a centre"):
        read_boxes(path)
