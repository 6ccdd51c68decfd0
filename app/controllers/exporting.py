"""Export in a worker with a progress dialog and Cancel (the exporters are atomic: a
cancelled export leaves nothing behind and keeps an earlier one intact)."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.dialogs.export_dialog import entry
from app.dialogs.progress import JobProgressDialog
from app.workers import JobRunner


class ExportController(QObject):
    """exported(result), cancelled(), failed(exception, trace)."""

    exported = Signal(object)
    cancelled = Signal()
    failed = Signal(object, str)

    def __init__(self, parent_widget, *, synchronous: bool = False):
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.runner = JobRunner("export", synchronous=synchronous, parent=self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.cancelled.connect(self._cancelled)
        self.runner.failed.connect(self._failed)
        self.dialog: JobProgressDialog | None = None
        self.key = ""  # the entry of the export going on (or the last one)

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def export(self, document, key: str, target, models=None) -> None:
        """Export ``document`` (its records as they are now) to ``target`` with the entry
        ``key``; ``models`` (``ModelSettings``) for exports that run a model."""
        export_entry = entry(key)
        self.key = export_entry.key
        records = dict(document.records)
        sequence, store = document.sequence, document.store
        dialog = JobProgressDialog(f"Exporting {export_entry.key}...", "Export", max(document.num_frames, 1),
                                   self.parent_widget)
        dialog.canceled.connect(self.runner.cancel)
        self.dialog = dialog
        self.runner.start(lambda: export_entry.factory(sequence, records, target, store, models))

    def _progress(self, _g: int, report) -> None:
        # setValue on a modal dialog processes events: the job's end (``_finished``) may
        # run inside it and close the dialog, so the value comes last and every call
        # first checks that the dialog is still the open one
        dialog = self.dialog
        if dialog is None:
            return
        if report.total:
            dialog.setMaximum(report.total)
        if self.dialog is dialog:
            dialog.setLabelText(report.message or "exporting")
        if self.dialog is dialog:
            dialog.setValue(min(report.done, dialog.maximum()))

    def _close(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.finish()

    def _finished(self, _g: int, result) -> None:
        self._close()
        self.exported.emit(result)

    def _cancelled(self, _g: int) -> None:
        self._close()
        self.cancelled.emit()

    def _failed(self, _g: int, error, trace: str) -> None:
        self._close()
        self.failed.emit(error, trace)
