"""Absent targets as data tools write them: pandas' ``to_csv`` writes a NaN row as empty values
(``,,,``; ``5,,,,`` after a frame column) and R's ``write.csv`` writes ``NA``. Every box reader
refused such a file ("empty value between separators", "not a number in 'NA,NA,NA,NA'"; the
import: "rows of 0, 4 values"), so a user's own labels could not be opened or imported without
editing them. They are absent rows now (NaN), as ``NaN,NaN,NaN,NaN`` was."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.groundtruth import load_ground_truth
from core.annotations.formats.text import read_box_pairs, read_boxes
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("absent", [",,,", " , , , ", ";;;", "NA,NA,NA,NA", "NA\tNA\tNA\tNA", "na,na,na,na"])
def test_absent_rows_as_pandas_and_r_write_them(tmp_path, absent):
    separator = ";" if ";" in absent else ","
    text = f"x{separator}y{separator}w{separator}h\n10{separator}20{separator}30{separator}40\n{absent}\n" \
           f"11{separator}20{separator}30{separator}40\n"
    path = tmp_path / "groundtruth.txt"
    path.write_text(text)
    rows = read_boxes(path)
    assert rows.shape == (3, 4) and np.isnan(rows[1]).all() and rows[2, 0] == 11
    assert np.isnan(read_box_pairs(path)[0][1]).all()
    records = load_ground_truth(tmp_path, "vot-tir")
    assert records[1].absent and records[2].box[0] == 11
    found = read_box_file(path, 10)
    assert found.records[1].absent and found.records[2].box[0] == 11


def test_a_polygon_file_with_a_pandas_nan_row(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text("1,1,5,1,5,4,1,4\n,,,,,,,\n")
    rows = read_boxes(path)
    assert rows[0].tolist() == [1, 1, 4, 3] and np.isnan(rows[1]).all()


def test_frame_numbered_rows_with_an_empty_box(tmp_path):
    path = tmp_path / "boxes.csv"
    path.write_text("frame,x,y,w,h\n1,10.0,20.0,30.0,40.0\n2,,,,\n3,12.0,20.0,30.0,40.0\n")
    found = read_box_file(path, 10)
    assert found.kind == "frame-numbered rows"
    assert found.records[1].absent and found.records[2].box[0] == 12


def test_a_pandas_row_index_above_an_empty_box(tmp_path):
    """``DataFrame.to_csv(path)`` with its index: ``,x,y,w,h`` above ``1,,,,``."""
    path = tmp_path / "boxes.csv"
    path.write_text(",x,y,w,h\n0,10.0,20.0,30.0,40.0\n1,,,,\n2,12.0,20.0,30.0,40.0\n")
    found = read_box_file(path, 10)
    assert found.kind == "one row per frame"
    assert found.records[1].absent and found.records[2].box[0] == 12


@pytest.mark.parametrize("text, problem", [("10,,30,40\n", "line 1: empty value"),
                                           (",,\n10,20,30,40\n", "line 1: no value in ',,'"),
                                           ("10,20,30,40\n,,,,\n", "line 2: no value in ',,,,'")])
def test_an_empty_value_beside_numbers_is_still_refused(tmp_path, text, problem):
    """Only a row of empty values is a NaN row: ``10,,30,40`` would shift the row, and a row of
    another count of empty values is no box of the file's width."""
    path = tmp_path / "groundtruth.txt"
    path.write_text(text)
    with pytest.raises(AnnotationFormatError, match=problem):
        read_boxes(path)
    with pytest.raises(AnnotationFormatError, match=problem):
        read_box_file(path, 5)
