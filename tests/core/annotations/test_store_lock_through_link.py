"""A project opened through a symbolic link has the one writer lock of the file it names.

The lock file was named after the path opened: ``b/link.rgbt.sqlite`` -> ``a/walk.rgbt.sqlite``
took ``b/.link.rgbt.sqlite.lock`` while another studio held ``a/.walk.rgbt.sqlite.lock``, so the
same project had two editors, each with its own view and undo history over the other's work.
"""
from __future__ import annotations

import os
import sys

import pytest

from core.annotations.store import AnnotationStore, StoreLockedError, lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")


def test_a_link_to_an_open_project_is_refused_the_lock(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    real = tmp_path / "a" / "walk.rgbt.sqlite"
    link = tmp_path / "b" / "link.rgbt.sqlite"
    with AnnotationStore.open(real):
        os.symlink(real, link)
        assert lock_path(link) == lock_path(real)
        with pytest.raises(StoreLockedError):
            AnnotationStore.open(link)
        with AnnotationStore.open(link, read_only=True) as reader:  # looking at it is fine
            assert reader.count() == 0
    with AnnotationStore.open(link) as store:  # closed there: the link's opener edits it
        assert store.count() == 0
    assert not (tmp_path / "b" / ".link.rgbt.sqlite.lock").exists()
