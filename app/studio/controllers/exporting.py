"""Export jobs with a progress dialog and Cancel (exporters are atomic: a cancelled
export leaves nothing behind and keeps an earlier export intact)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.studio.dialogs.export_dialog import EXPORT_CHOICES
from app.studio.worker import JobRunner


class ExportController(QObject):
    """``exported(result)`` (a core ExportResult), ``failed(error)``, ``cancelled()``."""

    exported = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent_widget: QWidget):
        super().__init__(parent_widget)
        self.widget = parent_widget
        self.runner = JobRunner(self, min_interval_s=0.05)
        self.runner.progressed.connect(self._progress)
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(self._cancelled)
        self.dialog: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def export(self, label: str, sequence, records: dict, out_dir: Path) -> None:
        _key, make_job = EXPORT_CHOICES[label]
        records = dict(records)  # a snapshot: later edits do not change this export
        dialog = QProgressDialog(f"Exporting to {out_dir}", "Cancel", 0, max(1, len(sequence)), self.widget)
        dialog.setWindowTitle("Export")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(self.runner.cancel)
        self.dialog = dialog
        self.runner.start(lambda: make_job(sequence, records, out_dir))

    def cancel(self) -> None:
        self.runner.cancel()

    def _progress(self, report) -> None:
        if self.dialog is not None:
            if report.total:
                self.dialog.setMaximum(report.total)
            self.dialog.setValue(report.done)

    def _close(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.canceled.disconnect()
            dialog.reset()
            dialog.deleteLater()

    def _succeeded(self, result) -> None:
        self._close()
        self.exported.emit(result)

    def _failed(self, error) -> None:
        self._close()
        self.failed.emit(error)

    def _cancelled(self) -> None:
        self._close()
        self.cancelled.emit()
