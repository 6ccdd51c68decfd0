"""Reading many rows back from a project: checked as whole arrays, not record by record.

``AnnotationStore.records`` built every row through ``FrameAnnotation.__post_init__``: re-reading
the 40,000 frames of a box import (or its undo, or opening the project) cost about 1 s of
checks of values the store itself had written. The rows are now checked at once; a row that
is not a valid record (a database changed outside the studio) is still named.
"""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreError


def _records() -> list[FrameAnnotation]:
    return [
        FrameAnnotation(0, (1.0, 2.0, 3.0, 4.0), provenance=Provenance.MANUAL, keyframe=True),
        FrameAnnotation(1, (1.5, 2.0, 3.0, 4.0), thermal_box=(2.0, 2.0, 3.0, 4.0), occluded=True,
                        provenance=Provenance.STUDENT, confidence=0.25),
        FrameAnnotation(2, None, absent=True, provenance=Provenance.IMPORTED),
        FrameAnnotation(7, (0.5, 0.5, 1.0, 1.0), provenance=Provenance.TEACHER, confidence=1.0),
    ]


def test_rows_read_back_are_the_records_written_without_checking_each_record(tmp_path, monkeypatch):
    written = _records()
    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
        store.put(written)
        checked = []
        original = FrameAnnotation.__post_init__

        def counting(self):
            checked.append(self.frame)
            original(self)

        monkeypatch.setattr(FrameAnnotation, "__post_init__", counting)
        read = store.records()
        span = store.records(1, 3)
    assert checked == []  # 1 s of 40,000 rows before
    assert list(read) == [0, 1, 2, 7] and list(read.values()) == written
    assert list(span.values()) == written[1:3]
    for record in read.values():
        for box in (record.box, record.thermal_box):
            assert box is None or (box.dtype == np.float64 and box.shape == (4,) and not box.flags.writeable)
    assert type(read[1].confidence) is float and read[0].confidence is None
    assert read[0].keyframe is True and read[1].occluded is True and read[2].absent is True


def test_tracker_outputs_read_back_are_read_only_boxes(tmp_path):
    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
        store.put_tracker_outputs("teacher", "r", [(3, (1.0, 2.0, 3.0, 4.0), 0.5), (4, None, None)])
        outputs = store.tracker_outputs("teacher")
    assert list(outputs) == [3, 4]
    box, confidence = outputs[3]
    assert box.tolist() == [1.0, 2.0, 3.0, 4.0] and not box.flags.writeable and confidence == 0.5
    assert outputs[4] == (None, None)


# an annotation row changed outside the studio: SQL setting it, and what the error names
INVALID_ROWS = [
    ("UPDATE annotations SET w = 0 WHERE frame = 1", "frame 1"),
    ("UPDATE annotations SET h = -2 WHERE frame = 1", "frame 1"),
    ("UPDATE annotations SET y = NULL WHERE frame = 1", "frame 1"),
    ("UPDATE annotations SET x = 'left' WHERE frame = 1", "frame 1"),
    ("UPDATE annotations SET tw = 0 WHERE frame = 1", "frame 1"),
    ("UPDATE annotations SET x = 1, y = 1, w = 1, h = 1 WHERE frame = 2", "frame 2"),  # absent with a box
    ("UPDATE annotations SET absent = 1 WHERE frame = 7", "frame 7"),  # absent, its box kept
    ("UPDATE annotations SET x = NULL, y = NULL, w = NULL, h = NULL WHERE frame = 7", "frame 7"),  # present, no box
    ("UPDATE annotations SET provenance = 'robot' WHERE frame = 0", "frame 0"),
    ("UPDATE annotations SET confidence = 'high' WHERE frame = 7", "frame 7"),
    ("UPDATE annotations SET frame = -3 WHERE frame = 0", "frame -3"),
]


@pytest.mark.parametrize("sql, names", INVALID_ROWS)
def test_an_invalid_row_is_named(tmp_path, sql, names):
    path = tmp_path / "p.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        store.put(_records())
    with sqlite3.connect(path) as connection:
        connection.execute(sql)
    connection.close()
    with AnnotationStore.open(path) as store, pytest.raises(StoreError) as caught:
        store.records()
    assert names in str(caught.value) and "changed outside rgbt-studio" in str(caught.value)
