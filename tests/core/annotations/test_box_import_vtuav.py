"""VTUAV's ``rgb.txt`` / ``ir.txt`` given to the box import (Ctrl+I, ``render --boxes``): their
rows are one per 10 frames (from ``init_frame.npy``'s frame), and 8-value rows are a visible box
then a thermal box. The import read them as one row per frame (row 3 on frame 3, not frame 21)
and 8-value rows as polygons (the bounding box of two boxes' numbers), said only as "imported N
frames". The sequence loader reads them so; the import does now, and says it."""
from __future__ import annotations

import numpy as np

from core.annotations.formats.box_import import read_box_file


def test_sparse_rows_land_on_every_tenth_frame(tmp_path):
    path = tmp_path / "rgb.txt"
    path.write_text("10 20 30 40\n11 20 30 40\n0 0 0 0\n13 20 30 40\n")
    found = read_box_file(path, 35)
    assert sorted(found.records) == [0, 10, 20, 30]
    assert found.records[10].box.tolist() == [11, 20, 30, 40] and found.records[20].absent
    assert found.kind == "one row per 10 frames"
    assert any("one per 10 frames from frame 1" in note for note in found.notes), found.notes


def test_visible_and_thermal_boxes_on_one_row(tmp_path):
    path = tmp_path / "rgb.txt"
    path.write_text("10 20 30 40 12 22 30 40\n11 20 30 40 11 20 30 40\n")
    found = read_box_file(path, 20)
    assert sorted(found.records) == [0, 10]
    np.testing.assert_array_equal(found.records[0].box, [10, 20, 30, 40])
    np.testing.assert_array_equal(found.records[0].thermal_box, [12, 22, 30, 40])
    assert found.records[10].thermal_box is None  # the same box in both


def test_the_first_annotated_frame_comes_from_init_frame_npy(tmp_path):
    folder = tmp_path / "test_ST" / "bike_001"
    folder.mkdir(parents=True)
    np.save(tmp_path / "init_frame.npy", {"bike_001": 5}, allow_pickle=True)
    (folder / "rgb.txt").write_text("10 20 30 40\n11 20 30 40\n12 20 30 40\n")
    found = read_box_file(folder / "rgb.txt", 22)
    assert sorted(found.records) == [5, 15]  # frame 25 lies past the footage
    assert any("from frame 6" in note for note in found.notes), found.notes
    assert any("1 row past the footage's last frame (22) left out" in note for note in found.notes), found.notes


def test_a_row_per_frame_stays_a_row_per_frame(tmp_path):
    path = tmp_path / "rgb.txt"
    path.write_text("".join(f"{10 + k} 20 30 40\n" for k in range(12)))
    found = read_box_file(path, 12)
    assert sorted(found.records) == list(range(12)) and found.kind == "one row per frame"


def test_rows_of_one_box_and_of_two_mixed_are_refused_as_opening_the_folder_does(tmp_path):
    """An rgb.txt whose first row holds two boxes (visible, thermal) and the next one: the import read
    the 8 values as a polygon, box 10,20,20,20 (the bounding box of both boxes' numbers), without a
    word, where opening the folder refused the file; the refusal said '... the same on every row per
    row, got 4' (h1)."""
    import pytest

    from core.annotations.formats.groundtruth import load_ground_truth
    from core.errors import AnnotationFormatError

    path = tmp_path / "rgb.txt"
    path.write_text("10,20,30,40,11,21,30,40\n10,20,30,40\n")
    said = r"line 2: expected 8 values \(a visible box, then a thermal box\) per row, got 4$"
    with pytest.raises(AnnotationFormatError, match=said):
        read_box_file(path, 2)
    with pytest.raises(AnnotationFormatError, match=said):
        load_ground_truth(tmp_path, "vtuav")
