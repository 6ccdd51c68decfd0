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
