"""File names that are not UTF-8 (Windows-1252 'café.mp4' copied from a Windows disk): Qt's file
dialog leaves them out of its list altogether, so Open one video... and Open sequence folder...
showed a folder without the file and gave no word why. On closing the picker (chosen or
cancelled) the status bar names what it could not show and how to rename it."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.dialogs.file_names import hidden_names, hidden_names_note

pytestmark = pytest.mark.skipif(os.name == "nt", reason="file names are bytes on POSIX only")


@pytest.fixture
def folder(tmp_path):
    base = os.fsencode(tmp_path / "shared")
    os.makedirs(base)
    for name in (b"caf\xe9.mp4", b"plain.mp4"):
        with open(os.path.join(base, name), "wb") as f:
            f.write(b"x")
    os.makedirs(os.path.join(base, b"s\xe9quence"))
    return os.fsdecode(base)


def test_hidden_names_are_the_non_utf8_ones(folder, tmp_path):
    assert hidden_names(folder) == ["café.mp4", "séquence"]
    note = hidden_names_note(folder)
    assert "café.mp4" in note and "séquence" in note and "not UTF-8" in note and "convmv" in note
    assert "\n" not in note
    assert hidden_names(str(tmp_path / "missing")) == [] and hidden_names_note(str(tmp_path)) is None


def _cancel_the_picker():
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        dialog.reject()
    else:
        QTimer.singleShot(50, _cancel_the_picker)


@pytest.mark.parametrize("action", ["ask_open_video", "ask_open_sequence"])
def test_a_picker_closed_in_such_a_folder_says_what_it_could_not_show(window, folder, action):
    window.settings.last_folder = folder
    QTimer.singleShot(50, _cancel_the_picker)
    getattr(window, action)()
    message = window.statusBar().currentMessage()
    assert "café.mp4" in message and "not UTF-8" in message, message


def test_the_weights_picker_of_the_settings_says_it_too(window, folder):
    from app.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings.models, window)
    field = dialog.student
    field.edit.setText(folder)
    QTimer.singleShot(50, _cancel_the_picker)
    field.button.click()
    assert "café.mp4" in dialog.problem_label().text() and not dialog.problem_label().isHidden()
    dialog.reject()
