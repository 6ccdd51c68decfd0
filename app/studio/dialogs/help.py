"""The Help dialog: every shortcut, from ``app.studio.actions.SHORTCUTS``."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.studio.actions import SHORTCUTS

MOUSE_HELP = ("Mouse: left-drag on either view draws the box; drag a box or its handles to correct it "
              "(the frame becomes a manual keyframe); middle-drag pans, wheel zooms (both views together); "
              "click the timeline to jump. Boxes: manual solid green, interpolated dashed yellow, student cyan, "
              "teacher orange, teacher proposal dotted magenta, occluded dashed.")


class HelpDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("RGB-T Studio - shortcuts")
        rows = [r for r in SHORTCUTS if r[3]]
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["key", "action", "what it does"])
        for i, (_name, _menu, text, key, tip) in enumerate(rows):
            for j, value in enumerate((key, text, tip)):
                table.setItem(i, j, QTableWidgetItem(value))
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table = table
        label = QLabel(MOUSE_HELP)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(label)
        layout.addWidget(buttons)
        self.resize(640, 620)
