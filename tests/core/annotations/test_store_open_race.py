"""Two openers of the same new store: the one refused the writer lock removes nothing.

A second studio opening the same new footage at the same moment looked for the store before
taking the lock (none yet), was refused the lock, and then removed the store "it had created":
the first studio's, made in between, which went on writing into a file no folder listed. The
interleaving is replayed in one process: the first opener makes its store while the second
one waits for the lock.
"""
from __future__ import annotations

import numpy as np
import pytest

import core.annotations.store_connection as store_connection
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreLockedError


def test_an_opener_refused_the_lock_leaves_the_holder_s_new_store(tmp_path, monkeypatch):
    path = tmp_path / "walk.rgbt.sqlite"
    first: list[AnnotationStore] = []
    acquire = store_connection.WriterLock.acquire

    def second_comes_in_between(lock, store_path):
        if not first:  # the second opener, about to take the lock: the first one opens (and creates) now
            monkeypatch.setattr(store_connection.WriterLock, "acquire", acquire)
            first.append(AnnotationStore.open(path))
            first[0].put([FrameAnnotation(frame=1, box=np.ones(4), provenance=Provenance.MANUAL)])
        return acquire(lock, store_path)

    monkeypatch.setattr(store_connection.WriterLock, "acquire", second_comes_in_between)
    with pytest.raises(StoreLockedError):
        AnnotationStore.open(path)
    try:
        assert path.exists() and (tmp_path / "walk.rgbt.sqlite-wal").exists()
        first[0].put([FrameAnnotation(frame=2, box=np.ones(4), provenance=Provenance.MANUAL)])
    finally:
        first[0].close()
    with AnnotationStore.open(path, read_only=True) as store:
        assert sorted(store.records()) == [1, 2]
