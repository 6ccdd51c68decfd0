"""Undo steps below the newest keep the records they write as columns (``RecordRows``).

Each 40,000-frame import or tracking run kept its written records as ``FrameAnnotation``
objects for the whole session (~12.5 MiB a step); once they are no longer the records on
screen, ``compact_records`` keeps them as columns, and undo / redo write the same rows.
"""
from __future__ import annotations

import pytest

from core.annotations.history import COLUMNS_FROM, CommandGroup, SetRecords, compact_records
from core.annotations.record_columns import RecordRows
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def _records(count: int, shift: float = 0.0, start: int = 0) -> list[FrameAnnotation]:
    out = []
    for f in range(start, start + count):
        if f % 7 == 3:
            out.append(FrameAnnotation(f, None, absent=True, provenance=Provenance.MANUAL))
        else:
            out.append(FrameAnnotation(f, (1.5 + f, 2.0 + shift, 30.25, 40.0), provenance=Provenance.STUDENT,
                                       confidence=None if f % 5 == 0 else 0.5 + f / 10_000, keyframe=f % 11 == 0))
    return out


def test_record_rows_read_back_what_was_given():
    records = _records(300)
    rows = RecordRows(reversed(records))  # kept in frame order whatever the order given
    assert len(rows) == 300
    assert rows == records and list(rows) == records
    assert rows[0] == records[0] and rows[-1] == records[-1] and rows[150] == records[150]
    assert rows[10:13] == records[10:13]
    with pytest.raises(IndexError):
        rows[300]
    assert rows != records[:-1]
    assert rows.frames == list(range(300))
    assert rows.nbytes < 120 * len(rows)


def test_compact_keeps_steps_no_longer_on_screen(tmp_path):
    store = AnnotationStore.open(tmp_path / "c.rgbt.sqlite")
    first = SetRecords(_records(COLUMNS_FROM + 10), label="import")
    first.apply(store)
    shown = {r.frame: r for r in first.records}
    assert compact_records(first, shown) == 0  # still the records on screen
    second = SetRecords(_records(COLUMNS_FROM + 10, shift=5.0), label="track")
    second.apply(store)
    shown.update({r.frame: r for r in second.records})
    small = SetRecords(_records(5, start=1000), label="box")
    group = CommandGroup([first, small], label="both")
    assert compact_records(group, shown) == 1
    assert isinstance(first.records, RecordRows) and type(small.records) is list
    assert compact_records(first, shown) == 0  # once
    assert first.records == _records(COLUMNS_FROM + 10)

    # undo the newest, undo the compacted one, redo both: the store as it was each time
    second.revert(store)
    assert store.records() == {r.frame: r for r in _records(COLUMNS_FROM + 10)}
    first.revert(store)
    assert store.records() == {}
    first.apply(store)
    assert store.records() == {r.frame: r for r in _records(COLUMNS_FROM + 10)}
    second.apply(store)
    assert store.records() == {r.frame: r for r in _records(COLUMNS_FROM + 10, shift=5.0)}
    assert first.frames == list(range(COLUMNS_FROM + 10))
    store.close()


def test_compact_skips_small_and_repeated_frames():
    small = SetRecords(_records(COLUMNS_FROM - 1))
    assert compact_records(small, {}) == 0
    repeated = SetRecords(_records(COLUMNS_FROM) + _records(1))
    assert compact_records(repeated, {}) == 0 and type(repeated.records) is list


def test_the_slack_says_how_far_a_step_is_from_its_compaction():
    """``compaction_slack`` is the rule ``compact_records`` applies and the studio's
    ``StepCompaction`` waits on (a step is judged again only once its slack is spent): the
    records shown less half its records; inf where nothing can be compacted. The studio's copy
    of the rule counted a step of repeated frames as compactable, so it judged it again and again."""
    import math

    from core.annotations.history import compaction_slack

    step = SetRecords(_records(COLUMNS_FROM + 10))
    shown = {r.frame: r for r in step.records}
    assert compaction_slack(step, shown) == (COLUMNS_FROM + 10) / 2
    for r in step.records[:(COLUMNS_FROM + 10) // 2 + 1]:
        shown[r.frame] = FrameAnnotation(r.frame, None, absent=True)  # another record shown there
    assert compaction_slack(step, shown) < 0 and compact_records(step, shown) == 1
    assert compaction_slack(step, shown) == math.inf  # columns now
    repeated = SetRecords(_records(COLUMNS_FROM) + _records(1))
    assert compaction_slack(repeated, {}) == math.inf
    other = SetRecords(_records(COLUMNS_FROM, start=5000))
    assert compaction_slack(CommandGroup([SetRecords(_records(3)), other]), {}) == -COLUMNS_FROM / 2
    assert compaction_slack(SetRecords(_records(COLUMNS_FROM - 1)), {}) == math.inf
