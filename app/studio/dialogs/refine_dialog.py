"""Choose what the teacher refines: a frame range, or the frames below a confidence."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QRadioButton,
    QSpinBox,
)


class RefineDialog(QDialog):
    """``selection()`` -> ("range", first, last) or ("below", threshold, None); frames 0-based."""

    def __init__(self, num_frames: int, current: int, threshold: float, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Refine with the teacher")
        self.by_range = QRadioButton("frame range")
        self.by_conf = QRadioButton("all frames with student confidence below")
        group = QButtonGroup(self)
        group.addButton(self.by_range)
        group.addButton(self.by_conf)
        self.by_range.setChecked(True)
        self.first = QSpinBox()
        self.last = QSpinBox()
        for box in (self.first, self.last):
            box.setRange(1, max(1, num_frames))
        self.first.setValue(current + 1)
        self.last.setValue(min(num_frames, current + 30))
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(threshold)
        form = QFormLayout(self)
        form.addRow(self.by_range)
        form.addRow("first frame", self.first)
        form.addRow("last frame", self.last)
        form.addRow(self.by_conf)
        form.addRow("confidence", self.threshold)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Refine")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def selection(self):
        if self.by_conf.isChecked():
            return ("below", float(self.threshold.value()), None)
        first, last = sorted((self.first.value() - 1, self.last.value() - 1))
        return ("range", first, last)
