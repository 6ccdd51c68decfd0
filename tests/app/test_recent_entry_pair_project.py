"""File > Open recent entries written before 0c1d805 (2026-12-07): one video of a pair opened alone
took the pair's project (named after the same folder), and its entry names that file. Opened so
(the menu, or the studio's start with it as the last project), the pair's boxes showed on the one
stream and the project was re-linked to that video again. Now the video opens with a project of its
own and the status bar says why, in one line; the pair keeps its project and its boxes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.project import OpenRequest
from app.settings import Recent


@pytest.fixture
def pair_with_project(window, pair_files, synthetic, tmp_path):
    folder = tmp_path / "walk"
    folder.mkdir()
    visible = Path(shutil.copy(pair_files[0], folder / "visible.mp4"))
    thermal = Path(shutil.copy(pair_files[1], folder / "infrared.mp4"))
    window.open_pair(visible, thermal)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    return visible, thermal, Path(window.document.path)


def test_an_old_recent_entry_of_a_pair_s_video_opens_it_with_its_own_project(window, pair_with_project):
    from app.menus import open_recent

    visible, thermal, pair_project = pair_with_project
    old = Recent("sequence", (str(thermal),), 0, str(pair_project))  # as the studio wrote it before 0c1d805
    open_recent(window, old)
    lone = Path(window.document.path)
    assert lone != pair_project and lone.name == "walk-infrared.rgbt.sqlite"
    assert window.document.record(0) is None  # not the pair's box
    message = window.statusBar().currentMessage()
    assert "the Open recent entry named walk.rgbt.sqlite" in message and "re-linked" not in message, message
    assert window.settings.recent[0].store == str(lone)  # the entry now names the video's own project
    window.open_pair(visible, thermal)  # the pair's project was not re-linked: its box is there
    assert Path(window.document.path) == pair_project and "re-linked" not in window.statusBar().currentMessage()
    assert window.document.record(0) is not None and window.document.record(0).box is not None


def test_the_project_named_outright_for_a_pair_s_video_is_refused_not_re_linked(window, pair_with_project):
    _, thermal, pair_project = pair_with_project
    # --project naming the pair's file: refused as the project of other footage (it was re-linked to the video)
    window.open_request(OpenRequest("sequence", (str(thermal),), store=str(pair_project)))
    assert window.document is None or Path(window.document.path) == pair_project
    window.open_pair(*pair_with_project[:2])
    assert "re-linked" not in window.statusBar().currentMessage()
    assert window.document.record(0) is not None and window.document.record(0).box is not None


def test_the_pair_takes_back_its_project_that_the_old_studio_re_linked_to_one_video(window, pair_with_project):
    """Before 2026-12-07 the video opened alone re-linked the pair's project to itself: the project
    names that video. The pair, opened by its Open recent entry or a drop, takes it back with its boxes
    (not a new empty ``walk-pair`` project beside it), and the status bar says it was re-linked."""
    from app.menus import open_recent
    from core.annotations.store import AnnotationStore

    visible, thermal, pair_project = pair_with_project
    window.open_sequence(thermal)  # the window lets the pair's project go
    store = AnnotationStore.open(pair_project)
    store.set_meta("source_kind", "sequence")
    store.set_meta("sources", [str(thermal.resolve())])
    store.set_meta("streams", [str(thermal.resolve())])
    store.close()
    open_recent(window, Recent("pair", (str(visible), str(thermal)), 0, str(pair_project)))
    assert Path(window.document.path) == pair_project
    assert window.document.record(0) is not None and window.document.record(0).box is not None
    assert "re-linked to this footage" in window.statusBar().currentMessage()
    window.open_sequence(thermal)
    window.open_pair(visible, thermal)  # a drop: the same
    assert Path(window.document.path) == pair_project and window.document.record(0).box is not None
