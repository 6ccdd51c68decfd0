"""A project on a disk without room for SQLite's working files (full, a quota, a file-size limit).

Opening it, even read-only, failed with "not a readable annotation database (disk I/O error)",
as if it were damaged: SQLite could not grow its ``-shm`` index. Opening it to edit now says
that the disk has no room (``StoreNoSpace``), and read-only it opens from its main file. The
disk is made full for this process by a file-size limit (``RLIMIT_FSIZE``) below the index's
32 KiB; the limit is lifted again before anything else runs.
"""
from __future__ import annotations

import contextlib
import sys

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreError, StoreNoSpace

resource = pytest.importorskip("resource")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE")


@contextlib.contextmanager
def no_room(limit: int = 16384):
    """Files of this process cannot grow past ``limit`` bytes (Python ignores SIGXFSZ: EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def project(tmp_path):
    """A project closed cleanly (its main file holds everything), one box at frame 3."""
    path = tmp_path / "walk.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(frame=3, box=np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL)])
    return path


def test_opening_to_edit_says_the_disk_has_no_room(tmp_path):
    path = project(tmp_path)
    with no_room(), pytest.raises(StoreNoSpace) as caught:
        AnnotationStore.open(path)
    message = str(caught.value)
    assert "no space left on its disk" in message and "walk.rgbt.sqlite-shm" in message
    assert "not a readable annotation database" not in message
    assert isinstance(caught.value, StoreError)


def test_read_only_it_opens_from_its_main_file(tmp_path):
    path = project(tmp_path)
    with no_room():
        with AnnotationStore.open(path, read_only=True) as store:
            records = store.records()
    assert list(records) == [3] and np.allclose(records[3].box, [1.0, 2.0, 3.0, 4.0])
    with AnnotationStore.open(path) as store:  # room again: edited as before
        store.put([FrameAnnotation(frame=4, box=np.ones(4), provenance=Provenance.MANUAL)])
        assert sorted(store.records()) == [3, 4]


def test_a_new_project_there_says_it_cannot_be_created(tmp_path):
    path = tmp_path / "new.rgbt.sqlite"
    with no_room(), pytest.raises(StoreNoSpace, match="cannot be created: no space left on its disk"):
        AnnotationStore.open(path)
    assert not path.exists()
