"""Edits, undo and accept on a store that cannot be written (read-only project, disk full)."""
from __future__ import annotations


def test_accept_on_a_read_only_project_says_it_was_refused_not_accepted(window, tmp_path):
    """A project another window holds, opened read-only: A said "accepted the teacher's box on
    frame 3; Ctrl+Z undoes it" (and Shift+A "accepted 1 teacher box") right over the refusal,
    though nothing was written."""
    from app.project import OpenRequest
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)
    path = tmp_path / "held.rgbt.sqlite"
    other = AnnotationStore.open(path)  # the other window: holds the writer lock
    try:
        other.put([FrameAnnotation(f, seq.boxes[f], provenance="student", confidence=0.3) for f in range(6)])
        other.put_proposals("t", [(2, seq.boxes[2] + 1.0, 0.8)])
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_request(OpenRequest("object", store=str(path), sequence=seq))
        assert window.document.read_only
        window.goto(2)
        window.actions["accept"].trigger()
        assert "refused" in window.statusBar().currentMessage()
        assert "accepted" not in window.statusBar().currentMessage()
        window.actions["range"].setChecked(True)
        window.actions["accept_range"].trigger()
        assert "refused" in window.statusBar().currentMessage()
        assert "accepted" not in window.statusBar().currentMessage()
        assert other.get(2).provenance == "student" and 2 in other.proposals()
    finally:
        other.close()


def test_an_edit_the_store_cannot_write_says_so_and_leaves_no_undo_step(window, pair_files, synthetic, tmp_path,
                                                                        monkeypatch):
    """Disk full (or the file system gone read-only) under a long session: a drawn box vanished
    without a word (a traceback on the terminal only) and left an undo step "box" that undid
    nothing. Now one dialog says the edit was not saved, and no undo step is left."""
    from core.annotations.store import StoreError

    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    window.open_pair(*pair_files, store=str(tmp_path / "full.rgbt.sqlite"))
    store = window.document.store
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    assert window.document.undo_stack.count() == 1
    written = store._write

    def full(*_args, **_kwargs):
        raise StoreError(store.path, "write failed (database or disk is full)")

    monkeypatch.setattr(store, "_write", full)
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    assert shown == [("The edit was not saved", f"{store.path}: write failed (database or disk is full)")]
    assert window.document.record(3) is None and not window.views.visible.box_item.isVisible()
    assert window.document.undo_stack.count() == 1
    window.actions["absent"].trigger()  # O: its memory of the box and its mark, one dialog
    assert len(shown) == 2 and window.document.record(3) is None
    # a proposal the user sees (in the cache only: the store is "full")
    window.document.proposals[3] = (synthetic.boxes[3] + 1.0, 0.8)
    window.statusBar().clearMessage()
    window.actions["accept"].trigger()  # A: the dialog, and no "accepted the teacher's box" after it
    assert len(shown) == 3 and "accepted" not in window.statusBar().currentMessage()
    window.actions["undo"].trigger()  # undoing the first box cannot be written either: said, box kept
    assert len(shown) == 4 and window.document.record(0) is not None
    monkeypatch.setattr(store, "_write", written)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    assert window.document.record(3) is not None


def test_an_undo_the_store_cannot_write_stays_to_undo(window, pair_files, synthetic, tmp_path, monkeypatch):
    """Disk full: Ctrl+Z on a drawn box said "The edit was not saved" and the box stayed, but the
    undo stack counted the step undone: once there was room again, Ctrl+Z did nothing (Edit >
    Undo greyed out) and the box could only be deleted by hand. A redo that cannot be written
    likewise stays to redo."""
    from core.annotations.store import StoreError

    shown = []
    window.error = lambda title, error, trace="": shown.append(title)
    window.open_pair(*pair_files, store=str(tmp_path / "undo.rgbt.sqlite"))
    store = window.document.store
    stack = window.document.undo_stack
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    written = store._write

    def full(*_args, **_kwargs):
        raise StoreError(store.path, "write failed (database or disk is full)")

    monkeypatch.setattr(store, "_write", full)
    window.actions["undo"].trigger()
    assert shown == ["The edit was not saved"] and window.document.record(0) is not None
    assert stack.index() == 1 and window.actions["undo"].isEnabled() and not window.actions["redo"].isEnabled()
    assert not window.statusBar().currentMessage().startswith("undone")
    monkeypatch.setattr(store, "_write", written)  # room again: Ctrl+Z undoes the box
    window.actions["undo"].trigger()
    assert window.document.record(0) is None and store.get(0) is None and stack.index() == 0
    monkeypatch.setattr(store, "_write", full)
    window.actions["redo"].trigger()
    assert len(shown) == 2 and window.document.record(0) is None and stack.index() == 0
    assert window.actions["redo"].isEnabled()
    monkeypatch.setattr(store, "_write", written)
    window.actions["redo"].trigger()
    assert window.document.record(0) is not None and store.get(0) is not None and stack.index() == 1


def test_a_read_only_project_says_so_once_the_editing_window_has_closed(window, tmp_path):
    """Opened read-only beside a window editing it; once that window closed, every edit still said
    "refused: ... (another window or program is editing it)", which no one was: the user waited for a
    window that was gone. It now says the other one closed it and how to edit it; reopened, it edits."""
    from app.project import OpenRequest
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)
    path = tmp_path / "held.rgbt.sqlite"
    other = AnnotationStore.open(path)
    window.ask_hook = lambda title, text, choices: "Open read-only"
    window.open_request(OpenRequest("object", store=str(path), sequence=seq))
    window.actions["absent"].trigger()
    assert "another window or program is editing it" in window.statusBar().currentMessage()
    other.put([FrameAnnotation(2, seq.boxes[2], provenance="manual", keyframe=True)])
    other.close()
    window.actions["absent"].trigger()
    message = window.statusBar().currentMessage()
    assert "is editing it" not in message and "has closed it since" in message, message
    window.open_request(OpenRequest("object", store=str(path), sequence=seq))
    assert not window.document.read_only and window.document.record(2) is not None
    window.actions["absent"].trigger()
    assert window.document.record(0).absent


def test_an_export_from_a_read_only_window_holds_what_the_editing_window_saved(window, pair_files, synthetic,
                                                                             tmp_path):
    """A second window opened read-only beside the one labelling: its export wrote the boxes the project
    held when that window opened, without the other window's work since (and, replacing the earlier export
    the labelling window had made, wrote over newer boxes with older ones). It now re-reads the project first."""
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore

    path = tmp_path / "shared.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.document.close()
    window.document = None
    other = AnnotationStore.open(path)  # the labelling window
    try:
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_pair(*pair_files, store=str(path))
        assert window.document.read_only
        other.put([FrameAnnotation(f, synthetic.boxes[f], provenance="manual", keyframe=True) for f in (1, 2)])
        target = tmp_path / "out-lasher"
        window.export("lasher", target)
        rows = (target / "visible.txt").read_text().split()
        assert rows[1] != "0,0,0,0" and rows[2] != "0,0,0,0", rows[:4]
        assert window.document.record(2) is not None  # and the views show them
    finally:
        other.close()
