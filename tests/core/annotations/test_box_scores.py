"""The scores file ``track --scores`` writes beside its ``--out`` boxes gives imported
pre-labels their confidences (before, Ctrl+I left it unread, so N flagged no pre-label)."""
from __future__ import annotations

import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.box_scores import read_scores, scores_beside, with_scores
from core.commands.track_setup import format_boxes, format_scores
from core.errors import AnnotationFormatError


def _track_files(folder, scores_name="scores.txt"):
    """What ``track --out boxes.txt --scores scores.txt`` writes for a run started on frame 2."""
    results = [(1, (10.0, 20.0, 30.0, 40.0), 0.9), (2, (11.0, 20.0, 30.0, 40.0), 0.2)]
    (folder / "boxes.txt").write_text(format_boxes(results))
    (folder / scores_name).write_text(format_scores(results))
    return folder / "boxes.txt"


@pytest.mark.parametrize("name", ["scores.txt", "boxes_scores.txt", "boxes-scores.txt", "boxes.scores.txt"])
def test_pre_labels_carry_the_scores_beside_them(tmp_path, name):
    boxes = _track_files(tmp_path, name)
    assert scores_beside(boxes) == tmp_path / name
    found = read_box_file(boxes, 3, checked=False)
    scored = with_scores(found, read_scores(tmp_path / name, found.rows), tmp_path / name)
    assert sorted(scored.records) == [1, 2]
    assert scored.records[1].confidence == pytest.approx(0.9) and scored.records[2].confidence == pytest.approx(0.2)
    assert scored.notes[-1] == f"confidences of 2 frames from {name} (track --scores)"


def test_scores_of_another_count_are_refused(tmp_path):
    boxes = _track_files(tmp_path)
    (tmp_path / "scores.txt").write_text("0.5\n")
    with pytest.raises(AnnotationFormatError, match="holds 1 scores for 3 box rows: not their scores"):
        read_scores(tmp_path / "scores.txt", read_box_file(boxes, 3, checked=False).rows)


def test_two_candidates_or_none_is_no_scores_file(tmp_path):
    boxes = _track_files(tmp_path)
    (tmp_path / "boxes_scores.txt").write_text("nan\n0.9\n0.2\n")
    assert scores_beside(boxes) is None  # which one is not known
    (tmp_path / "scores.txt").unlink()
    (tmp_path / "boxes_scores.txt").unlink()
    assert scores_beside(boxes) is None


def test_a_line_that_is_not_a_number_is_named(tmp_path):
    (tmp_path / "scores.txt").write_text("nan\nhigh\n")
    with pytest.raises(AnnotationFormatError, match=r"line 2: not one number in 'high'"):
        read_scores(tmp_path / "scores.txt", 2)
