"""F1's list of keys and Edit > Keyboard shortcuts... (the editor) were both titled "Keyboard shortcuts",
and the list said nowhere how its keys are changed (a keyboard-only sweep under Xvfb, 0117_1605: Help >
Keyboard shortcuts and Edit > Keyboard shortcuts... side by side in the menus, one title for two dialogs)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel


def test_the_list_names_the_editor_and_the_two_dialogs_have_their_own_titles(qtbot):
    from app.dialogs.help_dialog import HelpDialog
    from app.dialogs.shortcuts_dialog import ShortcutsDialog

    listed = HelpDialog()
    qtbot.addWidget(listed)
    editor = ShortcutsDialog({})
    qtbot.addWidget(editor)
    assert listed.windowTitle() != editor.windowTitle()
    assert editor.windowTitle() == "Change keyboard shortcuts"
    assert any("Edit > Keyboard shortcuts... changes the keys" in label.text() for label in listed.findChildren(QLabel))
