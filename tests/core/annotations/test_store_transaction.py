"""An undo step is all written or not at all (``AnnotationStore.transaction``).

A step of several writes (a group; a revert that puts some records back and deletes others) was
one transaction per write: when a later write failed (a full disk), the first ones stayed, so
"the edit was not saved" while half of it was, and a studio killed between them kept a
half-undone step. A failure is simulated by a command (or a store method) that raises
StoreError as a full disk does, after the first writes went through.
"""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.history import Command, CommandGroup, SetRecords
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreError


def _record(frame: int, x: float = 10.0) -> FrameAnnotation:
    return FrameAnnotation(frame=frame, box=np.array([x, 10.0, 20.0, 20.0]), provenance=Provenance.MANUAL)


class DiskFull(Command):
    label = "fails"

    def apply(self, store):
        raise StoreError(store.path, "write failed (database or disk is full)")

    def revert(self, store):
        raise StoreError(store.path, "write failed (database or disk is full)")


@pytest.fixture
def store(tmp_path):
    with AnnotationStore.open(tmp_path / "walk.rgbt.sqlite") as opened:
        yield opened


def _boxes(store) -> dict[int, float]:
    return {frame: float(record.box[0]) for frame, record in store.records().items()}


def test_a_group_that_fails_midway_writes_nothing(store):
    store.put([_record(1)])
    group = CommandGroup([SetRecords([_record(1, 50.0), _record(2, 50.0)]), DiskFull()], label="box")
    with pytest.raises(StoreError):
        group.apply(store)
    assert _boxes(store) == {1: 10.0}


def test_its_undo_that_fails_midway_reverts_nothing(store):
    store.put([_record(1)])
    edit = SetRecords([_record(1, 50.0), _record(2, 50.0)])
    group = CommandGroup([DiskFull(), edit], label="box")
    edit.apply(store)
    with pytest.raises(StoreError):
        group.revert(store)  # reverts ``edit`` first, then fails
    assert _boxes(store) == {1: 50.0, 2: 50.0}


def test_a_revert_whose_delete_fails_puts_nothing_back(store, monkeypatch):
    """SetRecords' revert puts the frames' records back, then deletes those that had none."""
    store.put([_record(1)])
    edit = SetRecords([_record(1, 50.0), _record(2, 50.0)])
    edit.apply(store)

    def full(_frames):
        raise StoreError(store.path, "write failed (database or disk is full)")

    monkeypatch.setattr(store, "delete", full)
    with pytest.raises(StoreError):
        edit.revert(store)
    assert _boxes(store) == {1: 50.0, 2: 50.0}
    monkeypatch.undo()
    edit.revert(store)  # room again: the undo goes through whole
    assert _boxes(store) == {1: 10.0}


def test_nested_blocks_commit_once_and_reads_see_the_block_s_writes(store):
    with store.transaction():
        store.put([_record(1)])
        with store.transaction():
            store.put([_record(2)])
            assert sorted(store.records()) == [1, 2]
    assert sorted(store.records()) == [1, 2]
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.delete([1])
            raise RuntimeError("a bug midway")
    assert sorted(store.records()) == [1, 2]
    store.put([_record(3)])  # writes go on after a rolled-back block
    assert sorted(store.records()) == [1, 2, 3]


def test_a_read_only_store_refuses_a_block(tmp_path, store):
    store.put([_record(1)])
    with AnnotationStore.open(store.path, read_only=True) as reader:
        with pytest.raises(StoreError, match="read-only"):
            with reader.transaction():
                pass
