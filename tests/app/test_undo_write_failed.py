"""An undo or redo the store cannot write (disk full) says so, and only so.

The error dialog came up ("The edit was not saved: ... disk is full"), then the status bar said
"nothing to undo: the undo history starts when the project is opened", which was untrue: the
step is still there, to undo once the disk has room. ``Document.undo``/``redo`` return False
then, and the window says nothing more.
"""
from __future__ import annotations

from core.annotations.store import StoreError


def _full_disk(*_args, **_kwargs):
    raise StoreError("g.rgbt.sqlite", "write failed (database or disk is full)")


def test_an_undo_that_cannot_be_written_does_not_say_nothing_to_undo(window, pair_files, synthetic,
                                                                     tmp_path, qtbot, monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    qtbot.wait(20)
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    assert window.document.record(3) is not None
    store = window.document.store
    monkeypatch.setattr(store, "delete", _full_disk)
    monkeypatch.setattr(store, "put", _full_disk)
    window.actions["undo"].trigger()
    message = window.statusBar().currentMessage()
    assert window.document.record(3) is not None  # not undone: the store kept the box
    assert "nothing to undo" not in message, message
    assert "disk is full" in message, message
    monkeypatch.undo()
    window.actions["undo"].trigger()  # the step was kept: room again, it undoes
    assert window.document.record(3) is None
    store = window.document.store
    monkeypatch.setattr(store, "delete", _full_disk)
    monkeypatch.setattr(store, "put", _full_disk)
    window.actions["redo"].trigger()
    message = window.statusBar().currentMessage()
    assert window.document.record(3) is None
    assert "nothing to redo" not in message and "disk is full" in message, message
