"""Opening footage or a project without freezing the window (worker + progress dialog)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.studio.jobs import Opened, open_project_job
from app.studio.sources import Source
from app.studio.worker import JobRunner


class OpenController(QObject):
    """``opened(Opened)`` on success, ``failed(error)`` otherwise."""

    opened = Signal(object)
    failed = Signal(object)

    def __init__(self, parent_widget: QWidget):
        super().__init__(parent_widget)
        self.widget = parent_widget
        self.runner = JobRunner(self, min_interval_s=0.0)
        self.runner.progressed.connect(self._progress)
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(self._close_dialog)
        self.dialog: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def open(self, source: Source | None, store_path: str | Path | None = None) -> None:
        """Open ``source`` (or the project at ``store_path``)."""
        self._close_dialog()
        dialog = QProgressDialog("Opening...", "Cancel", 0, 3, self.widget)
        dialog.setWindowTitle("Opening")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)  # no flash for fast opens
        dialog.canceled.connect(self.runner.abandon)
        dialog.canceled.connect(self._close_dialog)
        self.dialog = dialog
        self.runner.start(lambda: open_project_job(source, store_path))

    def _progress(self, report) -> None:
        if self.dialog is not None:
            self.dialog.setLabelText(report.message)
            self.dialog.setValue(report.done)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.canceled.disconnect()
            dialog.reset()
            dialog.deleteLater()

    def _succeeded(self, opened: Opened) -> None:
        self._close_dialog()
        self.opened.emit(opened)

    def _failed(self, error) -> None:
        self._close_dialog()
        self.failed.emit(error)
