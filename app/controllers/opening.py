"""Open a project in a worker with a progress dialog; errors become dialogs."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.dialogs.progress import JobProgressDialog
from app.project import OpenRequest, open_job
from app.workers import JobRunner


class OpenController(QObject):
    """opened(OpenedProject); failed(OpenRequest, exception, trace)."""

    opened = Signal(object)
    failed = Signal(object, object, str)

    def __init__(self, parent_widget, *, synchronous: bool = False):
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.runner = JobRunner("open", synchronous=synchronous, parent=self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(self._close_dialog)
        self.dialog: JobProgressDialog | None = None
        self.request: OpenRequest | None = None

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def open(self, request: OpenRequest) -> None:
        self.request = request
        self._close_dialog()
        dialog = JobProgressDialog("Opening...", "Opening", 3, self.parent_widget,
                                   minimum_duration=300)  # short opens never flash a dialog
        dialog.canceled.connect(self.runner.cancel)
        self.dialog = dialog
        self.runner.start(lambda: open_job(request))

    def _progress(self, _generation: int, report) -> None:
        if self.dialog is not None:
            self.dialog.setLabelText(report.message)
            self.dialog.setValue(report.done)

    def _finished(self, _generation: int, opened) -> None:
        self._close_dialog()
        self.opened.emit(opened)

    def _failed(self, _generation: int, error, trace: str) -> None:
        self._close_dialog()
        self.failed.emit(self.request, error, trace)

    def _close_dialog(self, *_args) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.finish()
