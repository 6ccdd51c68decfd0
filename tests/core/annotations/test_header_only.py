"""A box file holding only its header line (an export made before any box was drawn) was
refused as "line 1: not a number in 'x,y,w,h'", as if the header were a row with a typo. It is
said for what it is now, in every box reader and the import."""
from __future__ import annotations

import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.text import read_box_pairs, read_boxes, read_corners
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("header", ["x,y,w,h", "x,y,w,h\r\n\r\n", "# xmin ymin xmax ymax\n", "frame,id,x,y,w,h,conf\n",
                                    "Box X;Box Y;Box Width;Box Height"])
def test_a_file_of_only_a_header(tmp_path, header):
    path = tmp_path / "labels.csv"
    path.write_text(header)
    readers = [read_boxes, read_box_pairs, read_corners] if "frame" not in header else []
    for read in [*readers, lambda p: read_box_file(p, 5)]:
        with pytest.raises(AnnotationFormatError, match=r"line 1: holds only a header line \(.*\), no box row"):
            read(path)


@pytest.mark.parametrize("text", ["l0,20,30,40\n", "nan,nan,nan,nan\n"])
def test_a_single_row_is_no_header(tmp_path, text):
    path = tmp_path / "labels.csv"
    path.write_text(text)
    try:
        read_boxes(path)
    except AnnotationFormatError as error:
        assert "holds only a header line" not in str(error) and "not a number" in str(error)
