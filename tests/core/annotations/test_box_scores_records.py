"""Confidences for long pre-label imports: each record is copied with its confidence, not rebuilt
and checked again through ``dataclasses.replace`` (0.67 s of 40,000 pre-labels). Counted."""
from __future__ import annotations

import numpy as np

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.box_scores import with_scores
from core.annotations.records import FrameAnnotation


def test_scored_pre_labels_are_copies_not_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "boxes.txt"
    path.write_text("0,0,0,0\n" + "".join(f"{10 + k},20,30,40\n" for k in range(1, 6)))
    found = read_box_file(path, 6, checked=False)
    checks = []
    post_init = FrameAnnotation.__post_init__
    monkeypatch.setattr(FrameAnnotation, "__post_init__", lambda self: checks.append(self) or post_init(self))
    scored = with_scores(found, np.array([np.nan, 0.9, np.nan, 0.5, 0.25, 1.0]), tmp_path / "scores.txt")
    assert checks == []  # before: one per record
    assert sorted(scored.records) == [1, 2, 3, 4, 5]
    assert [scored.records[f].confidence for f in range(1, 6)] == [0.9, None, 0.5, 0.25, 1.0]
    for frame in range(1, 6):
        record, before = scored.records[frame], found.records[frame]
        assert record is not before and before.confidence is None
        np.testing.assert_array_equal(record.box, before.box)
        assert (record.frame, record.provenance, record.absent, record.keyframe, record.thermal_box) == \
               (before.frame, before.provenance, before.absent, before.keyframe, before.thermal_box)
    assert scored.notes[-1] == "confidences of 4 frames from scores.txt (track --scores)"
