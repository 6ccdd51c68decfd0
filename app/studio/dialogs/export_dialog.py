"""The export dialog: format and destination folder.

``EXPORT_CHOICES`` maps a label to ``(format key, make_job(sequence, records, out_dir))``;
more formats (the distillation HDF5) are added by appending to it.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
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

from core.annotations.formats.export import exporter


def _core(name: str) -> Callable:
    return lambda sequence, records, out_dir: exporter(name)(sequence, records, out_dir)


EXPORT_CHOICES: dict[str, tuple[str, Callable]] = {
    "LasHeR layout (visible/, infrared/, visible.txt, infrared.txt)": ("lasher", _core("lasher")),
    "RGBT234 layout (00001v.jpg, 00001i.jpg)": ("rgbt234", _core("rgbt234")),
    "GOT-10k (per modality, absence.label, cover.label)": ("got10k", _core("got10k")),
    "LaSOT style (img/, groundtruth.txt, full_occlusion.txt)": ("lasot", _core("lasot")),
}


def default_export_dir(base: Path, name: str, key: str) -> Path:
    return base / f"{name}-{key}"


class ExportDialog(QDialog):
    """``selection()`` -> (label, out_dir)."""

    def __init__(self, sequence_name: str, base: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._name, self._base = sequence_name, Path(base)
        self.format = QComboBox()
        self.format.addItems(list(EXPORT_CHOICES))
        self.folder = QLineEdit()
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.folder, 1)
        layout.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Folder", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentTextChanged.connect(self._update_folder)
        self._update_folder()
        self.resize(620, 140)

    def _update_folder(self) -> None:
        key = EXPORT_CHOICES[self.format.currentText()][0]
        self.folder.setText(str(default_export_dir(self._base, self._name, key)))

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Export into", str(self._base))
        if path:
            key = EXPORT_CHOICES[self.format.currentText()][0]
            self.folder.setText(str(Path(path) / f"{self._name}-{key}"))

    def selection(self) -> tuple[str, Path]:
        return self.format.currentText(), Path(self.folder.text()).expanduser()
