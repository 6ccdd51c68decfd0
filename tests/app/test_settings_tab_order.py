"""Tab in File > Settings goes through the fields in the order they are shown, each weights path
then its Browse... button (a regression guard: the Open pair dialog puts its pickers last on
purpose, see ``app/dialogs/open_pair.py``; Settings has one path per row and no such need)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_tab_goes_through_settings_in_visual_order(window, qtbot):
    from app.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings.models, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    dialog.tracker.setFocus()
    visited = []
    for _ in range(18):
        visited.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    expected = [dialog.tracker, dialog.peer_modality, dialog.streams,
                dialog.student.edit, dialog.student.button, dialog.teacher.edit, dialog.teacher.button,
                dialog.engine, dialog.device, dialog.online_filter, dialog.pair_correlation, dialog.pair_shape,
                dialog.pixel_match, dialog.distractor_memory, dialog.hold_when_lost, dialog.allow_random]
    assert visited[:len(expected)] == expected
    # then OK and Cancel
    assert [w.text() for w in visited[len(expected):len(expected) + 2]] == ["OK", "Cancel"]
    # the rows as shown, top to bottom
    tops = [w.mapTo(dialog, w.rect().topLeft()).y() for w in expected]
    assert tops == sorted(tops)
