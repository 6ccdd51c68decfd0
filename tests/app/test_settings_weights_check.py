"""Settings > OK loads changed weights on a worker thread, not the window's.

The check of 297a76f loaded them on the GUI thread: 1-4 s with the studio frozen on a loaded
machine, no sign of what it did, Cancel unreachable. Now OK returns at once with a busy bar and
cursor, OK disabled until the answer; Cancel stops the check and keeps the dialog open.
"""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

import core.tracking.factory as factory
from app.settings import ModelSettings


@pytest.fixture
def slow_load(monkeypatch):
    """weights_problem blocks until ``release`` is set (at most 20 s), then answers ``answer[0]``."""
    release, answer, calls = threading.Event(), [None], []

    def load(model, path, engine):
        calls.append(threading.current_thread() is threading.main_thread())
        release.wait(20)
        return answer[0]

    monkeypatch.setattr(factory, "weights_problem", load)
    yield release, answer, calls
    release.set()


def _dialog(qtbot, tmp_path):
    from app.dialogs.settings_dialog import SettingsDialog

    chosen = tmp_path / "student.pt"
    chosen.write_bytes(b"PK\x03\x04" + bytes(60))
    dialog = SettingsDialog(ModelSettings(), synchronous=False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.student.edit.setText(str(chosen))
    return dialog


def test_ok_loads_off_the_gui_thread_and_shows_it_is_busy(qtbot, tmp_path, slow_load):
    release, _answer, calls = slow_load
    dialog = _dialog(qtbot, tmp_path)
    dialog.accept()  # returns while the load still waits
    qtbot.waitUntil(lambda: bool(calls), timeout=10000)
    assert calls == [False], "the weights were loaded on the GUI thread"
    assert dialog.isVisible() and dialog.check.busy and not dialog.ok_button.isEnabled()
    assert dialog.checking_bar.isVisible() and "student's weights" in dialog.checking.text()
    assert dialog.cursor().shape() == Qt.CursorShape.BusyCursor
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.values().student_weights.endswith("student.pt")


def test_cancel_stops_the_check_and_keeps_the_dialog(qtbot, tmp_path, slow_load):
    release, answer, calls = slow_load
    answer[0] = "it would have been refused"
    dialog = _dialog(qtbot, tmp_path)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(calls), timeout=10000)
    dialog.reject()
    assert dialog.isVisible() and not dialog.check.busy and dialog.ok_button.isEnabled()
    assert not dialog.checking_bar.isVisible() and "Check stopped" in dialog.checking.text()
    assert dialog.cursor().shape() != Qt.CursorShape.BusyCursor
    release.set()
    qtbot.wait(300)  # the dropped load's answer, were it kept, would arrive here
    assert dialog.isVisible() and dialog.problem_label().isHidden()
    dialog.reject()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_a_refusal_from_the_worker_keeps_the_dialog_with_the_reason(qtbot, tmp_path, slow_load):
    release, answer, _calls = slow_load
    answer[0] = "broken file"
    release.set()
    dialog = _dialog(qtbot, tmp_path)
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.check.busy, timeout=10000)
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.problem_label().text().startswith("Student weights do not load: broken file")


def test_a_field_edited_while_its_weights_load_is_checked_again(qtbot, tmp_path, slow_load):
    """The fields stay editable during the load: a path typed meanwhile was kept on the answer for
    the path before, unchecked."""
    release, _answer, calls = slow_load
    dialog = _dialog(qtbot, tmp_path)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(calls), timeout=10000)
    other = tmp_path / "other.pt"
    other.write_bytes(b"PK\x03\x04" + bytes(60))
    dialog.student.edit.setText(str(other))
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert len(calls) == 2 and dialog.values().student_weights == str(other)
