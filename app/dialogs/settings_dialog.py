"""Settings: the live tracker, student/teacher weights, engine, device, the OpenCV
trackers' modality (persisted by ``app.settings``).

OK loads changed weights to check them on a worker thread (``app.dialogs.weights_check``): the
dialog shows a busy bar and cursor meanwhile, OK waits, Cancel stops the check and keeps the
dialog open (a second Cancel closes it)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.actions import key_text
from app.dialogs.checked import CheckedDialog
from app.dialogs.file_names import pick_file
from app.dialogs.weights_check import WeightsCheck, WeightsLoad, first_problem
from app.settings import DEVICES, ENGINES, ModelSettings
from core.trackers import PEER_MODALITIES, tracker_label, tracker_names

WEIGHTS_FILTER = "Checkpoints (*.pt *.onnx);;All files (*)"


class _WeightsField(QWidget):
    def __init__(self, value: str):
        super().__init__()
        self.edit = QLineEdit(value)
        self.edit.setPlaceholderText("bundled (assets/models)")
        self.button = QPushButton("Browse...")
        self.button.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def path(self) -> str:
        """The typed path, "~" expanded ("" = the bundled weights)."""
        text = self.edit.text().strip()
        return str(Path(text).expanduser()) if text else ""

    def _browse(self) -> None:
        from core.tracking.factory import MODELS_DIR

        start = self.path() or str(MODELS_DIR)  # the bundled weights' folder, not the app's
        path, note = pick_file(self, "Model weights", start, WEIGHTS_FILTER)
        dialog = self.window()
        if note and hasattr(dialog, "problem_label"):  # names Qt's picker leaves out: the file looked missing
            dialog.problem_label().setText(note)
            dialog.problem_label().show()
        if path:
            self.edit.setText(path)


def _check_box(text: str, checked: bool, tooltip: str = "") -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(checked)
    if tooltip:
        box.setToolTip(tooltip)
    return box


class SettingsDialog(CheckedDialog):
    """``synchronous`` (default: the parent window's own ``synchronous``) checks weights within OK."""

    def __init__(self, models: ModelSettings, parent=None, *, synchronous: bool | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.tracker = QComboBox()
        for name in tracker_names():
            self.tracker.addItem(tracker_label(name), name)
        self.tracker.setCurrentIndex(max(0, self.tracker.findData(models.tracker)))
        self.peer_modality = QComboBox()
        self.peer_modality.addItems(PEER_MODALITIES)
        self.peer_modality.setCurrentText(models.peer_modality)
        self.peer_modality.setToolTip("the frame an OpenCV tracker sees (auto: thermal on a visible + thermal "
                                      "pair and on thermal-only footage, visible on visible-only footage; on "
                                      "real pairs CSRT follows the target better on the thermal frame)")
        self.streams = QComboBox()
        for value, label in (("auto", "both; thermal alone while visible is blind"), ("both", "both, always"),
                             ("thermal", "thermal alone"), ("visible", "visible alone")):
            self.streams.addItem(label, value)
        self.streams.setCurrentIndex(max(0, self.streams.findData(models.streams)))
        self.streams.setToolTip(
            "What the student and the teacher are fed. The default measures each frame of a real visible + "
            "thermal pair and feeds the thermal stream alone while the visible one has lost its fine structure "
            "(smoke that comes and goes); elsewhere both. On the real RGB-T smoke window it lifted the student "
            "from 0.48 to 0.61 SR and changed nothing on the six clear windows (docs/tracking_heuristics.md). "
            "Choose one stream alone when you know the other is blind for the whole footage: thermal in smoke, "
            "fog or at night.")
        self.student = _WeightsField(models.student_weights)
        self.teacher = _WeightsField(models.teacher_weights)
        self._chosen = {"student": models.student_weights, "teacher": models.teacher_weights,
                        "engine": models.engine}  # what runs now: only a change is loaded in problem()
        self.engine = QComboBox()
        self.engine.addItems(ENGINES)
        self.engine.setCurrentText(models.engine)
        self.device = QComboBox()
        self.device.addItems(DEVICES)
        self.device.setCurrentText(models.device)
        self.allow_random = _check_box("Run randomly initialised models when no checkpoint exists (demo only)",
                                       models.allow_random)
        self.distractor_memory = _check_box(
            "Keep off look-alikes (distractor memory)", models.distractor_memory,
            "Student and teacher: when the strongest match sits where another object like the target was on the "
            "last frame, follow the nearer match instead. Helps when a similar object passes beside the target "
            "(ball games); can hold on to the wrong one in a flock. Off by default (docs/tracking_heuristics.md).")
        self.online_filter = _check_box(
            "Learn the target while tracking (online filter)", models.online_filter,
            "Student and teacher: learn what this target looks like against its surroundings from the first box "
            "and the confident frames, and prefer the matches that look like it. Keeps the box off look-alikes "
            "the network confuses with the target. On by default (docs/tracking_heuristics.md).")
        self.pair_correlation = _check_box(
            "Check size and position by correlation on RGB-T pairs", models.pair_correlation,
            "Student and teacher, on a real visible + thermal pair only: correlate both streams' frozen ImageNet "
            "features with the first box's target at three scales. The box follows the change of size that "
            "measures, and where the correlation's peak and the network's centre disagree, the box moves halfway "
            "to the peak. The networks, trained on single-stream footage, keep a receding target at its first "
            "size and lose it in smoke more easily. Visible-only and thermal-only footage is never touched. "
            "Costs speed on pairs (docs/tracking_heuristics.md, 'Correlation on two-stream pairs').")
        self.pair_shape = _check_box(
            "Keep the drawn box's shape on RGB-T pairs", models.pair_shape,
            "Student and teacher, on a real visible + thermal pair only: the box keeps the width-to-height ratio "
            "of the box you drew, and only its size changes. On real pairs the networks draw standing people "
            "18-40 % too wide. Turn it off for a target whose shape changes (a car turning, a person bending); "
            "a box you correct starts a new run with the corrected shape. Visible-only and thermal-only footage "
            "is never touched (docs/tracking_heuristics.md, 'The drawn shape on two-stream pairs').")
        self.pixel_match = _check_box(
            "Place the box on the drawn target's pixels", models.pixel_match,
            "Student and teacher: each frame, look for the pixels of the box you drew near the tracker's box "
            "and, where they fit well, centre the box on them. The networks place the centre a few pixels off "
            "(about a twentieth of the target's side), which costs most on thin targets such as people; where "
            "the target has changed its look too much to fit, the network's centre stands. The size and the next "
            "frame's search stay the network's (docs/tracking_heuristics.md, 'The centre matched on the drawn "
            "target's pixels').")
        self.hold_when_lost = _check_box(
            "Hold the box while the target is hidden (occlusion)", models.hold_when_lost,
            "Student and teacher: while the confidence says the target is not in view, keep the box where the "
            "target was and search around it, instead of following the best match on the background. Brings "
            "the box back after a full occlusion (synthetic occlusions: SR 0.64 -> 0.80); can lose a target that "
            "jumps away while blurred. Off by default (docs/tracking_heuristics.md).")
        form = QFormLayout(self)
        actions = getattr(parent, "actions", None)  # the window's keys as the user bound them
        track_key = key_text(actions, "track") if actions is not None else "T"
        form.addRow(f"Tracker ({track_key})", self.tracker)
        form.addRow("OpenCV trackers see", self.peer_modality)
        form.addRow("Student and teacher see", self.streams)
        form.addRow("Student weights", self.student)
        form.addRow("Teacher weights", self.teacher)
        form.addRow("Engine", self.engine)
        form.addRow("Device", self.device)
        form.addRow("", self.online_filter)
        form.addRow("", self.pair_correlation)
        form.addRow("", self.pair_shape)
        form.addRow("", self.pixel_match)
        form.addRow("", self.distractor_memory)
        form.addRow("", self.hold_when_lost)
        form.addRow("", self.allow_random)
        form.addRow(self.problem_label())
        # OK's check of changed weights, on a worker thread: what it loads, a busy bar
        self.checking = QLabel()
        self.checking.setWordWrap(True)
        self.checking_bar = QProgressBar()
        self.checking_bar.setRange(0, 0)  # busy: a load says nothing of how far it is
        self.checking_bar.setTextVisible(False)
        self.checking_bar.setMaximumHeight(8)
        for widget in (self.checking, self.checking_bar):
            widget.hide()
            form.addRow(widget)
        if synchronous is None:
            synchronous = bool(getattr(parent, "synchronous", False))
        self.check = WeightsCheck(self, synchronous=synchronous)
        self.check.done.connect(self._checked)
        self._checked_loads: list[WeightsLoad] = []  # what the check going on loads
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form.addRow(buttons)
        self.resize(620, 220)

    def problem(self) -> str:
        """Why OK cannot keep these settings ("" when it can): a weights file that is not
        there would run RANDOM weights in its place (random weights are allowed by default); a
        weights file changed here (or any, under a changed engine) that does not load as its
        network (``core.tracking.factory.weights_problem``, on the CPU: the student's .pt given
        as the teacher's, a truncated file) replaced weights that worked, and failed only at the
        next T, R or Improve: refused, the weights chosen before kept. Loads on the calling
        thread; OK loads on a worker (:meth:`accept`)."""
        return self._file_problem() or first_problem(self._loads())

    def _file_problem(self) -> str:
        """The checks of :meth:`problem` that need no load: a path that is no file, a file that
        cannot be weights at all."""
        from core.models.checkpoint import file_kind_problem

        for name, field_ in (("Student", self.student), ("Teacher", self.teacher)):
            path = field_.path()
            if path and not Path(path).is_file():
                return (f"{name} weights: {path} is not a file. Choose a .pt or .onnx file, or clear the field "
                        "for the bundled weights.")
            # a file that cannot be weights at all (the project's .rgbt.sqlite, an export's text file):
            # accepted here, it failed only at the next T, R or Improve
            kind = file_kind_problem(path) if path and Path(path).suffix.lower() != ".onnx" else None
            if kind is not None:
                return f"{name} weights: {path} {kind}. Choose a .pt or .onnx file, or clear the field for the bundled weights."
        return ""

    def _loads(self) -> list[WeightsLoad]:
        """The weights OK must load to check: a field changed here, or both under a changed engine."""
        engine = self.engine.currentText()
        loads = []
        for name, field_ in (("Student", self.student), ("Teacher", self.teacher)):
            path, model = field_.path(), name.lower()
            if path and (path != self._chosen[model] or engine != self._chosen["engine"]):
                loads.append(WeightsLoad(name, model, path, engine))
        return loads

    def accept(self) -> None:
        """OK: refused with the reason while :meth:`_file_problem` names one; else the changed
        weights are loaded on a worker (busy bar and cursor, OK disabled) and the dialog closes
        once they load (``_checked``)."""
        if self.check.busy:
            return
        problem = self._file_problem()
        if problem:
            self._refuse(problem)
            return
        loads = self._loads()
        if not loads:
            QDialog.accept(self)
            return
        names = " and ".join(f"{load.label.lower()}'s" for load in loads)
        self._show_checking(f"Loading the {names} weights to check them... Cancel stops the check.")
        self._checked_loads = loads
        self.check.start(loads)

    def reject(self) -> None:
        """Cancel (or Esc) while weights are checked stops the check and keeps the dialog open."""
        if self.check.busy:
            self.check.cancel()
            self._show_checking(None)
            self.checking.setText("Check stopped: nothing is changed yet. OK loads the weights again, Cancel "
                                  "closes without changes.")
            self.checking.show()
            return
        super().reject()

    def done(self, result: int) -> None:
        self.check.cancel()
        self._show_checking(None)
        super().done(result)

    def _checked(self, problem: str) -> None:
        self._show_checking(None)
        if problem:
            self._refuse(problem)
        elif self._loads() != self._checked_loads:  # a field edited while its weights loaded: not these
            self.accept()
        else:
            QDialog.accept(self)

    def _refuse(self, problem: str) -> None:
        self.problem_label().setText(problem)
        self.problem_label().show()
        self._fit_height()

    def _show_checking(self, text: str | None) -> None:
        """The busy bar and cursor with ``text`` while a check runs; all gone for None."""
        checking = text is not None
        self.checking.setText(text or "")
        self.checking.setVisible(checking)
        self.checking_bar.setVisible(checking)
        self.ok_button.setEnabled(not checking)
        if checking:
            self.problem_label().hide()
            self.setCursor(Qt.CursorShape.BusyCursor)
            self._fit_height()
        else:
            self.unsetCursor()

    def values(self) -> ModelSettings:
        return ModelSettings(
            student_weights=self.student.path(),
            teacher_weights=self.teacher.path(),
            engine=self.engine.currentText(),
            device=self.device.currentText(),
            allow_random=self.allow_random.isChecked(),
            tracker=str(self.tracker.currentData()),
            peer_modality=self.peer_modality.currentText(),
            distractor_memory=self.distractor_memory.isChecked(),
            online_filter=self.online_filter.isChecked(),
            streams=str(self.streams.currentData()),
            hold_when_lost=self.hold_when_lost.isChecked(),
            pair_correlation=self.pair_correlation.isChecked(),
            pair_shape=self.pair_shape.isChecked(),
            pixel_match=self.pixel_match.isChecked(),
        )
