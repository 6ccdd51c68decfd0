"""The main window: composes the views, the controllers and the menus.

It holds no annotation logic: edits go through ``controllers.editing``, long jobs through
``controllers.annotate`` / ``opening`` / ``exporting``, drawing through ``views``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QActionGroup, QUndoGroup
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.qt import freeze_heap
from app.studio import review, theme
from app.studio.actions import build_actions
from app.studio.controllers.annotate import AnnotateController
from app.studio.controllers.editing import EditController
from app.studio.controllers.exporting import ExportController
from app.studio.controllers.opening import OpenController
from app.studio.dialogs.errors import show_error
from app.studio.dialogs.export_dialog import ExportDialog
from app.studio.dialogs.help import HelpDialog
from app.studio.dialogs.refine_dialog import RefineDialog
from app.studio.dialogs.settings_dialog import SettingsDialog
from app.studio.jobs import Opened
from app.studio.project import Project
from app.studio.settings import StudioSettings
from app.studio.sources import Source, source_from_paths
from app.studio.views.paired_view import PairedView
from app.studio.views.timeline import Timeline
from app.studio.views.transport import Transport


class MainWindow(QMainWindow):
    def __init__(self, settings: StudioSettings | None = None):
        super().__init__()
        self.setWindowTitle("RGB-T Studio")
        self.setAcceptDrops(True)
        self.settings = settings or StudioSettings()
        self.project: Project | None = None
        self.frame = 0
        self.pair = None
        self.paired = PairedView()
        self.transport = Transport()
        self.timeline = Timeline()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.paired, 1)
        layout.addWidget(self.transport)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self._build_status_bar()
        self.undo_group = QUndoGroup(self)
        self.opener = OpenController(self)
        self.annotator = AnnotateController(self)
        self.annotator.set_choice(self.settings.model())
        self.exporter = ExportController(self)
        self.editor = EditController(lambda: self.project, lambda: self.frame, lambda: self.paired.separate_thermal, self)
        self._wire()
        self.threshold = self.settings.value("low_confidence", review.LOW_CONFIDENCE)
        self._timeline_timer = QTimer(self, singleShot=True, interval=150)
        self._timeline_timer.timeout.connect(self._refresh_timeline)
        self._dialogs: list = []
        self.resize(1200, 780)

    # -- composition ---------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.engine_label = QLabel("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.hide()
        self.stop_button = QPushButton("Stop")
        self.stop_button.hide()
        bar.addPermanentWidget(self.engine_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.stop_button)

    def _wire(self) -> None:
        slots = {
            "open_pair": self.ask_open_pair, "open_sequence": self.ask_open_sequence,
            "open_project": self.ask_open_project, "export": self.ask_export, "settings": self.ask_settings,
            "quit": self.close, "undo": self.undo_group.createUndoAction(self, "Undo"),
            "redo": self.undo_group.createRedoAction(self, "Redo"),
            "keyframe": self.editor.keyframe, "absent": self.editor.absent, "occluded": self.editor.occluded,
            "interpolate": self.editor.interpolate, "delete_box": self.editor.delete,
            "track": self.track, "stop": self.stop_jobs, "refine": self.refine_current,
            "refine_range": self.ask_refine, "accept": lambda: self.editor.accept(),
            "accept_all": self.accept_all, "next_attention": self.next_attention,
            "prev": lambda: self.step(-1), "next": lambda: self.step(1), "back10": lambda: self.step(-10),
            "fwd10": lambda: self.step(10), "play": self.transport.toggle_play, "overlay": self.paired.set_overlay,
            "separate_thermal": self._set_separate, "fit": self.paired.fit, "help": self.show_help,
        }
        self.actions, self.menus = build_actions(self, slots)
        self.menus["recent"].aboutToShow.connect(self._fill_recent)
        group = QActionGroup(self)
        current = self.settings.value("colormap", "inferno")
        for name in theme.COLORMAPS:
            action = self.menus["colormap"].addAction(name)
            action.setCheckable(True)
            action.setChecked(name == current)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, n=name: self.set_colormap(n))
        self.paired.set_colormap(current)
        self.paired.boxDrawn.connect(self.editor.box)
        self.paired.boxEdited.connect(self.editor.box)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.transport.frameRequested.connect(self.go_to)
        self.timeline.frameClicked.connect(self.go_to)
        self.stop_button.clicked.connect(self.stop_jobs)
        self.opener.opened.connect(self.set_project)
        self.opener.failed.connect(lambda e: self.show_error("Cannot open", e))
        self.annotator.started.connect(self._job_started)
        self.annotator.progress.connect(self._job_progress)
        self.annotator.followPair.connect(self._follow_pair)
        self.annotator.followFrame.connect(self._follow)
        self.annotator.status.connect(self.engine_label.setText)
        self.annotator.finished.connect(self._job_finished)
        self.annotator.failed.connect(lambda e: self.show_error("Tracking failed", e))
        self.exporter.exported.connect(self._exported)
        self.exporter.failed.connect(lambda e: self.show_error("Export failed", e))
        self.exporter.cancelled.connect(lambda: self.statusBar().showMessage("export cancelled; nothing written", 5000))

    # -- project -------------------------------------------------------------------
    def open_source(self, source: Source | None, store_path: str | Path | None = None) -> None:
        if self.annotator.busy:
            self.annotator.stop()
        self.opener.open(source, store_path)

    def set_project(self, opened: Opened) -> None:
        self.close_project()
        project = Project(opened.sequence, opened.store, opened.source, self)
        self.project = project
        self.undo_group.addStack(project.undo_stack)
        self.undo_group.setActiveStack(project.undo_stack)
        project.changed.connect(self._project_changed)
        if any(r.thermal_box is not None for r in project.records.values()):
            self.actions["separate_thermal"].setChecked(True)
        info = project.info
        self.transport.configure(info.num_frames, info.fps)
        self.frame = opened.frame
        self.transport.set_frame(self.frame)
        self._show_pair(opened.first)
        self.paired.fit()
        self._refresh_timeline()
        self.settings.add_recent_project(project.store.path)
        self.setWindowTitle(f"RGB-T Studio - {info.name} ({info.num_frames} frames, {info.width}x{info.height}, "
                            f"{info.fps:g} fps)")
        notes = "; ".join(info.notes)
        self.statusBar().showMessage(f"opened {opened.source.label}" + (f" - {notes}" if notes else ""), 8000)
        freeze_heap()  # start-up objects leave the GC's reach: no long collection pauses later

    def close_project(self) -> None:
        if self.project is None:
            return
        self.annotator.stop()
        self.annotator.runner.wait()
        project, self.project = self.project, None
        project.store.set_meta("current_frame", self.frame)
        self.undo_group.removeStack(project.undo_stack)
        project.close()

    # -- frames --------------------------------------------------------------------
    def go_to(self, frame: int) -> None:
        if self.project is None:
            return
        frame = min(max(int(frame), 0), self.project.num_frames - 1)
        self.frame = frame
        self.transport.set_frame(frame)
        self.timeline.set_current(frame)
        try:
            self._show_pair(self.project.sequence[frame])
        except Exception as error:  # a corrupt frame: say which, keep the window alive
            self.transport.stop()
            self.show_error("Cannot read frame", error)

    def step(self, delta: int) -> None:
        self.go_to(self.frame + delta)

    def _show_pair(self, pair) -> None:
        self.pair = pair
        self.paired.show_pair(pair)
        self._show_record()

    def _show_record(self) -> None:
        if self.project is None:
            return
        proposal = self.project.proposals.get(self.frame, (None, None))[0]
        self.paired.show_record(self.project.records.get(self.frame), proposal)

    def _project_changed(self, frames) -> None:
        if frames is None or self.frame in frames:
            self._show_record()
        if not self._timeline_timer.isActive():
            self._timeline_timer.start()

    def _refresh_timeline(self) -> None:
        if self.project is not None:
            self.timeline.set_series(self.series())
            self.timeline.set_current(self.frame)

    def series(self) -> review.TimelineSeries:
        p = self.project
        return review.timeline_series(p.num_frames, p.records, p.outputs, p.proposals, self.threshold)

    # -- jobs ----------------------------------------------------------------------
    def track(self) -> None:
        if self.project is not None:
            self._guard(lambda: self.annotator.track(self.project, self.frame))

    def refine_current(self) -> None:
        if self.project is not None:
            self._guard(lambda: self.annotator.refine(self.project, [self.frame]))

    def refine_frames(self, frames: list[int]) -> None:
        if self.project is not None:
            self._guard(lambda: self.annotator.refine(self.project, frames))

    def ask_refine(self) -> None:
        if self.project is None:
            return
        dialog = RefineDialog(self.project.num_frames, self.frame, self.threshold, self)
        if dialog.exec():
            kind, a, b = dialog.selection()
            frames = list(range(a, b + 1)) if kind == "range" else review.frames_below(self.series(), a)
            self.refine_frames(frames)

    def accept_all(self) -> None:
        if self.project is not None:
            self.editor.accept(sorted(self.project.proposals))

    def stop_jobs(self) -> None:
        self.transport.stop()
        self.annotator.stop()

    def next_attention(self) -> None:
        if self.project is not None:
            frame = review.next_attention(self.series(), self.frame)
            if frame is None:
                self.statusBar().showMessage("no frame needs attention", 4000)
            else:
                self.go_to(frame)

    def _guard(self, start) -> None:
        try:
            start()
        except ValueError as error:
            self.statusBar().showMessage(str(error), 6000)

    def _job_started(self, kind: str) -> None:
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.stop_button.show()
        self.statusBar().showMessage("tracking..." if kind == "track" else "teacher refining...")

    def _job_progress(self, done: int, total: int, _text: str) -> None:
        self.progress_bar.setMaximum(max(1, total))
        self.progress_bar.setValue(done)

    def _follow_pair(self, pair) -> None:
        """Show the tracker's frame as it is: no second decode, no wait on the
        sequence's lock while the worker decodes the next frame."""
        if self.settings.value("follow", True) and self.project is not None:
            self.frame = pair.index
            self.transport.set_frame(pair.index)
            self.timeline.set_current(pair.index)
            self._show_pair(pair)

    def _follow(self, frame: int) -> None:
        if self.settings.value("follow", True) and frame != self.frame:
            self.go_to(frame)

    def _job_finished(self, _kind: str, text: str) -> None:
        self.progress_bar.hide()
        self.stop_button.hide()
        self.statusBar().showMessage(text, 8000)
        self._refresh_timeline()
        self._show_record()

    # -- dialogs -------------------------------------------------------------------
    def ask_open_pair(self) -> None:
        visible, _ = QFileDialog.getOpenFileName(self, "Visible video (or cancel to pick folders)", "",
                                                 "Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)")
        if not visible:
            visible = QFileDialog.getExistingDirectory(self, "Visible frames folder")
        if not visible:
            return
        thermal, _ = QFileDialog.getOpenFileName(self, "Thermal video", str(Path(visible).parent),
                                                 "Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)")
        if not thermal:
            thermal = QFileDialog.getExistingDirectory(self, "Thermal frames folder", str(Path(visible).parent))
        if thermal:
            self.open_source(Source.pair(visible, thermal))

    def ask_open_sequence(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Sequence folder")
        if folder:
            self.open_source(Source.sequence(folder))

    def ask_open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Project", "", "Projects (*.rgbt.sqlite)")
        if path:
            self.open_source(None, path)

    def _fill_recent(self) -> None:
        menu = self.menus["recent"]
        menu.clear()
        for path in self.settings.recent_projects():
            menu.addAction(Path(path).name, lambda p=path: self.open_source(None, p)).setStatusTip(path)
        if menu.isEmpty():
            menu.addAction("(none)").setEnabled(False)

    def ask_export(self) -> None:
        if self.project is None or self.exporter.busy:
            return
        base = Path(self.project.store.path).parent
        dialog = ExportDialog(self.project.info.name, base, self)
        if dialog.exec():
            label, out_dir = dialog.selection()
            self.exporter.export(label, self.project.sequence, self.project.records, out_dir)

    def _exported(self, result) -> None:
        text = f"exported {result.frames} frames to {result.path}"
        if result.warnings:
            box = QMessageBox(QMessageBox.Icon.Information, "Exported", text + "\n\n" + "\n".join(result.warnings),
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("exportWarnings")
            box.open()  # not exec(): never blocks the event loop
            self._dialogs.append(box)
        self.statusBar().showMessage(text, 8000)

    def ask_settings(self) -> None:
        dialog = SettingsDialog(self.settings.model(), self)
        if dialog.exec():
            self.settings.set_model(dialog.choice())
            self.annotator.set_choice(dialog.choice())

    def show_help(self) -> None:
        dialog = HelpDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_error(self, title: str, error: BaseException) -> None:
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [show_error(self, title, error)]

    def set_colormap(self, name: str) -> None:
        self.paired.set_colormap(name)
        self.settings.set_value("colormap", name)

    def _set_separate(self, enabled: bool) -> None:
        self.paired.separate_thermal = bool(enabled)
        self._show_record()

    # -- Qt events -----------------------------------------------------------------
    def dragEnterEvent(self, event):  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        """Dropped or command-line paths: a project file, a sequence folder, or two streams."""
        if len(paths) == 1 and paths[0].endswith(".sqlite"):
            self.open_source(None, paths[0])
            return
        try:
            self.open_source(source_from_paths(paths))
        except ValueError as error:
            self.show_error("Cannot open", error)

    def closeEvent(self, event):  # noqa: N802
        self.transport.stop()
        self.close_project()
        self.exporter.cancel()
        for runner in (self.opener.runner, self.annotator.runner, self.exporter.runner):
            runner.abandon()
            runner.wait(5000)
        super().closeEvent(event)
