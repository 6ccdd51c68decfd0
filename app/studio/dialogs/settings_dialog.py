"""Settings: student / teacher weights, engine, device, random-weights fallback."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.studio.settings import DEVICES, ENGINES, ModelChoice


class _PathField(QWidget):
    def __init__(self, value: str, parent=None):
        super().__init__(parent)
        self.edit = QLineEdit(value)
        self.edit.setPlaceholderText("bundled (assets/models)")
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Model weights", self.edit.text(), "Models (*.pt *.onnx)")
        if path:
            self.edit.setText(path)


class SettingsDialog(QDialog):
    """Edits a :class:`ModelChoice`; ``choice()`` reads the form."""

    def __init__(self, choice: ModelChoice, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.student = _PathField(choice.student_weights)
        self.teacher = _PathField(choice.teacher_weights)
        self.engine = QComboBox()
        self.engine.addItems(list(ENGINES))
        self.engine.setCurrentText(choice.engine)
        self.device = QComboBox()
        self.device.addItems(list(DEVICES))
        self.device.setCurrentText(choice.device)
        self.allow_random = QCheckBox("use random weights when no checkpoint exists (demo only)")
        self.allow_random.setChecked(choice.allow_random)
        form = QFormLayout(self)
        form.addRow("Student weights", self.student)
        form.addRow("Teacher weights", self.teacher)
        form.addRow("Engine", self.engine)
        form.addRow("Device", self.device)
        form.addRow("", self.allow_random)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 220)

    def choice(self) -> ModelChoice:
        return ModelChoice(student_weights=self.student.edit.text().strip(),
                           teacher_weights=self.teacher.edit.text().strip(),
                           engine=self.engine.currentText(), device=self.device.currentText(),
                           allow_random=self.allow_random.isChecked())
