"""The result of "Improve the student": before/after on held-out frames, and the choice
to swap the new weights into the running tracker.

``ImproveResultDialog(result)`` takes a ``core.distillation.finetune.FinetuneResult``;
``use_requested`` is emitted when the user clicks "Use the new weights".
"""
from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout


def _number(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def score_rows(result) -> list[tuple[str, str, str]]:
    """(measure, before, after) rows of the table: held-out items, mean IoU, success."""
    before, after = result.before, result.after
    return [
        ("held-out items", str(before.items), str(after.items)),
        ("mean IoU", _number(before.mean_iou), _number(after.mean_iou)),
        ("success (SR)", _number(before.success), _number(after.success)),
    ]


class ImproveResultDialog(QDialog):
    use_requested = Signal(object)  # the FinetuneResult

    def __init__(self, result, parent=None):
        super().__init__(parent)
        self.setObjectName("improveResultDialog")
        self.setWindowTitle("Improve the student: result")
        self.result = result
        layout = QVBoxLayout(self)
        rows = score_rows(result)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["on held-out frames", "before", "after"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        note = (f"{result.train_items} training samples, {result.steps} steps, {result.seconds:.0f} s.\n"
                f"New weights: {result.checkpoint}\nThe current weights stay where they are.")
        if result.before.items == 0:
            note += "\nNo frames were held out (too few labels): the numbers cannot say whether it helped."
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.use_button = buttons.addButton("Use the new weights", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = buttons.addButton("Keep the current weights", QDialogButtonBox.ButtonRole.RejectRole)
        self.use_button.clicked.connect(self._use)
        self.keep_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 260)

    def _use(self) -> None:
        self.use_requested.emit(self.result)
        self.accept()
