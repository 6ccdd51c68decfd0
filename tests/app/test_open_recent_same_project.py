"""File > Open recent on the project this window holds keeps it open, with its undo history.

It closed the project and opened it again, which dropped the undo history without a word: the
edits made since it was opened could no longer be undone. Now the status bar says it is
already open and nothing is reopened; another project, or this one open read-only (reopened to
edit it once it can be), opens as before.
"""
from __future__ import annotations

from app.menus import fill_recent_menu


def _recent_action(window, name: str):
    fill_recent_menu(window)
    return next(a for a in window.recent_menu.actions() if name in a.text())


def test_open_recent_on_the_open_project_keeps_its_undo_history(window, pair_files, synthetic, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    qtbot.wait(20)
    document = window.document
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    assert document.undo_stack.count() == 1
    _recent_action(window, pair_files[0].name).trigger()
    qtbot.wait(20)
    assert window.document is document and not document.closed
    assert document.undo_stack.count() == 1
    assert "already open" in window.statusBar().currentMessage()
    window.actions["undo"].trigger()
    assert window.document.record(3) is None


def test_open_recent_on_the_open_project_read_only_opens_it_again(window, pair_files, tmp_path, qtbot,
                                                                   monkeypatch):
    from app.document import Document

    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    qtbot.wait(20)
    document = window.document
    monkeypatch.setattr(Document, "read_only", property(lambda self: self is document))
    _recent_action(window, pair_files[0].name).trigger()
    qtbot.wait(20)
    assert window.document is not document and document.closed
