"""MOTChallenge ground truth marks boxes its evaluation ignores with 0 as the 7th value (the
"consider" flag: a static person, a reflection, a person on a poster). The box import read
them as boxes of the object: ignored boxes became checked labels, and an object of only ignored
rows was offered to choose. They are skipped now, and the import's notes say how many and why."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import SeveralObjectsError, read_box_file
from core.errors import AnnotationFormatError


def _file(tmp_path, lines: list[str]):
    path = tmp_path / "gt.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("tail", [",0,1,1.0", ",0,-1,-1,-1", ",0"])  # MOT16/17 (9), MOT15 (10), 7 values
def test_rows_flagged_to_ignore_are_skipped_and_said(tmp_path, tail):
    keep = tail.replace(",0", ",1", 1)
    path = _file(tmp_path, [f"1,1,10,20,30,40{keep}", f"2,1,11,20,30,40{tail}", f"3,1,12,20,30,40{keep}",
                            f"4,1,13,20,30,40{tail}"])
    found = read_box_file(path, 10)
    assert sorted(found.records) == [0, 2]
    np.testing.assert_array_equal(found.records[2].box, [12, 20, 30, 40])
    assert found.notes == ("2 rows skipped: 0 as the 7th value, MOTChallenge's flag for a box to ignore",)


def test_an_object_of_only_ignored_rows_is_not_offered(tmp_path):
    path = _file(tmp_path, ["1,1,10,20,30,40,1,1,1", "1,5,50,20,30,40,0,7,1", "2,5,51,20,30,40,0,7,1",
                            "2,1,11,20,30,40,1,1,1"])
    found = read_box_file(path, 10)  # one object left: no question
    assert sorted(found.records) == [0, 1] and found.records[1].box[0] == 11
    assert found.notes == ()  # the other object's ignored rows are none of this object's


def test_ignored_rows_of_the_chosen_object_are_counted(tmp_path):
    path = _file(tmp_path, ["1,1,10,20,30,40,1,1,1", "2,1,11,20,30,40,0,1,1", "1,2,50,20,30,40,1,1,1",
                            "2,2,51,20,30,40,0,1,1", "3,2,52,20,30,40,0,1,1"])
    with pytest.raises(SeveralObjectsError) as info:
        read_box_file(path, 10)
    assert info.value.ids == [1, 2]
    found = read_box_file(path, 10, object_id=2)
    assert sorted(found.records) == [0]
    assert found.notes == ("2 rows skipped: 0 as the 7th value, MOTChallenge's flag for a box to ignore",)


def test_a_file_of_only_ignored_rows_is_one_error(tmp_path):
    path = _file(tmp_path, ["1,1,10,20,30,40,0,1,1", "2,1,11,20,30,40,0,1,1"])
    with pytest.raises(AnnotationFormatError, match=r"gt.txt: holds no box to import: all 2 rows have 0 as their 7th"):
        read_box_file(path, 10)


def test_confidences_and_minus_one_are_kept(tmp_path):
    """A tracker's MOT results carry a score (or -1) there: only an exact 0 is the ignore flag."""
    path = _file(tmp_path, ["1,1,10,20,30,40,-1,-1,-1,-1", "2,1,11,20,30,40,0.25,-1,-1,-1"])
    found = read_box_file(path, 10)
    assert sorted(found.records) == [0, 1] and found.notes == ()


def test_mot_detections_without_identities_are_named(tmp_path):
    """MOTChallenge's det.txt writes -1 as every row's object id: several boxes a frame, of no
    one object. The import said only "frame 1 has a second row"."""
    path = _file(tmp_path, ["1,-1,10,20,30,40,0.9,-1,-1,-1", "1,-1,50,20,30,40,0.8,-1,-1,-1"])
    with pytest.raises(AnnotationFormatError, match=r"line 2: frame 1 has a second row .*object id is -1 \(MOT "
                                                    r"detections"):
        read_box_file(path, 10)
