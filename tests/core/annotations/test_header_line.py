"""A first line of column names above the box rows (``x,y,w,h``: what a spreadsheet export or
pandas' ``to_csv`` writes) is a header, not a frame: every box reader skips it, and the lines
named in errors and in the studio's "why no box here" still count it.

Before: every reader refused the file ("line 1: not a number in 'x,y,w,h'"), so a user's own
labels could not be opened, imported, converted or scored without editing the file by hand."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.header import header_lines
from core.annotations.formats.text import read_box_pairs, read_boxes, read_corners
from core.errors import AnnotationFormatError
from core.metrics.readers import read_box_rows


@pytest.mark.parametrize(
    "header",
    ["x,y,w,h", "X Y W H", "xmin,ymin,width,height", "# x y w h", "% x_min\ty_min\twidth\theight",
     "left;top;width(px);height(px)", "x,y,w,h,", "\ufeffx,y,w,h"],
)
def test_a_header_line_is_skipped_by_every_reader(tmp_path, header):
    path = tmp_path / "groundtruth.txt"
    path.write_text(f"{header}\n10,20,30,40\n0,0,0,0\n12,22,30,40\n", encoding="utf-8")
    expected = np.array([[10, 20, 30, 40], [0, 0, 0, 0], [12, 22, 30, 40]], dtype=float)
    np.testing.assert_array_equal(read_boxes(path), expected)
    np.testing.assert_array_equal(read_box_rows(path), expected)
    visible, thermal = read_box_pairs(path)
    np.testing.assert_array_equal(visible, expected)
    assert thermal is None


def test_a_header_above_polygons_pairs_and_corners(tmp_path):
    polygon = tmp_path / "polygon.txt"
    polygon.write_text("x1,y1,x2,y2,x3,y3,x4,y4\n1,1,5,1,5,4,1,4\n")
    np.testing.assert_array_equal(read_boxes(polygon), [[1, 1, 4, 3]])
    pairs = tmp_path / "rgb.txt"
    pairs.write_text("vx vy vw vh tx ty tw th\n1 2 3 4 5 6 7 8\n")
    visible, thermal = read_box_pairs(pairs)
    assert visible.tolist() == [[1, 2, 3, 4]] and thermal.tolist() == [[5, 6, 7, 8]]
    corners = tmp_path / "groundTruth_v.txt"
    corners.write_text("x1 y1 x2 y2\n10 20 40 60\n")
    np.testing.assert_array_equal(read_corners(corners), [[10, 20, 30, 40]])


@pytest.mark.parametrize(
    "lines",
    [
        ["NaN,NaN,NaN,NaN", "1,2,3,4"],  # an absent first frame, not a header
        ["nan nan inf inf", "1 2 3 4"],
        ["frame,x,y,w,h", "1,2,3,4"],  # five names above four values
        ["x,y,w,h"],  # nothing below it
        ["x,y,w,h", "a,b,c,d"],  # no numbers below it
        ["1,2,x,4", "1,2,3,4"],  # a typo in the first row
        ["x,y,w,h?", "1,2,3,4"],
        ["x,y,w,3", "1,2,3,4"],
    ],
)
def test_what_is_not_a_header(lines):
    assert header_lines(lines) == 0


def test_errors_below_a_header_name_the_file_line(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("x,y,w,h\n1,2,3,4\n5,b,7,8\n")
    for reader in (read_boxes, read_box_rows):
        with pytest.raises(AnnotationFormatError, match="not a number") as info:
            reader(path)
        assert info.value.line == 3
    corners = tmp_path / "groundTruth_v.txt"
    corners.write_text("x1 y1 x2 y2\n10 20 40 60\n40 20 10 60\n")
    with pytest.raises(AnnotationFormatError, match="x2") as info:
        read_corners(corners)
    assert info.value.line == 3


def test_a_first_line_that_is_not_a_header_is_still_refused(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("frame,x,y,w,h\n1,2,3,4\n")
    with pytest.raises(AnnotationFormatError, match="not a number") as info:
        read_boxes(path)
    assert info.value.line == 1


def test_a_sequence_with_a_header_opens_with_frame_one_on_the_first_row(tmp_path):
    """End to end: a LasHeR folder whose ``visible.txt`` has a header row opens, its first
    frame gets the first box row, and the reason for an absent frame names its file line."""
    from core.annotations.formats.groundtruth import missing_box_reason
    from core.progress import run_to_end
    from core.sequences import open_sequence
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_lasher

    seq = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=4), 3)
    folder = run_to_end(write_lasher(seq, tmp_path / "lasher"))
    for name in ("visible.txt", "infrared.txt"):
        rows = (folder / name).read_text().splitlines()
        rows[2] = "0,0,0,0"  # frame 3 absent
        (folder / name).write_text("x,y,w,h\n" + "\n".join(rows) + "\n")
    first_row = [float(v) for v in (folder / "visible.txt").read_text().splitlines()[1].split(",")]
    opened = open_sequence(folder)
    truth = opened.ground_truth()
    assert len(truth) == 4
    np.testing.assert_allclose(truth[0].box, first_row)
    assert truth[2].absent
    path, line, what, malformed = missing_box_reason(folder, "lasher", 2)
    assert path.name == "visible.txt" and line == 4 and "absent" in what and not malformed


def test_errors_of_row_readers_name_the_line_below_a_header(tmp_path):
    """Callers that name a row's line from its index (the metrics' GTOT reader, the check of two
    layouts' ground truth in one folder) counted from line 1, one line short below a header."""
    from core.annotations.formats.groundtruth import refuse_mixed_layouts
    from core.metrics.readers import read_gtot_corners

    corners = tmp_path / "groundTruth_v.txt"
    corners.write_text("x1 y1 x2 y2\n10 20 40 60\n40 20 10 60\n")
    with pytest.raises(AnnotationFormatError, match="x2") as info:
        read_gtot_corners(corners)
    assert info.value.line == 3
    folder = tmp_path / "seq"
    folder.mkdir()
    (folder / "visible.txt").write_text("1,2,3,4\n5,6,7,8\n")
    (folder / "groundtruth.txt").write_text("x,y,w,h\n1,2,3,4\n5,6,9,8\n")
    with pytest.raises(AnnotationFormatError, match="holds other boxes") as info:
        refuse_mixed_layouts(folder)
    assert info.value.line == 3 and info.value.path.name == "groundtruth.txt"
