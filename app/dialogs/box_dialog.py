"""Edit > Type box... (B): a frame's box typed as numbers, the way to draw or correct a box
without a mouse.

The box is ``(x, y, w, h)`` float pixels on the visible frame (on thermal-only footage, the thermal
frame: the dialog names the one there is), top-left corner, x to the right
and y down from the frame's top-left pixel (``core.geometry``'s convention). With Edit > Separate
thermal box on (a misaligned two-stream pair), a second set of fields takes the thermal box, in the
same pixels (the thermal frame lies on the visible frame's grid).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel

from app.dialogs.checked import CheckedDialog

#: how far outside the frame a field may go (pixels): a box may be typed partly outside, then cut
MARGIN = 10000.0


def middle_box(width: int, height: int) -> tuple[float, float, float, float]:
    """A quarter of the frame's width and height, in its middle: where a typed box starts on
    footage with no box before the frame."""
    return width * 3 / 8, height * 3 / 8, width / 4, height / 4


class BoxDialog(CheckedDialog):
    """``values()`` -> ``(4,)`` float64 x, y, w, h as typed; with a ``thermal_box`` to start from,
    ``thermal_values()`` -> the thermal box as typed (else None). OK is refused while a box lies
    wholly outside the ``frame_size`` (width, height) frame."""

    def __init__(self, box, frame_size: tuple[int, int], frame_number: int, parent=None, *, thermal_box=None,
                 stream: str = "visible"):
        super().__init__(parent)
        self.setWindowTitle("Type box")
        self.frame_size = (int(frame_size[0]), int(frame_size[1]))
        width, height = self.frame_size
        form = QFormLayout(self)
        about = QLabel(f"The box on frame {frame_number}, in pixels of the {width} x {height} {stream} frame "
                       "from its top-left corner. It becomes a manual keyframe, as a drawn box does.")
        about.setWordWrap(True)
        form.addRow(about)
        self.fields = self._box_fields(form)
        self.set_values(box)
        self.thermal_fields = []
        if thermal_box is not None:  # Separate thermal box: the thermal view's own box, typed apart
            note = QLabel("Thermal box (Edit > Separate thermal box is on), in the same pixels; left as it is, "
                          "it moves with the box above as a drag on the visible view moves it.")
            note.setWordWrap(True)
            form.addRow(note)
            self.thermal_fields = self._box_fields(form, "thermal ")
            for field, value in zip(self.thermal_fields, thermal_box, strict=True):
                field.setValue(float(value))
        form.addRow(self.problem_label())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.fields[0].setFocus()
        self.fields[0].selectAll()

    def _box_fields(self, form: QFormLayout, prefix: str = "") -> list[QDoubleSpinBox]:
        """Four fields x, y, width, height added to ``form`` (their names after ``prefix``)."""
        width, height = self.frame_size
        fields = []
        for name, low, high in (("x (left)", -MARGIN, width + MARGIN), ("y (top)", -MARGIN, height + MARGIN),
                                ("width", 1.0, width + MARGIN), ("height", 1.0, height + MARGIN)):
            field = QDoubleSpinBox()
            # two: a dataset's boxes (antiuav-7: 290.95, 196.95, 18.11, 12.34) and a GOT-10k export's typed as they
            # are; with one the second was refused as typed and a drawn box moved to a tenth of a pixel on OK
            field.setDecimals(2)
            field.setRange(low, high)
            field.setAccelerated(True)  # held arrow keys speed up: a box moved across a 1920 frame by keys
            form.addRow(prefix + name, field)
            fields.append(field)
        return fields

    def set_values(self, box) -> None:
        for field, value in zip(self.fields, box, strict=True):
            field.setValue(float(value))

    def values(self) -> np.ndarray:
        """The box as typed: ``(4,)`` float64 x, y, w, h."""
        return np.array([field.value() for field in self.fields], dtype=np.float64)

    def thermal_values(self) -> np.ndarray | None:
        """The thermal box as typed, ``(4,)`` float64 x, y, w, h; None when the dialog has no thermal fields."""
        if not self.thermal_fields:
            return None
        return np.array([field.value() for field in self.thermal_fields], dtype=np.float64)

    def problem(self) -> str:
        width, height = self.frame_size
        for name, box in (("box", self.values()), ("thermal box", self.thermal_values())):
            if box is None:
                continue
            x, y, w, h = box
            if x >= width or y >= height or x + w <= 0 or y + h <= 0:
                return f"The {name} lies outside the frame (0, 0) - ({width}, {height}): nothing to keep."
        return ""
