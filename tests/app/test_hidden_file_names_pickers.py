"""Open pair's File... / Folder... and File > Import boxes say the names Qt's file dialog cannot
show (not UTF-8, a Windows-1252 'café.mp4'), as Open one video... does (84559d0): they used the
plain pickers, which showed the folder without the file and no word why."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QTimer

from tests.app.test_hidden_file_names import _cancel_the_picker, folder  # noqa: F401  (a fixture)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="file names are bytes on POSIX only")


@pytest.mark.parametrize("button", ["file_button", "folder_button"])
def test_open_pair_pickers_say_what_they_could_not_show(qtbot, folder, button):  # noqa: F811
    from app.dialogs.open_pair import OpenPairDialog

    dialog = OpenPairDialog(start_folder=folder)
    qtbot.addWidget(dialog)
    QTimer.singleShot(50, _cancel_the_picker)
    getattr(dialog.thermal, button).click()
    label = dialog.problem_label()
    assert "café.mp4" in label.text() and "not UTF-8" in label.text() and not label.isHidden()
    assert dialog.thermal.edit.text() == ""  # cancelled: nothing chosen
    dialog.reject()


def test_import_boxes_picker_says_what_it_could_not_show(window, pair_files, folder):  # noqa: F811
    window.open_pair(*pair_files)
    assert window.document is not None
    window.settings.last_folder = folder
    QTimer.singleShot(50, _cancel_the_picker)
    window.imports.import_box_file()
    message = window.statusBar().currentMessage()
    assert "café.mp4" in message and "not UTF-8" in message, message


def test_the_note_on_one_name_says_it(tmp_path):
    """'holds 1 name that is not UTF-8 text ...; rename them to open them'."""
    from app.dialogs.file_names import hidden_names_note

    base = os.fsencode(tmp_path)
    with open(os.path.join(base, b"caf\xe9.mp4"), "wb") as f:
        f.write(b"x")
    note = hidden_names_note(str(tmp_path))
    assert "holds 1 name that is not UTF-8" in note and "rename it to open it" in note, note
    with open(os.path.join(base, b"th\xe9.mp4"), "wb") as f:
        f.write(b"x")
    assert "rename them to open them" in hidden_names_note(str(tmp_path))
