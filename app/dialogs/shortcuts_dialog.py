"""Edit > Keyboard shortcuts...: rebind the window's keys (``app.actions.SHORTCUTS``).

One row per action: its menu text, an editor that records the next key combination (the
clear button removes the key), and the default key. OK refuses a key bound to two actions,
or to one and a key the window keeps for itself (``reserved``: File > Quit's Ctrl+Q, the
menus' Alt+letter; ``app.actions.reserved_keys``), and names them; "Restore defaults" puts every default back. ``values()`` returns only the
keys that differ from the defaults (name -> key text, "" = none), which is what the
settings store.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QKeySequenceEdit,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions import DEFAULT_KEYS, SHORTCUTS, effective_keys, key_conflicts
from app.window_geometry import resize_to_fit


class ShortcutsDialog(QDialog):
    def __init__(self, overrides: dict[str, str], parent=None, reserved: dict[str, str] | None = None):
        super().__init__(parent)
        self.reserved = dict(reserved or {})  # key text -> what holds it (not rebindable here)
        self.setWindowTitle("Change keyboard shortcuts")  # F1's list is "Keyboard shortcuts": one title for two dialogs
        keys = effective_keys(overrides)
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setHorizontalHeaderLabels(["Action", "Key (click, then press the keys)", "Default"])
        self.editors: dict[str, QKeySequenceEdit] = {}
        for row, (name, text, default, tip) in enumerate(SHORTCUTS):
            label = QTableWidgetItem(text)
            label.setToolTip(tip)
            table.setItem(row, 0, label)
            editor = QKeySequenceEdit(QKeySequence(keys[name]))
            editor.setMaximumSequenceLength(1)
            editor.setClearButtonEnabled(True)
            editor.setObjectName(f"key_{name}")
            table.setCellWidget(row, 1, editor)
            table.setItem(row, 2, QTableWidgetItem(default))
            self.editors[name] = editor
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().hide()
        # the action and default columns are read-only, and Tab goes from key to key: Tab out of a
        # key field went into the table, where the next key typed overwrote the "Default" cell
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        editors = list(self.editors.values())
        for first, second in zip(editors, editors[1:], strict=False):
            QWidget.setTabOrder(first, second)
        focus = QApplication.instance().focusChanged
        focus.connect(self._show_focused_row)
        self.finished.connect(lambda _result: focus.disconnect(self._show_focused_row))
        self.table = table
        restore = QPushButton("Restore defaults")
        restore.clicked.connect(self.restore_defaults)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(restore, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Keys apply at once and are remembered. A key can serve one action only."))
        layout.addWidget(table)
        layout.addWidget(buttons)
        # the first key field had the focus on opening and took Esc, pressed to leave, as its new key
        buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()
        resize_to_fit(self, 640, 720)  # a 720-high laptop screen had its OK and Cancel below the edge

    def _show_focused_row(self, _old, new) -> None:
        """Scroll the table to the key field Tab moved into (below the fold it was out of sight)."""
        for row, editor in enumerate(self.editors.values()):
            if new is not None and (new is editor or editor.isAncestorOf(new)):
                self.table.scrollToItem(self.table.item(row, 0))
                return

    def keys(self) -> dict[str, str]:
        """name -> key text as edited ("" = none)."""
        return {name: editor.keySequence().toString() for name, editor in self.editors.items()}

    def values(self) -> dict[str, str]:
        """The keys that differ from the defaults (what the settings keep)."""
        return {name: key for name, key in self.keys().items() if key != QKeySequence(DEFAULT_KEYS[name]).toString()}

    def restore_defaults(self) -> None:
        for name, editor in self.editors.items():
            editor.setKeySequence(QKeySequence(DEFAULT_KEYS[name]))

    def conflicts_text(self) -> str:
        """One line per key bound to several actions ("" when none)."""
        return "\n".join(f"{key}: {', '.join(names)}" for key, names in key_conflicts(self.keys(), self.reserved))

    def accept(self) -> None:
        clash = self.conflicts_text()
        if clash:
            QMessageBox.warning(self, "Keyboard shortcuts", "Each key can serve one action only:\n" + clash)
            return
        super().accept()
