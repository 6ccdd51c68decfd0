"""Keys on a long job's progress dialog: a stray Enter must not cancel the job; the Cancel
button (a click, or Space on it) still does."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QPushButton

from app.dialogs.progress import JobProgressDialog


def _dialog(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    dialog = JobProgressDialog("Exporting...", "Export", 10, window, minimum_duration=0)
    cancelled = []
    dialog.canceled.connect(lambda: cancelled.append(True))
    dialog.setValue(1)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, cancelled


def test_enter_on_a_progress_dialog_does_not_cancel_the_job(qtbot):
    dialog, cancelled = _dialog(qtbot)
    (button,) = dialog.findChildren(QPushButton)
    button.setFocus()
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(button, key)
        qtbot.keyClick(dialog, key)
    assert cancelled == [] and not dialog.wasCanceled()
    dialog.finish()


def test_the_cancel_button_still_cancels_by_mouse_and_by_space(qtbot):
    dialog, cancelled = _dialog(qtbot)
    (button,) = dialog.findChildren(QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert cancelled == [True]
    dialog.finish()
    dialog, cancelled = _dialog(qtbot)
    (button,) = dialog.findChildren(QPushButton)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert cancelled == [True]
    dialog.finish()
