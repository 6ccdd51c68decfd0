"""The tolerant box-text reader and writer: every tolerance, every error, lossless round trips."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.annotations.formats import records_from_rows, rows_from_records
from core.annotations.formats.corners import corners_to_xywh, xywh_to_corners
from core.annotations.formats.rows import format_rows, rows_absent, write_rows
from core.annotations.formats.text import parse_boxes, read_boxes, read_corners
from core.annotations.records import Provenance
from core.errors import AnnotationFormatError


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,2,3,4\r\n5,6,7,8\r\n\r\n\n", [[1, 2, 3, 4], [5, 6, 7, 8]]),  # CRLF, trailing blank lines
        ("1\t2\t3\t4\n", [[1, 2, 3, 4]]),  # tabs
        ("1 2  3 4\n", [[1, 2, 3, 4]]),  # spaces, doubled
        ("1, 2,\t3 ,4", [[1, 2, 3, 4]]),  # mixed, no final newline
        ("1, 2, 3, 4, 5, 6, 7, 8\n", [[1, 2, 6, 6]]),  # a polygon written with ', '
        ("1,2,3,4 5,6,7,8\n", [[1, 2, 6, 6]]),  # two comma groups parted by a space: not four pairs
        ("  1;2;3;4  \n", [[1, 2, 3, 4]]),  # semicolons, padding
        ("\ufeff1,2,3,4\n", [[1, 2, 3, 4]]),  # UTF-8 BOM
        ("1.5,2e1,-3.25,+4\n", [[1.5, 20, -3.25, 4]]),
        ("1,1,5,1,5,4,1,4\n", [[1, 1, 4, 3]]),  # 8-value polygon -> bounding box
        ("1,2,3,4\n1,1,5,1,5,4,1,4\n", [[1, 2, 3, 4], [1, 1, 4, 3]]),  # mixed 4- and 8-value rows
        ("", np.zeros((0, 4))),
        ("\n\n", np.zeros((0, 4))),
    ],
)
def test_tolerant_reading(tmp_path, text, expected):
    path = tmp_path / "gt.txt"
    path.write_bytes(text.encode())
    np.testing.assert_array_equal(read_boxes(path), np.asarray(expected, dtype=float).reshape(-1, 4))


def test_nan_and_zero_rows_are_kept_then_absent(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("1,2,3,4\n0,0,0,0\nNaN,NaN,NaN,NaN\n4,5,0,3\nnan nan nan nan\n5,6,7,-1\n")
    rows = read_boxes(path)
    assert rows.shape == (6, 4) and np.isnan(rows[2]).all() and (rows[1] == 0).all()
    assert rows_absent(rows).tolist() == [False, True, True, True, True, True]
    records = records_from_rows(rows)
    assert [r.absent for r in records.values()] == [False, True, True, True, True, True]
    assert all(r.provenance == Provenance.IMPORTED and r.box is None for r in list(records.values())[1:])


@pytest.mark.parametrize(
    "text, problem, line",
    [
        ("1,2,3\n", "4 values", 1),
        ("1,2,3,4\n1,2,3,4,5\n", "got 5", 2),
        ("1,2,x,4\n", "not a number", 1),
        ("1,2,3,4\n1,2,3,4\n1,2,,3\n", "empty value", 3),
        ("1,2,3,4\n\n1,2,3,4\n", "blank line", 2),
        ("1,2,3,4\r\n \r\n5,6,7,8\r\n", "blank line", 2),
        ("1 2 3 4 5 6 7 8\n1 2 3 4\n1 2 3 4 5 6\n", "got 6", 3),
        # decimal commas in a tab- or space-separated file: eight numbers, read as a polygon before
        ("10\t20\t30\t40\n203,31\t149,93\t17,27\t49,66\n", "four comma pairs", 2),
        ("203,31 149,93 17,27 49,66\n", "four comma pairs", 1),
        ("1,5  2,5\t3,5 4,5 \n", "four comma pairs", 1),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, text, problem, line):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(AnnotationFormatError, match=problem) as info:
        read_boxes(path)
    assert info.value.line == line
    assert "bad.txt" in str(info.value) and f"line {line}" in str(info.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(AnnotationFormatError, match="not found") as info:
        read_boxes(tmp_path / "missing.txt")
    assert "missing.txt" in str(info.value)
    with pytest.raises(AnnotationFormatError, match="folder"):
        read_boxes(tmp_path)
    binary = tmp_path / "frame.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff\xfe")
    with pytest.raises(AnnotationFormatError, match="text"):
        read_boxes(binary)


def test_gtot_corners(tmp_path):
    path = tmp_path / "groundTruth_v.txt"
    path.write_text("10 20 40 60\r\n0 0 0 0\r\n")
    rows = read_corners(path)
    np.testing.assert_array_equal(rows, [[10, 20, 30, 40], [0, 0, 0, 0]])  # w = x2 - x1, no +1
    np.testing.assert_array_equal(xywh_to_corners(rows), [[10, 20, 40, 60], [0, 0, 0, 0]])


def test_format_rows_and_write_rows(tmp_path):
    rows = np.array([[1, 2, 3, 4], [1.5, 0.1, 3.3333333333, 1e-7], [0, 0, 0, 0]])
    text = format_rows(rows)
    assert text.splitlines()[0] == "1,2,3,4" and text.splitlines()[2] == "0,0,0,0"
    # at most 4 decimals (a float's repr wrote 17 digits); a present box's tiny h stays present
    assert text.splitlines()[1] == "1.5,0.1,3.3333,0.0001"
    rows[1, 2:] = [3.3333, 0.0001]
    out = write_rows(tmp_path / "sub" / "o.txt", rows, "\t", newline="\r\n")
    assert out.read_bytes().startswith(b"1\t2\t3\t4\r\n")
    np.testing.assert_array_equal(read_boxes(out), rows)
    assert format_rows(np.zeros((0, 4))) == ""


_coord = st.floats(-1e5, 1e5, allow_nan=False, allow_infinity=False)
_size = st.floats(1e-3, 1e5, allow_nan=False, allow_infinity=False)
_present = st.tuples(_coord, _coord, _size, _size)
_absent = st.sampled_from([(0.0, 0.0, 0.0, 0.0), (float("nan"),) * 4, (3.0, 4.0, 0.0, 5.0)])
_rows = st.lists(st.one_of(_present, _absent), min_size=0, max_size=30)


@settings(max_examples=60, deadline=None)
@given(_rows, st.sampled_from([",", " ", "\t", ", "]), st.sampled_from(["\n", "\r\n"]))
def test_rows_round_trip(rows, separator, newline):
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    text = format_rows(rows, separator).replace("\n", newline)
    back = parse_boxes(text)
    np.testing.assert_allclose(back, rows, rtol=0, atol=5e-5)  # 4 decimals; NaN == NaN
    np.testing.assert_array_equal(rows_absent(back), rows_absent(rows))
    records = records_from_rows(rows)
    written = rows_from_records(records, len(rows))
    again = records_from_rows(parse_boxes(format_rows(written)))
    assert [r.absent for r in again.values()] == [r.absent for r in records.values()]


@settings(max_examples=40, deadline=None)
@given(st.lists(_present, min_size=1, max_size=20))
def test_corners_round_trip(rows):
    rows = np.asarray(rows, dtype=np.float64)
    back = corners_to_xywh(parse_boxes(format_rows(xywh_to_corners(rows), " ")))
    np.testing.assert_allclose(back, rows, rtol=1e-9, atol=1e-4)  # 4 decimals per corner


def test_a_polygon_row_among_box_rows_reads_as_its_box_as_written():
    """A lone 8-value row among 4-value rows (read row by row) and a polygon file (read as a
    whole) give the polygon's bounding box with its width and height as written (5.3 - 1.1 is
    4.2, not 4.199999999999999); the row-by-row path stopped with numpy's 'Calling nonzero on
    0d arrays' when the decimal width came in."""
    rows = parse_boxes("1,2,3,4\n1.1,2.2,5.3,2.2,5.3,7.7,1.1,7.7\n")
    assert rows.tolist() == [[1, 2, 3, 4], [1.1, 2.2, 4.2, 5.5]]
    assert parse_boxes("1.1,2.2,5.3,2.2,5.3,7.7,1.1,7.7\n").tolist() == [[1.1, 2.2, 4.2, 5.5]]
