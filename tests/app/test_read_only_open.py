"""A store held for editing by another program: the studio offers to open it read-only."""
from __future__ import annotations

import pytest


@pytest.fixture
def held_store(tmp_path):
    from core.annotations.store import AnnotationStore

    path = tmp_path / "held.rgbt.sqlite"
    store = AnnotationStore.open(path)  # the "other program": holds the writer lock
    yield path
    store.close()


def _sequence():
    from core.synthetic import SyntheticConfig, SyntheticSequence

    return SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)


def test_locked_store_opens_read_only_when_the_user_agrees(window, held_store):
    from app.project import OpenRequest

    asked = []
    window.ask_hook = lambda title, text, choices: asked.append(text) or "Open read-only"
    window.open_request(OpenRequest("object", store=str(held_store), sequence=_sequence()))
    assert asked and "open for editing by" in asked[0] and "read-only" in asked[0]
    assert window.document is not None and window.document.store.read_only
    assert "(read-only)" in window.windowTitle()


def test_locked_store_stays_closed_when_the_user_cancels(window, held_store):
    from app.project import OpenRequest

    window.ask_hook = lambda title, text, choices: "Cancel"
    window.open_request(OpenRequest("object", store=str(held_store), sequence=_sequence()))
    assert window.document is None


def test_an_edit_on_a_read_only_store_is_refused_and_nothing_is_written(window, held_store):
    from app.project import OpenRequest
    from core.annotations.store import AnnotationStore

    window.ask_hook = lambda title, text, choices: "Open read-only"
    seq = _sequence()
    window.open_request(OpenRequest("object", store=str(held_store), sequence=seq))
    window.views.box_drawn.emit("visible", seq.boxes[0])
    assert "open read-only" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.tracking.start_track(window.document, window.settings, 0)
    assert "tracking refused" in window.statusBar().currentMessage()
    reader = AnnotationStore.open(held_store, read_only=True)
    try:
        assert not reader.records()
    finally:
        reader.close()


def test_a_project_whose_file_is_read_only_asks_to_open_it_read_only(window, tmp_path):
    """A project file kept read-only (chmod a-w: delivered, archived): opening it said "Cannot open ...:
    write failed (attempt to write a readonly database)" and showed nothing (run as root, SQLite wrote
    into it regardless). It now asks, opens it read-only, and edits say why they are refused."""
    import os

    from app.project import OpenRequest
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)
    path = tmp_path / "kept.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(1, seq.boxes[1], provenance="manual", keyframe=True)])
    os.chmod(path, 0o444)
    before = path.read_bytes()
    asked = []
    window.ask_hook = lambda title, text, choices: asked.append((title, text)) or "Open read-only"
    window.open_request(OpenRequest("object", store=str(path), sequence=seq))
    assert asked and "its file is read-only" in asked[0][1]
    assert window.document is not None and window.document.read_only
    assert window.document.record(1) is not None
    window.actions["absent"].trigger()
    assert "refused" in window.statusBar().currentMessage()
    assert "(its file is read-only)" in window.statusBar().currentMessage()
    window.close()
    assert path.read_bytes() == before
