"""An undo step keeps the records it replaced as columns, not as record objects.

Each step of a long session (a 40,000-box import, a tracking run) kept the records its frames
held before as ``FrameAnnotation`` objects for as long as the studio ran: ~400 bytes a frame,
15 MiB more per 40,000-frame step, without bound. It keeps them as numpy columns now (~90 bytes
a frame) and makes them again, equal, when undone.
"""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.history import COLUMNS_FROM, DeleteRecords, History, SetRecords, merge_set_records
from core.annotations.record_columns import RecordColumns
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore

KINDS = [
    lambda f: FrameAnnotation(f, (1.0 + f, 2.0, 3.0, 4.0), provenance=Provenance.MANUAL, keyframe=f % 3 == 0),
    lambda f: FrameAnnotation(f, (1.5, 2.0, 3.0, 4.0), thermal_box=(2.0, 2.5, 3.0, 4.0), occluded=True,
                              provenance=Provenance.STUDENT, confidence=0.125),
    lambda f: FrameAnnotation(f, None, absent=True, provenance=Provenance.IMPORTED),
    lambda f: FrameAnnotation(f, (0.5, 0.5, 1.0, 1.0), provenance=Provenance.TEACHER, confidence=1.0),
    lambda f: FrameAnnotation(f, (9.0, 8.0, 7.0, 6.0), provenance=Provenance.INTERPOLATED),
    lambda f: None,  # the frame held no record
]


def _mixed(frames) -> dict[int, FrameAnnotation | None]:
    return {f: KINDS[f % len(KINDS)](f) for f in frames}


def test_columns_give_back_the_same_records():
    records = _mixed([9, 2, 40, 3, 0, 5, 11])
    columns = RecordColumns(records)
    assert columns == records and dict(columns.items()) == records
    assert list(columns) == sorted(records) and len(columns) == len(records)
    assert columns[40] == records[40] and columns.get(5) is None and columns.get(6, "none") == "none"
    assert 2 in columns and 6 not in columns
    with pytest.raises(KeyError):
        columns[6]
    for _frame, record in columns.items():
        if record is not None and record.box is not None:
            assert not record.box.flags.writeable and record.box.dtype == np.float64
            assert type(record.frame) is int and type(record.keyframe) is bool


def test_a_large_step_keeps_its_earlier_records_as_columns_and_undoes_exactly(tmp_path):
    n = 3 * COLUMNS_FROM
    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
        store.put([r for r in _mixed(range(n)).values() if r is not None])
        before = store.records()
        history = History(store)
        new = [FrameAnnotation(f, (20.0, 20.0, 5.0, 5.0), provenance=Provenance.IMPORTED) for f in range(10, n + 10)]
        history.execute(SetRecords(new, label="import"))
        step = history._undo[-1]
        assert isinstance(step._previous, RecordColumns)
        assert step._previous.nbytes < 100 * n  # ~400 bytes a frame as records
        history.execute(DeleteRecords(list(range(n + 10)), label="delete"))
        assert isinstance(history._undo[-1]._previous, RecordColumns)
        assert store.records() == {}
        history.undo()
        history.undo()
        assert store.records() == before


def test_a_merged_run_keeps_its_earlier_records_as_columns(tmp_path):
    n = 2 * COLUMNS_FROM
    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
        store.put([r for r in _mixed(range(n)).values() if r is not None])
        before = store.records()
        steps = []
        for f in range(n):  # a tracking run, written frame by frame
            step = SetRecords([FrameAnnotation(f, (3.0, 3.0, 3.0, 3.0), provenance=Provenance.STUDENT,
                                               confidence=0.5)])
            step.apply(store)
            steps.append(step)
        merged = merge_set_records(steps, "track")
        assert isinstance(merged._previous, RecordColumns)
        merged.revert(store)
        assert store.records() == before
