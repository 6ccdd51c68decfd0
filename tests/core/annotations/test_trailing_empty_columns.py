"""Excel writes the empty columns right of the data that once held a format as trailing
separators on every line (``x,y,w,h,,`` above ``10,20,30,40,,``). Every box reader refused such
a file ("line 1: empty value between separators"), though empty fields after the last value
shift nothing. They are allowed now; an empty value before a value is still refused."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.text import read_box_pairs, read_boxes
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("tail", [",,", ",,,", ", , ", ";;"])
def test_empty_columns_after_the_data(tmp_path, tail):
    separator = ";" if ";" in tail else ","
    row = separator.join
    path = tmp_path / "labels.csv"
    path.write_text(f"{row('xywh')}{tail}\r\n{row(['10', '20', '30', '40'])}{tail}\r\n"
                    f"{row(['11', '20', '30', '40'])}{tail}\r\n")
    np.testing.assert_array_equal(read_boxes(path), [[10, 20, 30, 40], [11, 20, 30, 40]])
    assert read_box_pairs(path)[0].shape == (2, 4)
    assert read_box_file(path, 5).records[1].box.tolist() == [11, 20, 30, 40]


def test_frame_numbered_rows_with_empty_columns_after_the_data(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("frame,x,y,w,h,,\n1,10,20,30,40,,\n3,11,20,30,40,,\n")
    found = read_box_file(path, 5)
    assert sorted(found.records) == [0, 2] and found.kind == "frame-numbered rows"


@pytest.mark.parametrize("line", ["10,,30,40", ",20,30,40", "10,20,,40,,"])
def test_an_empty_value_before_a_value_is_still_refused(tmp_path, line):
    path = tmp_path / "labels.csv"
    path.write_text(f"1,2,3,4\n{line}\n")
    with pytest.raises(AnnotationFormatError, match="line 2: empty value between separators"):
        read_boxes(path)


def test_decimal_comma_pairs_before_empty_columns_are_still_refused(tmp_path):
    """Allowed empty columns must not let four ``a,b`` pairs through as an 8-value polygon."""
    path = tmp_path / "labels.txt"
    path.write_text("203,31\t149,93\t17,27\t49,66,,\n")
    with pytest.raises(AnnotationFormatError, match="line 1: four comma pairs"):
        read_boxes(path)
