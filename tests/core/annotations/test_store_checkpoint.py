"""AnnotationStore.checkpoint: the write-ahead log emptied into the main file while the store stays
open (the studio ran the PRAGMA through the store's private connection before following a moved
project or copying a replaced one)."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from core.annotations.records import FrameAnnotation
from core.annotations.store import AnnotationStore, StoreError


def _store(path):
    store = AnnotationStore.open(path)
    store.put([FrameAnnotation(0, [1.0, 2.0, 30.0, 40.0]), FrameAnnotation(5, [3.0, 4.0, 30.0, 40.0])])
    store.set_meta("sequence", "car")
    return store


def test_checkpoint_puts_every_commit_in_the_main_file(tmp_path):
    """After it the main file alone (copied without its -wal) holds every commit; the log is empty
    and the store goes on writing."""
    path = tmp_path / "a.rgbt.sqlite"
    with _store(path) as store:
        wal = tmp_path / "a.rgbt.sqlite-wal"
        assert wal.stat().st_size > 0
        assert store.checkpoint() is True
        assert wal.stat().st_size == 0
        shutil.copyfile(path, tmp_path / "alone.rgbt.sqlite")
        store.put([FrameAnnotation(7, [3.0, 4.0, 30.0, 40.0])])
        assert sorted(store.records()) == [0, 5, 7]
    with AnnotationStore.open(tmp_path / "alone.rgbt.sqlite", read_only=True) as copy:
        assert sorted(copy.records()) == [0, 5] and copy.get_meta("sequence") == "car"


def test_checkpoint_says_when_a_reader_kept_part_of_the_log(tmp_path, monkeypatch):
    class Busy:
        def execute(self, sql):
            assert sql == "PRAGMA wal_checkpoint(TRUNCATE)"
            return sqlite3.connect(":memory:").execute("SELECT 1, 4, 2")

    with _store(tmp_path / "a.rgbt.sqlite") as store:
        monkeypatch.setattr(store, "_connection", lambda *a, **k: Busy())
        assert store.checkpoint() is False


def test_checkpoint_failures_are_store_errors_naming_the_store(tmp_path, monkeypatch):
    class Broken:
        def execute(self, sql):
            raise sqlite3.OperationalError("disk I/O error")

    path = tmp_path / "a.rgbt.sqlite"
    with _store(path) as store:
        with monkeypatch.context() as patch:
            patch.setattr(store, "_connection", lambda *a, **k: Broken())
            with pytest.raises(StoreError, match="disk I/O error") as error:
                store.checkpoint()
        assert error.value.path == store.path
        with AnnotationStore.open(path, read_only=True) as reader:
            with pytest.raises(StoreError, match="read-only"):
                reader.checkpoint()
    with pytest.raises(StoreError, match="closed"):
        store.checkpoint()
