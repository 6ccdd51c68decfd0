"""Boxes from the user's own file onto the footage (``read_box_file``): one row per frame, or
frame-numbered rows (frame,x,y,w,h; MOT's frame,id,x,y,w,h,...), as checked labels or as
pre-labels a tracking run replaces."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from core.annotations.formats.box_import import SeveralObjectsError, read_box_file
from core.annotations.records import Provenance
from core.errors import AnnotationFormatError


def _file(tmp_path, text: str, name: str = "boxes.txt"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_one_row_per_frame_as_checked_labels(tmp_path):
    path = _file(tmp_path, "x,y,w,h\n10,20,30,40\n0,0,0,0\n1,1,5,1,5,4,1,4\n")
    found = read_box_file(path, frames=3)  # as many frames as rows: nothing to note
    assert found.kind == "one row per frame" and found.notes == ()
    assert sorted(found.records) == [0, 1, 2]
    assert found.records[0].box.tolist() == [10, 20, 30, 40]
    assert found.records[1].absent and found.records[1].provenance == Provenance.IMPORTED
    assert found.records[2].box.tolist() == [1, 1, 4, 3]  # a polygon's bounding box
    assert all(r.provenance == Provenance.IMPORTED for r in found.records.values())


def test_pre_labels_are_machine_boxes_without_absent_marks(tmp_path):
    """``track --out`` writes 0,0,0,0 before its start frame: pre-labels leave those frames empty."""
    path = _file(tmp_path, "0,0,0,0\n0,0,0,0\n10,20,30,40\n11,20,30,40\n")
    found = read_box_file(path, frames=4, checked=False)
    assert sorted(found.records) == [2, 3]
    assert all(r.provenance == Provenance.STUDENT and r.confidence is None for r in found.records.values())


def test_rows_past_the_footage_are_left_out_and_said(tmp_path):
    path = _file(tmp_path, "".join(f"{k},2,3,4\n" for k in range(1, 8)))
    found = read_box_file(path, frames=5)
    assert sorted(found.records) == [0, 1, 2, 3, 4]
    assert found.notes == ("2 rows past the footage's last frame (5) left out",)


def test_frame_numbered_rows_count_from_one_and_leave_gaps(tmp_path):
    path = _file(tmp_path, "frame,x,y,w,h\n1,10,20,30,40\n4,12,20,30,40\n5,0,0,0,0\n9,1,2,3,4\n")
    found = read_box_file(path, frames=6)
    assert found.kind == "frame-numbered rows"
    assert sorted(found.records) == [0, 3, 4]
    assert found.records[3].box.tolist() == [12, 20, 30, 40] and found.records[4].absent
    assert found.notes == ("1 row past the footage's last frame (6) left out",)


def test_frame_numbers_from_zero_are_said(tmp_path):
    path = _file(tmp_path, "0 10 20 30 40\n1 11 20 30 40\n")
    found = read_box_file(path, frames=3)
    assert sorted(found.records) == [0, 1] and found.records[1].box[0] == 11
    assert "frame numbers read from 0" in found.notes[0]


def test_frame_numbers_from_zero_hold_for_every_object_of_the_file(tmp_path):
    """Whether a file counts frames from 0 was decided on the chosen object's rows alone: in a file
    holding a frame 0, an object first seen on frame 3 was read from 1, each box one frame early,
    unsaid (h1)."""
    path = _file(tmp_path, "frame,id,x,y,w,h\n0,1,10,20,30,40\n1,1,11,20,30,40\n3,2,50,20,30,40\n4,2,51,20,30,40\n")
    first, second = (read_box_file(path, frames=10, object_id=k) for k in (1, 2))
    assert sorted(first.records) == [0, 1] and sorted(second.records) == [3, 4]
    assert second.records[3].box[0] == 50
    assert "frame numbers read from 0" in second.notes[0]


@pytest.mark.parametrize("rows", ["1,10,20,30,40\n1e20,11,20,30,40\n2e20,12,20,30,40\n",
                                  "1,10,20,30,40\n99999999999999999999,11,20,30,40\n"])
def test_a_frame_number_too_large_for_footage_is_named(tmp_path, rows):
    """1e20 and 2e20 both became frame -9223372036854775808 (int64 wrapped, with a RuntimeWarning):
    'frame -9223372036854775808 has a second row' (h1)."""
    path = _file(tmp_path, "frame,x,y,w,h\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AnnotationFormatError, match="line 3: frame number '(1e20|9+)' is too large"):
            read_box_file(path, frames=10)


def test_mot_rows_of_one_object(tmp_path):
    path = _file(tmp_path, "1,1,10,20,30,40,1,-1,-1,-1\n2,1,11,20,30,40,1,-1,-1,-1\n")
    found = read_box_file(path, frames=5)
    np.testing.assert_array_equal(found.records[1].box, [11, 20, 30, 40])


def test_mot_rows_of_several_objects_need_an_id(tmp_path):
    path = _file(tmp_path, "1,1,10,20,30,40,1\n1,7,50,20,30,40,1\n2,7,52,20,30,40,1\n")
    with pytest.raises(SeveralObjectsError) as info:
        read_box_file(path, frames=5)
    assert info.value.ids == [1, 7] and "boxes.txt" in str(info.value) and "ids 1, 7" in str(info.value)
    found = read_box_file(path, frames=5, object_id=7)
    assert sorted(found.records) == [0, 1] and found.records[1].box[0] == 52
    with pytest.raises(AnnotationFormatError, match="no object id 3"):
        read_box_file(path, frames=5, object_id=3)


@pytest.mark.parametrize(
    "text, problem, line",
    [
        ("", "no box row", None),
        ("1,2,3,4\n1,2,3,4,5\n", "rows of 4, 5 values", None),
        ("1.5,10,20,30,40\n", "not a whole number", 1),
        ("-1,10,20,30,40\n", "not a whole number", 1),
        ("1,10,20,30,40\n1,11,20,30,40\n", "frame 1 has a second row \\(the first on line 1\\)", 2),
        ("1,10,20,30,40\n2,a,20,30,40\n", "not a number", 2),
        ("1,10,20,30,40\n\n2,10,20,30,40\n", "blank line", 2),
        ("1,2,3\n", "rows of 3 values", None),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path, text, problem, line):
    path = _file(tmp_path, text)
    with pytest.raises(AnnotationFormatError, match=problem) as info:
        read_box_file(path, frames=10)
    assert info.value.line == line and "boxes.txt" in str(info.value)


def test_a_missing_file_is_one_error(tmp_path):
    with pytest.raises(AnnotationFormatError, match="not found"):
        read_box_file(tmp_path / "gone.txt", frames=3)


@pytest.mark.parametrize("name", ["groundTruth_v.txt", "groundTruth_i.txt"])
def test_gtot_corner_files_are_read_as_corners_and_said(tmp_path, name):
    """GTOT's groundTruth_v.txt / groundTruth_i.txt hold x1 y1 x2 y2 (the sequence loader reads
    them so); imported, they were read as x, y, w, h without a word: every box too wide and too
    tall by its own corner (181 135 215 173 became a 215x173 box reaching past a 384x288 frame)."""
    found = read_box_file(_file(tmp_path, "181 135 215 173\n182 136 216 174\n", name), 10)
    np.testing.assert_allclose(found.records[0].box, [181, 135, 34, 38])
    np.testing.assert_allclose(found.records[1].box, [182, 136, 34, 38])
    assert any("x1 y1 x2 y2" in note for note in found.notes), found.notes


def test_gtot_corner_file_with_swapped_corners_names_the_line(tmp_path):
    with pytest.raises(AnnotationFormatError, match="line 2"):
        read_box_file(_file(tmp_path, "181 135 215 173\n216 136 182 174\n", "groundTruth_v.txt"), 10)


@pytest.mark.parametrize("text, kind", [
    (",x,y,w,h\n0,10.0,20.0,30.0,40.0\n1,11.0,20.0,30.0,40.0\n", "one row per frame"),
    (",frame,x,y,w,h\n0,1,10.0,20.0,30.0,40.0\n1,2,11.0,20.0,30.0,40.0\n", "frame-numbered rows"),
])
def test_a_pandas_row_index_column_is_left_out_and_said(tmp_path, text, kind):
    """``DataFrame.to_csv(path)`` writes its row index as an unnamed first column (the header
    starts with a comma): the file was refused as "rows of 4, 5 values", and with a frame column
    it read the index as MOT's frame and the frame as its object id."""
    found = read_box_file(_file(tmp_path, text, "boxes.csv"), 10)
    assert found.kind == kind
    np.testing.assert_allclose(found.records[0].box, [10, 20, 30, 40])
    np.testing.assert_allclose(found.records[1].box, [11, 20, 30, 40])
    assert sorted(found.records) == [0, 1]
    assert any("row index" in note for note in found.notes), found.notes


def test_an_id_column_of_fractions_is_no_mot_file(tmp_path):
    """``frame,x,y,w,h,score`` (a tracker's results with a score: 6 values) was read as MOT's
    frame,id,x,y,w,h: its x values became object ids ("holds 2 objects (ids 10.5, 11.5)"), and
    choosing one in the studio ended in a traceback (``int('10.5')``)."""
    path = _file(tmp_path, "1,10.5,20,30,40,0.9\n2,11.5,20,30,40,0.8\n")
    with pytest.raises(AnnotationFormatError, match=r"line 1: .*'10\.5'.*not a whole number.*frame,id,x,y,w,h") as error:
        read_box_file(path, 10)
    assert not isinstance(error.value, SeveralObjectsError)


@pytest.mark.parametrize("text", [
    "x1,y1,x2,y2\n181,135,215,173\n0,0,0,0\n",
    "# xmin ymin xmax ymax\n181 135 215 173\n0 0 0 0\n",
    "frame,x1,y1,x2,y2\n1,181,135,215,173\n2,0,0,0,0\n",
])
def test_corners_named_by_the_header_are_read_as_corners_and_said(tmp_path, text):
    """A file whose header names corners (x1,y1,x2,y2; xmin,ymin,xmax,ymax) was read as x,y,w,h
    without a word: every box too wide and too tall by its own corner."""
    found = read_box_file(_file(tmp_path, text), 10)
    np.testing.assert_allclose(found.records[0].box, [181, 135, 34, 38])
    assert found.records[1].absent
    assert any("corners" in note and "header" in note for note in found.notes), found.notes


def test_corners_named_by_the_header_and_swapped_name_the_line(tmp_path):
    with pytest.raises(AnnotationFormatError, match="line 3"):
        read_box_file(_file(tmp_path, "x1,y1,x2,y2\n181,135,215,173\n215,135,181,173\n"), 10)


def test_a_studio_project_given_as_a_box_file_is_named_so(tmp_path):
    """A project (.rgbt.sqlite) given as a box file (the Import dialog's "All files", render
    --boxes) said "not UTF-8 text (byte 0xa0); save the file as UTF-8"."""
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite"):
        pass
    with pytest.raises(AnnotationFormatError, match="a studio project") as error:
        read_box_file(tmp_path / "p.rgbt.sqlite", 10)
    assert "UTF-8" not in str(error.value)


def test_absent_rows_opening_a_file_of_checked_labels_are_said(tmp_path):
    """``track --out`` writes 0,0,0,0 on the frames before the one it started on ("not tracked",
    as track itself says); imported as checked labels they became absent marks, which tracking
    never replaces and an export trains as "target absent", said only as "(19 absent)"."""
    path = _file(tmp_path, "0,0,0,0\n0,0,0,0\n10,20,30,40\n0,0,0,0\n11,20,30,40\n")
    found = read_box_file(path, 5)
    assert found.records[0].absent and found.records[1].absent
    assert any(note.startswith("frames 1-2 open the file as absent rows") for note in found.notes), found.notes
    # the same words when View > Compare with a box file... reads it, which makes no mark in the project: the note
    # said "now absent marks" there too (0117_1605 compared with its own LasHeR export)
    assert any("read as the target absent" in note for note in found.notes), found.notes
    assert not any("absent marks" in note for note in found.notes), found.notes
    assert read_box_file(path, 5, checked=False).notes == ()  # pre-labels leave them out


def test_a_file_of_fewer_rows_than_frames_is_said(tmp_path):
    """113 rows (another video's boxes) onto 560 frames were imported without a word."""
    path = _file(tmp_path, "10,20,30,40\n11,20,30,40\n")
    assert read_box_file(path, 5, checked=False).notes == (
        "the file's 2 rows end before the footage's 5 frames: frames 3-5 get no box from it",)
    assert read_box_file(path, 3).notes == ("the file's 2 rows end before the footage's 3 frames: frame 3 gets no box "
                                            "from it",)
