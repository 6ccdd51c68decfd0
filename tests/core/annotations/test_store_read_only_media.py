"""A project on read-only media (a read-only mount, an archive, a DVD) opens read-only.

SQLite cannot create a WAL store's ``-shm`` index where no file can be created: a project
closed cleanly there failed to open even read-only ("not a readable annotation database
(unable to open database file)"), after the studio had offered "Open read-only". The
folder's refusal is simulated by a ``-shm`` name that cannot be created (a link into a
folder that does not exist): root may write into any folder a test can make read-only.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")


def _project(tmp_path):
    path = tmp_path / "walk.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(frame=3, box=np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL)])
        store.set_meta("sequence_name", "walk")
    assert not (tmp_path / "walk.rgbt.sqlite-wal").exists()  # closed cleanly: the main file holds it all
    os.symlink(tmp_path / "no" / "such" / "folder", tmp_path / "walk.rgbt.sqlite-shm")
    return path


def test_a_project_closed_cleanly_on_read_only_media_opens_read_only(tmp_path):
    path = _project(tmp_path)
    with AnnotationStore.open(path, read_only=True) as store:
        assert list(store.records()) == [3]
        assert np.allclose(store.get(3).box, [1.0, 2.0, 3.0, 4.0])
        assert store.get_meta("sequence_name") == "walk"
        with pytest.raises(StoreError, match="read-only"):
            store.put([FrameAnnotation(frame=4, box=np.ones(4), provenance=Provenance.MANUAL)])


def test_a_write_ahead_log_that_cannot_be_read_there_is_named(tmp_path):
    """A ``-wal`` beside it holds commits the main file lacks: never opened without them."""
    path = _project(tmp_path)
    (tmp_path / "walk.rgbt.sqlite-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(60))  # a log's header
    with pytest.raises(StoreError, match="walk.rgbt.sqlite-wal") as caught:
        AnnotationStore.open(path, read_only=True)
    assert "copy walk.rgbt.sqlite and walk.rgbt.sqlite-wal together" in str(caught.value)
