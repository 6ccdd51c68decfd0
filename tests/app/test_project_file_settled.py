"""The project's own file holds the work while the studio has it open (and once it is killed).

SQLite keeps commits in ``<project>-wal`` until the log reaches 1000 pages or the last
connection closes: after a session's boxes and a tracking run the project file was 4096 bytes,
without even its tables, and a copy of it (a backup, one sent to a colleague), or the file once
the "leftover" ``-wal`` of a killed studio was deleted, opened as "not a readable annotation
database (no such table: annotations)". The window's file check (``Document.keep_file``, every
``FILE_CHECK_MS``) now copies the commits into the file.
"""
from __future__ import annotations

import shutil

import numpy as np

from core.annotations.history import SetRecords
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def _copy_of_the_file_alone(path, tmp_path):
    """What a copy of the project file alone holds (its ``-wal`` left behind): frame -> record."""
    copy = tmp_path / "copy" / path.name
    copy.parent.mkdir()
    shutil.copy(path, copy)
    with AnnotationStore.open(copy, read_only=True) as store:
        return store.records()


def test_the_file_check_copies_the_commits_into_the_project_file(qtbot, tmp_path, synthetic):
    from app.document import Document

    path = tmp_path / "walk.rgbt.sqlite"
    store = AnnotationStore.open(path)
    document = Document(synthetic, store)
    try:
        box = np.array([10.0, 12.0, 20.0, 18.0])
        assert document.execute(SetRecords([FrameAnnotation(frame=f, box=box + f, provenance=Provenance.MANUAL)
                                            for f in (0, 3)], label="box"))
        document.keep_file()  # what the window's timer calls
        records = _copy_of_the_file_alone(path, tmp_path)
        assert sorted(records) == [0, 3]
        assert np.allclose(records[3].box, box + 3)
    finally:
        document.close()


def test_nothing_is_copied_while_a_job_writes_through_the_store(qtbot, tmp_path, synthetic):
    """A tracking run writes through the store on its worker's connection: left to its end."""
    from app.document import Document

    path = tmp_path / "walk.rgbt.sqlite"
    store = AnnotationStore.open(path)
    document = Document(synthetic, store)
    try:
        settled = []
        store.settle = lambda: settled.append(True)
        document.store_in_use = lambda: True
        document.keep_file()
        assert settled == []
        document.store_in_use = lambda: False
        document.keep_file()
        assert settled == [True]
    finally:
        del store.settle
        document.close()
