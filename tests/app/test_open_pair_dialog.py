"""The Open pair dialog: paths typed with ~, mistyped paths, the frame offset."""
from __future__ import annotations


def test_open_pair_paths_typed_with_a_tilde_name_the_home_folder(qtbot, tmp_path, monkeypatch):
    from app.dialogs.open_pair import OpenPairDialog

    monkeypatch.setenv("HOME", str(tmp_path))
    dialog = OpenPairDialog(None, "~/v.mp4", " ~/t.mp4 ")
    qtbot.addWidget(dialog)
    assert dialog.values()[:2] == (str(tmp_path / "v.mp4"), str(tmp_path / "t.mp4"))
    assert dialog.visible.start_folder() == str(tmp_path / "v.mp4")


def test_open_pair_with_a_mistyped_path_stays_open_with_both_paths(qtbot, pair_files, tmp_path):
    """A typo in one of the two paths: Open closed the dialog, an error dialog followed, and both
    paths had to be typed or picked again. The dialog now says which path does not exist and
    stays open with both fields as typed."""
    from PySide6.QtWidgets import QDialog

    from app.dialogs.open_pair import OpenPairDialog

    visible, thermal = (str(p) for p in pair_files)
    typo = thermal.replace("thermal", "thermla")
    dialog = OpenPairDialog(visible=visible, thermal=typo)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.text().startswith(f"The thermal source {typo} does not exist")
    assert dialog.values()[:2] == (visible, typo)
    dialog.thermal.edit.setText(thermal)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_open_pair_dialog_keeps_the_projects_offset_unless_one_is_set(window, pair_files, tmp_path, monkeypatch):
    import app.window_dialogs
    from app.dialogs.open_pair import OpenPairDialog

    store = str(tmp_path / "offset.rgbt.sqlite")
    window.open_pair(*pair_files, frame_offset=2, store=store)
    full = len(window.document.sequence)
    dialog = OpenPairDialog(window, str(pair_files[0]), str(pair_files[1]))
    assert dialog.values()[2] is None and dialog.offset.text() == "the project's (0 for a new project)"
    dialog.offset.setValue(0)
    assert dialog.values()[2] == 0  # an explicit 0 is a choice, not "keep"
    opened = []
    monkeypatch.setattr(app.window_dialogs, "OpenPairDialog", lambda *a, **k: type(
        "Accepted", (), {"exec": lambda self: True, "values": lambda self: (*map(str, pair_files), None)})())
    monkeypatch.setattr(window, "open_pair", lambda *a, **k: opened.append(a) or type(window).open_pair(
        window, *a, store=store, **k))
    window.ask_open_pair()  # File > Open pair on the same two files, the offset left at its default
    assert opened and opened[-1][2] is None
    assert window.document.sequence.frame_offset == 2 and len(window.document.sequence) == full


def test_tab_goes_from_the_visible_path_to_the_thermal_path(qtbot, pair_files):
    """Keyboard only: Ctrl+O, the visible path typed, Tab, the thermal path typed: Tab had gone to
    the visible row's File... button, so the thermal path went nowhere and Enter pressed File...
    Tab now goes path, path, offset, Open; the pickers' buttons come last."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from app.dialogs.open_pair import OpenPairDialog

    dialog = OpenPairDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.visible.edit.setFocus()
    visible, thermal = (str(p) for p in pair_files)
    qtbot.keyClicks(dialog.visible.edit, visible)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.thermal.edit
    qtbot.keyClicks(QApplication.focusWidget(), thermal)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.offset
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open)
    assert dialog.values()[:2] == (visible, thermal)


def test_the_file_picker_offers_every_video_the_studio_opens():
    """The File... filter listed five extensions: a .webm, .ts or .mpg the sequences open, or a thermal
    camera's multi-page TIFF, was hidden unless the user switched to 'All files'."""
    from app.dialogs.open_pair import VIDEO_FILTER
    from core.sequences.sources import VIDEO_EXTENSIONS

    videos = VIDEO_FILTER.split(";;")[0]
    assert all(f"*{ext}" in videos.split("(")[1].rstrip(")").split() for ext in VIDEO_EXTENSIONS)
    assert "*.tiff" in VIDEO_FILTER and VIDEO_FILTER.endswith("All files (*)")


def test_the_file_picker_lists_a_multi_page_tiff_without_switching_filters(qtbot, tmp_path):
    """Multi-page TIFFs open as a stream, but the picker started on 'Videos', which left a thermal
    camera's recording.tiff out of the listing until the user switched to another filter."""
    from PySide6.QtWidgets import QFileDialog

    from app.dialogs.open_pair import VIDEO_FILTER

    dialog = QFileDialog(None, "Open one video", str(tmp_path), VIDEO_FILTER)
    qtbot.addWidget(dialog)
    shown = dialog.selectedNameFilter()
    assert "*.tif " in shown and "*.tiff" in shown and "*.mp4" in shown and "*.webm" in shown
