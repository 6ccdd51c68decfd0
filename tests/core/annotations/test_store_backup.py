"""AnnotationStore.backup_to: a copy of the open store, written atomically (the studio copied
it through the store's private connection to put a deleted project back)."""
from __future__ import annotations

import sqlite3

import pytest

from core.annotations.records import FrameAnnotation
from core.annotations.store import AnnotationStore, StoreError


def _store(path):
    store = AnnotationStore.open(path)
    store.put([FrameAnnotation(0, [1.0, 2.0, 30.0, 40.0]), FrameAnnotation(5, [3.0, 4.0, 30.0, 40.0])])
    store.set_meta("sequence", "car")
    store.put_tracker_outputs("student", "run-1", [(1, [5.0, 6.0, 30.0, 40.0], 0.9)])
    return store


def test_backup_holds_every_commit_and_leaves_nothing_beside_it(tmp_path):
    """What is committed (still in the write-ahead log, not yet in the main file) is in the copy;
    the folder holds the copy alone: no temporary, no journal."""
    out = tmp_path / "copies"
    out.mkdir()
    with _store(tmp_path / "a.rgbt.sqlite") as store:
        assert store.backup_to(out / "copy.rgbt.sqlite") == out / "copy.rgbt.sqlite"
        expected = store.records()
    assert [p.name for p in out.iterdir()] == ["copy.rgbt.sqlite"]
    with AnnotationStore.open(out / "copy.rgbt.sqlite", read_only=True) as copy:
        assert sorted(copy.records()) == sorted(expected) == [0, 5]
        assert copy.get_meta("sequence") == "car"
        assert sorted(copy.tracker_outputs("student")) == [1]


def test_backup_replaces_an_existing_file_and_works_read_only(tmp_path):
    with _store(tmp_path / "a.rgbt.sqlite"):
        pass
    target = tmp_path / "b.rgbt.sqlite"
    target.write_bytes(b"an older copy")
    with AnnotationStore.open(tmp_path / "a.rgbt.sqlite", read_only=True) as store:
        store.backup_to(target)
    with AnnotationStore.open(target, read_only=True) as copy:
        assert sorted(copy.records()) == [0, 5]


def test_a_failed_backup_keeps_the_target_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "copy.rgbt.sqlite"
    target.write_bytes(b"the earlier copy")

    class Broken:
        def backup(self, copy):
            raise sqlite3.OperationalError("disk I/O error")

    with _store(tmp_path / "a.rgbt.sqlite") as store:
        before = sorted(p.name for p in tmp_path.iterdir())
        monkeypatch.setattr(store, "_connection", lambda *a, **k: Broken())
        with pytest.raises(StoreError, match="disk I/O error") as error:
            store.backup_to(target)
        assert error.value.path == store.path and str(target) in error.value.problem
        assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert target.read_bytes() == b"the earlier copy"


def test_backup_onto_the_store_itself_is_refused(tmp_path):
    with _store(tmp_path / "a.rgbt.sqlite") as store:
        with pytest.raises(StoreError, match="the store's own file"):
            store.backup_to(tmp_path / "." / "a.rgbt.sqlite")
        assert sorted(store.records()) == [0, 5]


def test_a_closed_store_is_not_backed_up(tmp_path):
    store = _store(tmp_path / "a.rgbt.sqlite")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.backup_to(tmp_path / "copy.rgbt.sqlite")
    assert not (tmp_path / "copy.rgbt.sqlite").exists()
