"""Refine with the teacher: the current frame, a range, or all frames below confidence X.
Changing the frames or the threshold chooses its line."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from app.dialogs import TYPED_FRAME_LIMIT


class RefineDialog(QDialog):
    """mode() -> "frame" | "range" | "below"; range_() -> (start, stop) 0-based, stop
    exclusive; threshold() -> float."""

    def __init__(self, frame: int, num_frames: int, selected: tuple[int, int] | None, threshold: float, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Refine with the teacher")
        self.frame_choice = QRadioButton(f"Current frame ({frame + 1})")
        self.range_choice = QRadioButton("Frames")
        self.below_choice = QRadioButton("All frames with tracker confidence below")
        group = QButtonGroup(self)
        for button in (self.frame_choice, self.range_choice, self.below_choice):
            group.addButton(button)
        self.first = QSpinBox()
        self.last = QSpinBox()
        self.num_frames = max(int(num_frames), 1)
        for spin in (self.first, self.last):
            # any number can be typed, a number past the end read as the last frame (range_): with the last
            # frame as the top, the keystroke going past it was dropped, so 450 typed on 407 frames read 45
            # and OK refined frames 45-299 (254 teacher runs) instead of 299-407
            spin.setRange(1, max(self.num_frames, TYPED_FRAME_LIMIT))
        start, stop = selected if selected else (frame, min(frame + 30, num_frames))
        self.first.setValue(start + 1)
        self.last.setValue(max(stop, start + 1))
        range_row = QWidget()
        row = QHBoxLayout(range_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.range_choice)
        row.addWidget(self.first)
        row.addWidget(self.last)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setRange(0.0, 1.0)
        self.threshold_spin.setSingleStep(0.05)
        self.threshold_spin.setValue(threshold)
        below_row = QWidget()
        row2 = QHBoxLayout(below_row)
        row2.setContentsMargins(0, 0, 0, 0)
        row2.addWidget(self.below_choice)
        row2.addWidget(self.threshold_spin)
        (self.range_choice if selected else self.frame_choice).setChecked(True)
        # typing frames or a threshold chooses that line (OK refined the current frame alone
        # while the frames typed beside "Frames" were ignored)
        for spin in (self.first, self.last):
            spin.valueChanged.connect(lambda _value: self.range_choice.setChecked(True))
        self.threshold_spin.valueChanged.connect(lambda _value: self.below_choice.setChecked(True))
        form = QFormLayout(self)
        form.addRow(self.frame_choice)
        form.addRow(range_row)
        form.addRow(below_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def mode(self) -> str:
        if self.range_choice.isChecked():
            return "range"
        if self.below_choice.isChecked():
            return "below"
        return "frame"

    def range_(self) -> tuple[int, int]:
        """The frames typed as ``(start, stop)``, 0-based, stop excluded; a number past the footage's
        end is its last frame."""
        a, b = sorted(min(spin.value(), self.num_frames) for spin in (self.first, self.last))
        return a - 1, b

    def threshold(self) -> float:
        return float(self.threshold_spin.value())
