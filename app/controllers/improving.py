""""Improve the student from this project": export, fine-tune, swap weights without a restart.

``ImproveController`` asks first where the labels cannot judge the result, runs the job
(``app.controllers.improve_job.improve_job``: the distillation export, then the fine-tune) in
a worker with a progress dialog, shows the before/after dialog, and swaps the weights:
``settings.models.student_weights`` changes
(the ``TrackerPool`` is keyed by weights, so the next run loads them); the previous value
is recorded under ``models/previous_student_weights`` of the studio's INI file, and
"Revert to the previous student weights" brings it back. Old files are never deleted.
``install_improve`` adds the Model menu.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.controllers.improve_job import (
    DEFAULT_CONFIG,
    NotEnoughLabels,
    held_out_advice,
    holdout_problem,
    improve_job,
    improve_paths,
    load_options,
    save_options,
)
from app.dialogs.progress import JobProgressDialog
from app.settings import StudioSettings, studio_home
from app.workers import JobRunner
from core.distillation.finetune import FinetuneConfig

PREVIOUS_KEY = "models/previous_student_weights"


class ImproveController(QObject):
    """Runs ``improve_job`` for a window (``settings``, ``pool``, ``document``); signals
    improved(FinetuneResult), cancelled(), failed(exception, trace), swapped(str weights)."""

    improved = Signal(object)
    cancelled = Signal()
    failed = Signal(object, str)
    swapped = Signal(str)

    def __init__(self, window, *, synchronous: bool = False, config: FinetuneConfig = DEFAULT_CONFIG):
        super().__init__(window)
        self.window = window
        self.config = config
        self.runner = JobRunner("improve", synchronous=synchronous, parent=self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.cancelled.connect(self._cancelled)
        self.runner.failed.connect(self._failed)
        self.progress_dialog: JobProgressDialog | None = None
        self.dialog = None  # the last result dialog (ImproveResultDialog) or message box
        self.paths: tuple[Path, Path] | None = None
        self.held_out_share: float | None = None  # the running (last) fine-tune's
        self.held_out_note: str | None = None  # what would make its scores meaningful, when they are too few
        self.ask_first = True  # the menu action shows the options dialog before starting
        window.installEventFilter(self)  # cancel and wait on close

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def ask(self) -> None:
        """The menu action: show the options (last choices remembered), then ``start``."""
        from app.dialogs.improve_dialog import ImproveOptionsDialog

        if self.window.document is None or self.busy or self.window.weights_missing("student", "teacher",
                                                                                   what="improve the student"):
            return
        document = self.window.document
        dialog = ImproveOptionsDialog(load_options(self.config), self.window,
                                      held_out=lambda config: held_out_advice(document, config))

        def accepted() -> None:
            chosen = dialog.values()
            save_options(chosen)
            self.start(chosen, told=True)  # the dialog said how few frames the check would score

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()

    def start(self, config: FinetuneConfig | None = None, *, told: bool = False) -> None:
        """Fine-tune with ``config`` (None: the controller's). When the project's labels cannot
        give the before/after check (``holdout_check``: no held-out frame with a box, or
        nothing left to train on), asks first, before the long job: Cancel (the default) or
        fine-tune without a held-out check (``holdout_fraction`` 0: every sample trains).
        When the check would score fewer than ``FEW_HELD_OUT`` frames (``held_out_advice``)
        it asks too, unless ``told`` (the options dialog said it): Cancel (the default),
        fine-tune anyway or without a check."""
        document = self.window.document
        if document is None or self.busy or self.window.weights_missing("student", "teacher",
                                                                        what="improve the student"):
            return
        config = self.config if config is None else config
        if document.read_only:  # another window edits it: its labels since this one opened are in the store
            document.reload()
        problem = holdout_problem(document, config)
        if problem is None:
            few = held_out_advice(document, config)
            if few is None or told:
                self._run(config)
            else:
                self._ask_few(config, few[1])
            return
        self._ask("noHeldOutCheckDialog", "These labels cannot tell whether the student gets better", problem,
                  [("Fine-tune without a check", None, replace(config, holdout_fraction=0.0))])

    def _ask_few(self, config: FinetuneConfig, line: str) -> None:
        """Before the long job: the check would score too few frames to say anything."""
        self._ask("fewHeldOutDialog", "Too few held-out frames to tell whether the student gets better", line,
                  [("Fine-tune anyway", None, config),
                   ("Fine-tune without a check", "train on every checked frame, none held out: no before/after scores",
                    replace(config, holdout_fraction=0.0))])

    def _ask(self, name: str, text: str, line: str, choices: list[tuple[str, str | None, FinetuneConfig]]) -> None:
        """The question before the long job (object ``name``): ``text``, then ``line`` (one
        sentence; its part before ";" is the status bar's reason when it is not started), a button
        per choice (label, tooltip or None, the config it runs with) and Cancel, the default."""
        box = QMessageBox(QMessageBox.Icon.Question, "Improve the student", text, QMessageBox.StandardButton.NoButton,
                          self.window)
        box.setObjectName(name)
        box.setInformativeText(line[0].upper() + line[1:] + ".")
        buttons = []
        for label, tip, chosen in choices:
            button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
            if tip is not None:
                button.setToolTip(tip)
            buttons.append((button, chosen))
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        self.dialog = box

        def answered(_result: int) -> None:
            chosen = next((c for button, c in buttons if box.clickedButton() is button), None)
            if chosen is not None:
                self._run(chosen)
            else:
                self.window.statusBar().showMessage("improving not started: " + line.split(";")[0], 10000)

        box.finished.connect(answered)
        box.open()

    def _run(self, config: FinetuneConfig) -> None:
        window = self.window
        document = window.document
        if document is None or self.busy:
            return
        few = held_out_advice(document, config)
        self.held_out_note = None if few is None else few[1].split("; ", 1)[1]  # for the result dialog
        self.paths = improve_paths(studio_home(), document.info.name)
        data_path, out_path = self.paths
        records, sequence, store = dict(document.records), document.sequence, document.store
        models = replace(window.settings.models)
        dialog = JobProgressDialog("Improving the student...", "Improve the student", 0, window)
        dialog.canceled.connect(self.runner.cancel)
        self.progress_dialog = dialog
        self.held_out_share = config.holdout_fraction  # the result dialog says why nothing was held out
        self.runner.start(lambda: improve_job(sequence, records, store, models, data_path, out_path, config))

    def cancel(self) -> None:
        self.runner.cancel()

    # -- weights -------------------------------------------------------------------------
    def previous_weights(self) -> str | None:
        """The student weights in use before the last swap ("" = bundled), or None."""
        value = StudioSettings.qsettings().value(PREVIOUS_KEY)
        return None if value is None else str(value)

    def use_weights(self, path) -> None:
        """Make ``path`` the student of the running studio; remember the one it replaces."""
        window = self.window
        window.stop_all()
        q = StudioSettings.qsettings()
        q.setValue(PREVIOUS_KEY, window.settings.models.student_weights)
        q.sync()
        window.settings.models = replace(window.settings.models, student_weights=str(path))
        window.settings.save()
        self.swapped.emit(str(path))

    def revert(self) -> None:
        """Swap back to the weights recorded before the last swap (one click)."""
        previous = self.previous_weights()
        if previous is None:
            return
        window = self.window
        window.stop_all()
        q = StudioSettings.qsettings()
        q.remove(PREVIOUS_KEY)
        q.sync()
        window.settings.models = replace(window.settings.models, student_weights=previous)
        window.settings.save()
        self.swapped.emit(previous)

    # -- worker reports ------------------------------------------------------------------
    def _progress(self, _g: int, report) -> None:
        # setValue on a modal dialog processes events (the job's end may run inside it and
        # close the dialog): the value comes last, each call checks the dialog is still open
        dialog = self.progress_dialog
        if dialog is None:
            return
        dialog.setMaximum(report.total or 0)
        if self.progress_dialog is dialog:
            dialog.setLabelText(report.message or "improving the student")
        if self.progress_dialog is dialog:
            dialog.setValue(min(report.done, report.total or 0))

    def _close(self) -> None:
        if self.progress_dialog is not None:
            dialog, self.progress_dialog = self.progress_dialog, None
            dialog.finish()

    def _finished(self, _g: int, result) -> None:
        from app.dialogs.improve_dialog import ImproveResultDialog

        self._close()
        self.dialog = ImproveResultDialog(result, self.window, held_out_share=self.held_out_share,
                                          advice=self.held_out_note)
        self.dialog.use_requested.connect(lambda r: self.use_weights(r.checkpoint))
        self.dialog.open()
        self.improved.emit(result)

    def _cancelled(self, _g: int) -> None:
        self._close()
        self.cancelled.emit()

    def _failed(self, _g: int, error, trace: str) -> None:
        self._close()
        if isinstance(error, NotEnoughLabels):
            box = QMessageBox(QMessageBox.Icon.Information, "Improve the student", "Not enough labels yet",
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("notEnoughLabelsDialog")
            box.setInformativeText(error.problem)
            box.open()
            self.dialog = box
        self.failed.emit(error, trace)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and self.runner.busy:
            self.runner.cancel()
            self.runner.wait()
        return False


def install_improve(window, *, config: FinetuneConfig = DEFAULT_CONFIG) -> ImproveController:
    """Add the "Model" menu (Improve..., Revert) to ``window``; returns the controller
    (also ``window.improver``)."""
    controller = ImproveController(window, synchronous=window.synchronous, config=config)
    improve = QAction("Improve the student from this project...", window)
    improve.setStatusTip("fine-tune the student on this project's checked labels and the teacher's outputs")
    revert = QAction("Revert to the previous student weights", window)
    revert.setEnabled(controller.previous_weights() is not None)
    improve.triggered.connect(lambda: controller.ask() if controller.ask_first else controller.start())
    revert.triggered.connect(controller.revert)

    def swapped(path: str) -> None:
        revert.setEnabled(controller.previous_weights() is not None)
        window.statusBar().showMessage(f"student weights: {path or 'bundled'} (used from the next run)", 10000)

    controller.swapped.connect(swapped)
    controller.cancelled.connect(lambda: window.statusBar().showMessage("improving cancelled", 5000))
    controller.failed.connect(lambda error, trace: None if isinstance(error, NotEnoughLabels)
                              else window.error("Improving the student failed", error, trace))
    bar = window.menuBar()
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    menu = bar.addMenu("&Model") if help_action is None else None
    if menu is None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu("&Model", bar)
        bar.insertMenu(help_action, menu)
    menu.addAction(improve)
    menu.addAction(revert)
    window.actions.by_name["improve"] = improve
    window.actions.by_name["revert_student"] = revert
    window.improver = controller
    return controller
