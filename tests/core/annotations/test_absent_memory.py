"""The box behind an absent mark, kept in the store's meta table."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.absent_memory import (
    META_KEY,
    boxes_behind_absent,
    forget_box_behind_absent,
    remember_box_behind_absent,
)
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def test_remembered_boxes_read_back_exactly_and_are_forgotten(tmp_path):
    path = tmp_path / "m.rgbt.sqlite"
    record = FrameAnnotation(7, np.array([1.5, 2.0, 30.0, 40.0]), thermal_box=np.array([3.0, 2.0, 30.0, 40.0]),
                             occluded=True, provenance=Provenance.STUDENT, confidence=0.42)
    keyframe = FrameAnnotation(9, np.array([5.0, 6.0, 7.0, 8.0]), keyframe=True)
    with AnnotationStore.open(path) as store:
        remember_box_behind_absent(store, record)
        remember_box_behind_absent(store, keyframe)
    with AnnotationStore.open(path) as store:
        assert boxes_behind_absent(store) == {7: record, 9: keyframe}
        forget_box_behind_absent(store, 7)
        forget_box_behind_absent(store, 100)  # nothing remembered: nothing happens
        assert boxes_behind_absent(store) == {9: keyframe}
        with pytest.raises(ValueError, match="only a present box"):
            remember_box_behind_absent(store, FrameAnnotation(3, None, absent=True))


def test_damaged_entries_are_skipped_not_an_error(tmp_path):
    with AnnotationStore.open(tmp_path / "d.rgbt.sqlite") as store:
        store.set_meta(META_KEY, {"x": {"box": [1, 2, 3, 4]}, "-1": {"box": [1, 2, 3, 4]}, "2": {"box": "oops"},
                                  "3": [1, 2], "4": {"box": [1, 2, 3, 4], "provenance": "alien"},
                                  "5": {"box": [1, 2, 3, 4]}})
        assert list(boxes_behind_absent(store)) == [5]
        store.set_meta(META_KEY, [1, 2, 3])
        assert boxes_behind_absent(store) == {}
        remember_box_behind_absent(store, FrameAnnotation(1, np.array([1.0, 1, 1, 1])))  # replaces the damage
        assert list(boxes_behind_absent(store)) == [1]
