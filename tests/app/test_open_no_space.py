"""The studio on a project whose disk has no room: it asks to open it read-only, and an edit there
says why it is read-only.

The open failed with "not a readable annotation database (disk I/O error)" and offered nothing;
opened read-only otherwise, an edit said "the window or program that was editing it has closed it
since: open it again to edit it", which failed the same way.
"""
from __future__ import annotations

import shutil
from collections import namedtuple

import numpy as np
import pytest

from app.project import OpenRequest, ProjectReadOnly, open_job
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from tests.core.annotations.test_store_no_space import no_room, project

pytest.importorskip("resource")


def test_a_full_disk_asks_to_open_read_only_and_edits_say_why(tmp_path, pair_files, monkeypatch):
    from app.document import Document

    path = project(tmp_path)
    request = OpenRequest("pair", tuple(str(p) for p in pair_files), store=str(path))
    with no_room():
        with pytest.raises(ProjectReadOnly, match="no space left on its disk.*open it read-only"):
            run_to_end(open_job(request))
        opened = run_to_end(open_job(OpenRequest("pair", request.paths, store=str(path), read_only=True)))
    document = Document(opened.sequence, opened.store)
    try:
        assert sorted(document.records) == [3]
        said = []
        document.refused.connect(said.append)
        usage = namedtuple("usage", "total used free")
        monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(2 << 20, 2 << 20, 0))
        assert document.refuse_if_read_only()
        assert said == ["edits refused: walk.rgbt.sqlite is open read-only (no space left on its disk): free some "
                        "space there, then open it again (File > Open recent) to edit it"]
        assert isinstance(document.record(3), FrameAnnotation) and np.allclose(document.record(3).box, [1, 2, 3, 4])
    finally:
        document.close()


def test_a_new_project_on_a_full_disk_is_not_offered_read_only(tmp_path, pair_files):
    """Nothing to look at: it asked "Open it read-only?", then said "annotation database not found"."""
    from core.annotations.store import StoreNoSpace

    request = OpenRequest("pair", tuple(str(p) for p in pair_files), store=str(tmp_path / "new.rgbt.sqlite"))
    with no_room(), pytest.raises(StoreNoSpace, match="cannot be created: no space left") as caught:
        run_to_end(open_job(request))
    assert not isinstance(caught.value, ProjectReadOnly)
