"""Ctrl+S, pressed by reflex in every editor (LabelMe saves with it), did nothing, without a word:
a user could not tell whether the work was saved. It says that every edit is saved as it is made,
and where; a key bound to Ctrl+S in Edit > Keyboard shortcuts... stays that action's."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.app.conftest import rebind_keys

CTRL = Qt.KeyboardModifier.ControlModifier


def _active(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.statusBar().clearMessage()


def test_ctrl_s_says_the_edits_are_saved_and_where(window, pair_files, tmp_path, qtbot):
    _active(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    assert window.statusBar().currentMessage().startswith("nothing to save: no project is open")
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    _active(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    message = window.statusBar().currentMessage()
    assert message.startswith("nothing to save: every edit is saved as it is made"), message
    assert str(tmp_path / "s.rgbt.sqlite") in message and "Ctrl+E" in message


def test_ctrl_s_bound_to_an_action_runs_that_action(window, pair_files, tmp_path, qtbot, monkeypatch):
    rebind_keys(monkeypatch, window, {"next_frame": "Ctrl+S"})
    window.show_shortcuts()
    window.open_pair(*pair_files, store=str(tmp_path / "b.rgbt.sqlite"))
    _active(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    assert window.frame == 1
    assert not window.statusBar().currentMessage().startswith("nothing to save")
