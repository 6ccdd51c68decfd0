"""The result of "Improve the student": before/after on held-out frames, and the choice
to swap the new weights into the running tracker.

``ImproveResultDialog(result)`` takes a ``core.distillation.finetune.FinetuneResult``;
``use_requested`` is emitted when the user clicks "Use the new weights".
"""
from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from core.wording import plural


def _number(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def score_rows(result) -> list[tuple[str, str, str]]:
    """(measure, before, after) rows of the table: held-out items, mean IoU, success."""
    before, after = result.before, result.after
    return [
        ("held-out items", str(before.items), str(after.items)),
        ("mean IoU", _number(before.mean_iou), _number(after.mean_iou)),
        ("success (SR)", _number(before.success), _number(after.success)),
    ]


def too_few(result) -> bool:
    """True when some frames were held out but fewer than ``FEW_HELD_OUT``: a change in their
    scores cannot say whether the student got better or worse."""
    from core.distillation.export import FEW_HELD_OUT

    return 0 < result.before.items < FEW_HELD_OUT


def improved(result) -> bool:
    """True when the held-out frames score the new weights higher (mean IoU), so taking them
    is the safe default; False with nothing held out or too few frames to say (``too_few``)."""
    before, after = result.before, result.after
    if not before.items or too_few(result) or before.mean_iou is None or after.mean_iou is None:
        return False
    return float(after.mean_iou) > float(before.mean_iou)


class ImproveResultDialog(QDialog):
    use_requested = Signal(object)  # the FinetuneResult

    def __init__(self, result, parent=None, *, held_out_share: float | None = None, advice: str | None = None):
        """``held_out_share``: the share of frames the run was asked to hold out (0: the user
        chose to fine-tune without a check; None: not known). ``advice``: what would make the
        scores meaningful when too few frames were held out (``too_few``; None: label more
        frames, or fine-tune on several sequences)."""
        super().__init__(parent)
        self.setObjectName("improveResultDialog")
        self.setWindowTitle("Improve the student: result")
        self.result = result
        layout = QVBoxLayout(self)
        rows = score_rows(result)
        self.table = QTableWidget(len(rows), 3)
        few = too_few(result)
        self.table.setHorizontalHeaderLabels(["on held-out frames", "before",
                                              "after (too few frames to compare)" if few else "after"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        # every row on screen: the dialog's fixed height squeezed the table to two rows and a scroll bar
        # once the note under it said why the scores cannot tell
        self.table.setFixedHeight(self.table.horizontalHeader().height() + self.table.verticalHeader().length()
                                  + 2 * self.table.frameWidth() + 2)
        layout.addWidget(self.table)
        samples = plural(result.train_items, "training sample")
        steps = plural(result.steps, "step")
        note = (f"{samples}, {steps}, {result.seconds:.0f} s.\n"
                f"New weights: {result.checkpoint}\nThe current weights stay where they are.")
        if result.before.items == 0:
            # "too few labels" also after the user chose "Fine-tune without a check" on 143 samples
            why = "you chose to fine-tune without a check" if held_out_share == 0 else "too few labels"
            note += f"\nNo frames were held out ({why}): the numbers cannot say whether it helped."
        if few:
            from core.distillation.export import FEW_HELD_OUT

            frames = plural(result.before.items, "held-out frame")
            advice = advice or "label more frames, or fine-tune on several projects' exports"
            verb = "decides" if result.before.items == 1 else "decide"
            note = (f"Only {frames} {verb} these scores: too few to say whether the student got better or worse "
                    f"(a change on fewer than {FEW_HELD_OUT} frames is chance as much as learning). To measure "
                    f"it, {advice}.\n" + note)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.use_button = buttons.addButton("Use the new weights", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = buttons.addButton("Keep the current weights", QDialogButtonBox.ButtonRole.RejectRole)
        self.use_button.clicked.connect(self._use)
        self.keep_button.clicked.connect(self.reject)
        # Enter takes the new weights only when the held-out frames say they are better;
        # otherwise (nothing held out, or no better) it keeps the current ones
        default = self.use_button if improved(result) else self.keep_button
        for button in (self.use_button, self.keep_button):
            button.setAutoDefault(button is default)
        default.setDefault(True)
        default.setFocus()
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.resize(560, self.sizeHint().height())

    def _use(self) -> None:
        self.use_requested.emit(self.result)
        self.accept()


class ImproveOptionsDialog(QDialog):
    """Before "Improve the student" starts: the fine-tuning settings a user may change
    (steps, learning rate, rehearsal share, held-out share), starting from ``config``
    (a ``core.distillation.finetune.FinetuneConfig``); ``values()`` returns the edited one.
    ``held_out``: config -> (frames, line) when its before/after check would score too few
    frames to say anything (``app.controllers.improve_job.held_out_advice``), else None; the
    dialog shows the line under the held-out share, following it."""

    def __init__(self, config, parent=None, *, held_out=None):
        from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QSpinBox

        super().__init__(parent)
        self.setObjectName("improveOptionsDialog")
        self.setWindowTitle("Improve the student")
        self.config = config
        form = QFormLayout(self)
        intro = QLabel("Fine-tune the current student on this project's checked labels and the teacher's "
                       "outputs. The current weights are kept; you choose afterwards whether to use the new ones.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.steps = QSpinBox()
        self.steps.setRange(1, 100000)
        self.steps.setValue(int(config.steps))
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1e-2)
        self.lr.setSingleStep(1e-5)
        self.lr.setValue(float(config.lr))
        self.replay = QDoubleSpinBox()
        self.replay.setRange(0.0, 0.9)
        self.replay.setSingleStep(0.05)
        self.replay.setValue(float(config.replay))
        self.replay.setToolTip("share of each batch rehearsed from synthetic training pairs, so the student keeps "
                               "what it already did well (0 = off)")
        self.holdout = QDoubleSpinBox()
        self.holdout.setRange(0.0, 0.9)
        self.holdout.setSingleStep(0.05)
        self.holdout.setValue(float(config.holdout_fraction))
        self.holdout.setToolTip("last part of the sequence kept out of training to measure before/after")
        form.addRow("Steps", self.steps)
        form.addRow("Learning rate", self.lr)
        form.addRow("Rehearsal share", self.replay)
        form.addRow("Held-out share", self.holdout)
        self.held_out = held_out
        self.held_out_note = QLabel()
        self.held_out_note.setObjectName("heldOutNote")
        self.held_out_note.setWordWrap(True)
        self.held_out_note.setStyleSheet("color: #b35900")
        form.addRow(self.held_out_note)
        self.holdout.valueChanged.connect(self._held_out_changed)
        self._held_out_changed()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(480)
        self.resize(480, self.heightForWidth(480) if self.hasHeightForWidth() else self.sizeHint().height())

    def _held_out_changed(self, *_args) -> None:
        few = None if self.held_out is None else self.held_out(self.values())
        self.held_out_note.setText("" if few is None else few[1][0].upper() + few[1][1:] + ".")
        self.held_out_note.setVisible(few is not None)
        if self.isVisible():  # room for the note, or none
            self.resize(self.width(), self.heightForWidth(self.width()) if self.hasHeightForWidth()
                        else self.sizeHint().height())

    def values(self):
        from dataclasses import replace

        return replace(self.config, steps=self.steps.value(), lr=self.lr.value(), replay=self.replay.value(),
                       holdout_fraction=self.holdout.value())
