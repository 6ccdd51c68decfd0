"""Boxes in coordinates relative to the image size (0..1: YOLO's normalized ``class cx cy w h``
rows, another tool's fractions) were imported as pixel boxes: each under a pixel in the top-left
corner, said only as "imported 3 frames". The import refuses them in one line now."""
from __future__ import annotations

import pytest

from core.annotations.formats.box_import import read_box_file
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("text", [
    "0.41,0.37,0.12,0.20\n0.42,0.37,0.12,0.20\nNaN,NaN,NaN,NaN\n",  # one row per frame
    "0 0.512 0.433 0.125 0.2\n",  # a YOLO label file: class cx cy w h
    "frame,x,y,w,h\n1,0.41,0.37,0.12,0.2\n2,0.42,0.37,0.12,0.2\n",
])
def test_relative_coordinates_are_refused_in_one_line(tmp_path, text):
    path = tmp_path / "labels.txt"
    path.write_text(text)
    with pytest.raises(AnnotationFormatError, match=r"labels.txt: every box lies within 0\.\.1 .*pixels") as error:
        read_box_file(path, 10)
    assert "\n" not in str(error.value)


def test_pixel_boxes_near_the_origin_are_kept(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("0,0,1,1\n0.5,0.5,2,3\n")  # one box over a pixel is enough
    found = read_box_file(path, 10)
    assert found.records[1].box.tolist() == [0.5, 0.5, 2, 3]
