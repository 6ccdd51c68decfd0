"""Open pair: a visible and a thermal source (two videos or two image folders) and a
frame offset (thermal frame = visible frame + offset, for de-synchronised pairs)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

VIDEO_FILTER = "Videos (*.mp4 *.avi *.mkv *.mov *.m4v);;All files (*)"


class _PathField(QWidget):
    def __init__(self, caption: str):
        super().__init__()
        self.caption = caption
        self.edit = QLineEdit()
        file_button = QPushButton("File...")
        folder_button = QPushButton("Folder...")
        file_button.clicked.connect(self._pick_file)
        folder_button.clicked.connect(self._pick_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(file_button)
        layout.addWidget(folder_button)

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.caption, self.edit.text(), VIDEO_FILTER)
        if path:
            self.edit.setText(path)

    def _pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.caption, self.edit.text())
        if path:
            self.edit.setText(path)


class OpenPairDialog(QDialog):
    def __init__(self, parent=None, visible: str = "", thermal: str = "", offset: int = 0):
        super().__init__(parent)
        self.setWindowTitle("Open visible / thermal pair")
        self.visible = _PathField("Visible video or frame folder")
        self.thermal = _PathField("Thermal video or frame folder")
        self.visible.edit.setText(visible)
        self.thermal.edit.setText(thermal)
        self.offset = QSpinBox()
        self.offset.setRange(-10000, 10000)
        self.offset.setValue(offset)
        self.offset.setToolTip("thermal frame = visible frame + offset")
        form = QFormLayout(self)
        form.addRow("Visible", self.visible)
        form.addRow("Thermal", self.thermal)
        form.addRow("Frame offset", self.offset)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(640, 150)

    def values(self) -> tuple[str, str, int]:
        return self.visible.edit.text().strip(), self.thermal.edit.text().strip(), int(self.offset.value())
