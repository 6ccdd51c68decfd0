"""An existing project whose folder was made read-only (a dataset folder locked after annotation).

SQLite keeps its working files (``-wal``, ``-shm``) and the studio its writer lock beside the
project: opened to edit, it failed with "cannot open (permission denied)" and offered nothing, and
the studio run as root wrote them into a folder whose mode lets no one write (a container). It
now asks to open it read-only (``ProjectReadOnly``), and edits there say why.
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from app.project import OpenRequest, ProjectReadOnly, open_job
from core.annotations.records import FrameAnnotation, Provenance
from core.progress import run_to_end


@pytest.fixture
def locked_folder(tmp_path, pair_files):
    """(request, folder): a pair with its project beside it, the folder then made read-only."""
    folder = tmp_path / "walk"
    folder.mkdir()
    paths = tuple(str(shutil.copy(path, folder / path.name)) for path in pair_files)
    opened = run_to_end(open_job(OpenRequest("pair", paths)))
    opened.store.put([FrameAnnotation(frame=2, box=np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL)])
    opened.store.close()
    opened.sequence.close()
    folder.chmod(0o555)
    yield OpenRequest("pair", paths), folder
    folder.chmod(0o755)


def test_it_asks_to_open_read_only_and_writes_nothing_there(locked_folder):
    request, folder = locked_folder
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(ProjectReadOnly, match="its folder .* is read-only"):
        run_to_end(open_job(request))
    assert sorted(p.name for p in folder.iterdir()) == before  # no lock, no journal left in it


def test_read_only_it_shows_the_boxes_and_edits_say_why(qtbot, locked_folder):
    from app.document import Document

    request, folder = locked_folder
    before = sorted(p.name for p in folder.iterdir())
    opened = run_to_end(open_job(OpenRequest("pair", request.paths, read_only=True)))
    document = Document(opened.sequence, opened.store)
    try:
        assert sorted(document.records) == [2]
        said = []
        document.refused.connect(said.append)
        assert document.refuse_if_read_only()
        assert said == [f"edits refused: {document.path.name} is open read-only (its folder is read-only)"]
    finally:
        document.close()
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written into it, also as root
