"""Ctrl+Z / Ctrl+Shift+Z with nothing to undo or redo (a project just (re)opened): the keys said
nothing, because the disabled Undo / Redo actions take no shortcut, and the user could not tell
a key that did nothing from one that was not pressed. The status bar now says there is nothing
to undo (and that the history starts when the project opens) or nothing to redo; with a step to
undo, the key undoes it as before."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.app.conftest import rebind_keys

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _opened(window, pair_files, tmp_path, qtbot):
    from PySide6.QtWidgets import QApplication

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.statusBar().clearMessage()


def test_undo_and_redo_keys_with_nothing_to_do_say_so(window, pair_files, tmp_path, qtbot):
    _opened(window, pair_files, tmp_path, qtbot)
    assert not window.actions["undo"].isEnabled()  # the toolbar still shows there is nothing
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    message = window.statusBar().currentMessage()
    assert message.startswith("nothing to undo"), message
    assert "opened" in message
    window.statusBar().clearMessage()
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.statusBar().currentMessage().startswith("nothing to redo")


def test_undo_key_with_a_step_still_undoes_it(window, pair_files, synthetic, tmp_path, qtbot):
    _opened(window, pair_files, tmp_path, qtbot)
    window.goto(0)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    assert window.document.record(0) is not None
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert window.document.record(0) is None
    assert window.statusBar().currentMessage().startswith("undone")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # now nothing is left
    assert window.statusBar().currentMessage().startswith("nothing to undo")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.document.record(0) is not None
    assert window.statusBar().currentMessage().startswith("redone")


def test_nothing_to_undo_follows_a_rebound_undo_key(window, pair_files, tmp_path, qtbot, monkeypatch):
    rebind_keys(monkeypatch, window, {"undo": "Ctrl+U"})
    _opened(window, pair_files, tmp_path, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_U, CTRL)
    assert window.statusBar().currentMessage().startswith("nothing to undo")
    window.statusBar().clearMessage()
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # the old key is no longer undo's
    assert not window.statusBar().currentMessage().startswith("nothing to undo")
