"""The main window: composition of the small widgets and the controllers.

Layout: paired frame views (top), timeline, transport bar; status bar with the job
status (tracker FPS, engine, device, progress, Stop). The window owns at most one open
``Document``; edits go through ``app.edits`` commands on the document's undo stack.
Behaviour lives in the controllers (``app.controllers``), the edit glue
(``app.window_edits``; undo and redo ``app.window_undo``), the tracker and teacher gestures (``app.window_review``), the dialogs
(``app.window_dialogs``), export (``app.window_export``), the runs' display (``app.window_runs``), opening projects (``app.window_opening``)
and the frame on screen (``app.window_frames``: navigation, boxes, titles, zoom, timeline data);
this class builds the window, wires them, and keeps the actions' enabled state and the close.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from app.actions import apply_shortcuts, build_actions, key_text
from app.controllers.exporting import ExportController
from app.controllers.improving import install_improve
from app.controllers.opening import OpenController
from app.controllers.tracking import RunController
from app.document import Document
from app.jobs import TrackerPool
from app.menus import build_menus
from app.settings import StudioSettings, unsaved_settings, when_unsaved
from app.status import ElidingStatusBar, JobStatus
from app.views.paired_view import PairedViews, missing_modality
from app.views.timeline import TimelineWidget
from app.views.transport import TransportBar
from app.window_dialogs import WindowDialogs
from app.window_edits import EditGlue
from app.window_export import WindowExport
from app.window_frames import ArrowSteps, WindowFrames
from app.window_geometry import keep_on_screen
from app.window_imports import ImportGlue
from app.window_levels import install_levels
from app.window_opening import WindowOpening
from app.window_reference import install_reference
from app.window_review import ReviewGlue
from app.window_runs import WindowRuns
from app.window_undo import UndoGlue
from app.workers import FrameFetcher
from core.trackers import is_peer, peer_modality, tracker_label
from core.wording import plural

TIMELINE_REFRESH_MS = 200


#: actions that act on an open project: disabled while none is open
DOCUMENT_ACTIONS = ("prev_frame", "next_frame", "back_10", "forward_10", "first_frame", "last_frame", "goto_frame",
                    "play", "type_box", "copy_box", "paste_box", "keyframe", "absent", "occluded",
                    "track", "track_back", "refine", "accept", "accept_range", "interpolate", "attention",
                    "attention_back", "delete_box", "export",
                    "zoom_target", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down",
                    "follow_target", "range", "range_start", "range_end", "import_gt", "import_boxes",
                    "improve", "frame_rate", "opening_notes")


#: Zoom in / Zoom out (Ctrl+= / Ctrl+-): the factor of one press (a notch of the wheel is some 1.35)
KEY_ZOOM = 1.25
#: Pan (Ctrl+arrows): the share of the view's width or height one press moves it
KEY_PAN = 0.25

#: How often the project's file is checked for having been deleted or replaced (``Document.keep_file``).
FILE_CHECK_MS = 2000


class MainWindow(WindowFrames, WindowDialogs, WindowExport, WindowRuns, WindowOpening, QMainWindow):
    """``synchronous=True`` runs every worker on the GUI thread (tests, screenshots).

    Signals: project_opened(Document), frame_shown(int).
    """

    project_opened = Signal(object)
    frame_shown = Signal(int)

    def __init__(self, settings: StudioSettings | None = None, *, synchronous: bool = False, pool: TrackerPool = None):
        super().__init__()
        self.setWindowTitle("RGB-T Studio")
        self.resize(1280, 820)
        self.settings = settings or StudioSettings.load()
        # where and how large the window was at the last close, shrunk and moved onto the screen there
        # is now (a laptop's 1366 x 768 had the default's bottom, the status bar, below its edge, and a
        # place saved on a larger screen is refused by Qt, the default size staying)
        restored = bool(self.settings.window_geometry) and self.restoreGeometry(
            QByteArray(self.settings.window_geometry))
        keep_on_screen(self, move=restored)
        if self.settings.window_maximized and not self.isMaximized():  # the refused place took it along
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.synchronous = synchronous
        self.document: Document | None = None
        self.frame = 0
        self.pair = None  # the FramePair on screen
        self.unreadable_frame: int | None = None  # the frame shown blank: its picture cannot be decoded
        self.pool = pool or TrackerPool(process=not synchronous)  # threaded windows track in a child process
        self.last_error: BaseException | None = None
        self.closing = False  # set as the window closes
        self.follow_live = True  # views follow a run until the user navigates
        self.pane_names = ("Visible", "Thermal", "")  # (left, right, what is missing) of the open sequence
        # widgets
        self.views = PairedViews()
        self.timeline = TimelineWidget()
        self.transport = TransportBar()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.views)
        splitter.addWidget(self.timeline)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter  # its state (the timeline's height) is restored once shown: ``showEvent``
        self._splitter_restored = False
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.transport)
        self.setCentralWidget(central)
        self.job_status = JobStatus()
        self.setStatusBar(ElidingStatusBar())
        self.statusBar().addPermanentWidget(self.job_status)
        # a long message (the notes of an open: 16-bit mapping, resampling, where the project
        # lives) is cut with an ellipsis before the labels: its whole text shows when the pointer rests on it
        status_bar = self.statusBar()
        status_bar.messageChanged.connect(lambda text: status_bar.setToolTip(text))
        # workers and controllers
        self.fetcher = FrameFetcher(synchronous=synchronous, parent=self)
        self.opener = OpenController(self, synchronous=synchronous)
        self.tracking = RunController("track", self.pool, synchronous=synchronous, parent=self)
        self.refining = RunController("refine", self.pool, synchronous=synchronous, parent=self)
        self.exporter = ExportController(self, synchronous=synchronous)
        self.actions = build_actions(self)
        apply_shortcuts(self.actions, self.settings.shortcuts)
        self.transport.set_play_key(self.actions["play"].shortcut().toString())
        self.transport.set_speed_keys(self.actions["play_faster"].shortcut().toString(),
                                      self.actions["play_slower"].shortcut().toString())
        self.edits = EditGlue(self)
        self.undo_glue = UndoGlue(self)  # Ctrl+Z, Ctrl+Shift+Z, and Ctrl+S saying edits are saved
        self.imports = ImportGlue(self)
        self.review = ReviewGlue(self)  # T, R, A, Shift+A, N
        build_menus(self)
        install_improve(self)  # Model menu: Improve the student..., Revert (app.controllers.improving)
        self._timeline_timer = QTimer(self)
        self._timeline_timer.setSingleShot(True)
        self._timeline_timer.setInterval(TIMELINE_REFRESH_MS)
        self._timeline_timer.timeout.connect(self.refresh_timeline)
        # the project's file deleted or replaced by another program: written again within seconds,
        # not only at the next edit or the close (a crash before either lost the whole project)
        self._file_timer = QTimer(self)
        self._file_timer.setInterval(FILE_CHECK_MS)
        self._file_timer.timeout.connect(self._check_project_file)
        self._file_timer.start()
        self._connect()
        self.apply_view_settings()
        install_levels(self)  # View > Thermal levels (L, Shift+L, Ctrl+L): ``self.thermal_levels``
        install_reference(self)  # View > Compare with ... (M, Shift+M): ``self.reference``
        self.setAcceptDrops(True)
        self.views.clear()
        self.update_tracker_status()
        self._update_document_actions()
        self._update_stop_action()
        self.statusBar().showMessage("Open a visible/thermal pair (File > Open pair) or drop files here")
        # settings that cannot be saved (a home folder that cannot be created, a read-only
        # studio.ini) were said only on stderr, which a studio started from a menu has not
        if unsaved_settings():
            self._settings_unsaved(unsaved_settings())
        else:
            when_unsaved(self._settings_unsaved)

    def _settings_unsaved(self, text: str) -> None:
        """Say once in the status bar that this session's settings are not saved (``text``)."""
        if not self.closing:
            self.statusBar().showMessage(text, 20000)

    # -- wiring ---------------------------------------------------------------------------
    def _connect(self) -> None:
        a = self.actions
        self.fetcher.ready.connect(self._frame_ready)
        self.fetcher.failed.connect(self._frame_failed)
        self.transport.frame_requested.connect(self.goto)
        self.timeline.frame_clicked.connect(self.goto)
        self.opener.opened.connect(self._opened)
        self.opener.failed.connect(self._open_failed)
        for run in (self.tracking, self.refining):
            run.started.connect(lambda text, r=run: self._run_started(text, r))
            run.live.connect(lambda update, r=run: self._run_live(update, r))
            run.progress.connect(lambda done, total, text, r=run: self._run_progress(r, done, total, text))
            run.ended.connect(lambda summary, r=run: self._run_ended(summary, r))
            run.runner.ended.connect(self._update_stop_action)  # after any run's end, its busy flag cleared
            run.runner.ended.connect(lambda _generation: self._update_undo_actions())
            run.failed.connect(lambda error, trace, r=run: self._run_failed(r, error, trace))
        self.exporter.exported.connect(self._exported)
        self.exporter.failed.connect(self._export_failed)
        self.exporter.cancelled.connect(lambda: self.statusBar().showMessage("export cancelled", 5000))
        self.job_status.cancel_requested.connect(self.stop_all)
        self.transport.playing_changed.connect(self._update_stop_action)
        self._arrow_steps = ArrowSteps(self.step, self)  # Left / Right on the views and the timeline
        for widget in (self.views.visible, self.views.thermal, self.timeline):
            widget.installEventFilter(self._arrow_steps)
        a["prev_frame"].triggered.connect(lambda: self.step(-1))
        a["next_frame"].triggered.connect(lambda: self.step(1))
        a["back_10"].triggered.connect(lambda: self.step(-10))
        a["forward_10"].triggered.connect(lambda: self.step(10))
        a["first_frame"].triggered.connect(lambda: self.goto(0))
        a["last_frame"].triggered.connect(lambda: self.goto(self.document.num_frames - 1 if self.document else 0))
        a["goto_frame"].triggered.connect(self.ask_goto_frame)
        a["frame_rate"].triggered.connect(self.ask_frame_rate)
        a["play"].triggered.connect(self.transport.toggle_play)
        a["play_faster"].triggered.connect(lambda: self._change_speed(1))
        a["play_slower"].triggered.connect(lambda: self._change_speed(-1))
        a["stop"].triggered.connect(self.stop_key)
        a["fit"].triggered.connect(self.views.visible.fit)
        a["zoom_target"].triggered.connect(self.zoom_to_target)
        a["zoom_in"].triggered.connect(lambda: self.views.visible.viewbox.zoom_step(1 / KEY_ZOOM))
        a["zoom_out"].triggered.connect(lambda: self.views.visible.viewbox.zoom_step(KEY_ZOOM))
        for name, dx, dy in (("pan_left", -KEY_PAN, 0), ("pan_right", KEY_PAN, 0), ("pan_up", 0, -KEY_PAN),
                             ("pan_down", 0, KEY_PAN)):
            a[name].triggered.connect(lambda _checked=False, x=dx, y=dy: self.views.visible.viewbox.pan_step(x, y))
        a["follow_target"].toggled.connect(self._follow_toggled)
        a["help"].triggered.connect(self.show_help)
        a["opening_notes"].triggered.connect(self.show_opening_notes)
        a["settings"].triggered.connect(self.show_settings)
        a["shortcuts"].triggered.connect(self.show_shortcuts)
        a["quit"].triggered.connect(self.close)
        a["open_pair"].triggered.connect(self.ask_open_pair)
        a["open_sequence"].triggered.connect(self.ask_open_sequence)
        a["open_video"].triggered.connect(self.ask_open_video)
        a["export"].triggered.connect(self.ask_export)
        a["blend"].toggled.connect(self._blend_toggled)
        a["thermal_twin"].toggled.connect(self._thermal_shown_toggled)
        a["separate_thermal"].toggled.connect(lambda _on: self.refresh_boxes())
        a["range"].toggled.connect(self._range_toggled)
        a["range_start"].triggered.connect(lambda: self.set_range_end("start"))
        a["range_end"].triggered.connect(lambda: self.set_range_end("last"))
        self.timeline.range_changed.connect(lambda _start, _stop: self.say_range())  # its edges dragged

    def _run_failed(self, run, error: BaseException, trace: str) -> None:
        """A run that failed (the tracking process ended, a frame that cannot be decoded): the
        dialog says what it did before it and that this is kept (it said "Error" and the cause
        alone, and the status bar's "195 frames tracked (failed)" was replaced at once, so a
        user could not tell whether the run's frames were lost)."""
        from app.dialogs.errors import describe_error

        if self.closing:  # the close ended a run that did not stop: its frames are kept, said on reopening
            return
        box = self.error("The run failed", error, trace)
        count = run.done_count
        frames = plural(count, "frame")
        if run.kind == "track":
            back = run.step < 0  # T from a backward run's last frame tracked forward, over what it had written
            key = key_text(self.actions, 'track_back' if back else 'track')
            bad = self._undecodable_after(run)
            if bad is None:
                goes_on = f"{key} from the last one continues"
            else:  # T from the last one stopped at the same frame again, the user stuck there without a word
                after = bad + run.step
                where = (f"draw the box on frame {after + 1} and {key} from there"
                         if self.document is not None and 0 <= after < self.document.num_frames else "")
                goes_on = f"frame {bad + 1} cannot be decoded, so {key} stops there again" + (
                    f": {where}" if where else "")
            done = (f"Tracking{' back' if back else ''} failed after {frames}; they are kept "
                    f"({key_text(self.actions, 'undo')} undoes them), and {goes_on}"
                    if count else f"Tracking{' back' if back else ''} failed before it wrote any frame" + (
                        f": {goes_on}" if bad is not None else ""))
        else:
            done = (f"The teacher's refinement failed after {frames}; their proposals are kept" if count else
                    "The teacher's refinement failed before it refined any frame")
        headline, text = describe_error(error)
        box.setText(done + ".")
        box.setInformativeText(text if headline == "Error" else f"{headline}: {text}")
        self.statusBar().showMessage(f"{done}: {error}", 15000)

    def _change_speed(self, direction: int) -> None:
        """= / -: the next or the previous playback speed, said with the frame rate it plays at; at
        x8 (x0.125) the key did nothing, without a word."""
        from app.views.transport import speed_text

        transport = self.transport
        before = transport.speed
        transport.faster() if direction > 0 else transport.slower()
        speed = speed_text(transport.speed)
        if transport.speed == before:
            text = f"playback speed {speed}, the {'fastest' if direction > 0 else 'slowest'} there is"
        else:
            text = f"playback speed {speed}: {transport.fps * transport.speed:.3g} frames a second"
            if self.document is not None:
                text += f" of footage at {transport.fps:.3g} fps"
        self.statusBar().showMessage(text, 5000)

    def _export_failed(self, error: BaseException, trace: str) -> None:
        """An export that failed: the error dialog; one stopped by a frame that cannot be decoded says
        how to write the boxes all the same (a frame folder with one JPEG cut short failed every layout,
        the file named and nothing more, and nothing said that the annotation files need no frame)."""
        from core.errors import SequenceError

        box = self.error("Export failed", error, trace)
        if isinstance(error, SequenceError) and not self.exporter.key.startswith("annotations"):
            hint = ("this export reads every frame and one of the footage's cannot be decoded: File > Export... > "
                    "Annotation files only writes the boxes without the frames")
            box.setInformativeText(f"{box.informativeText()}\n\n{hint[0].upper()}{hint[1:]}.")
            self.statusBar().showMessage(f"Export failed: {error}; {hint}", 15000)

    def _undecodable_after(self, run) -> int | None:
        """The frame after the one a failed tracking run reached when its picture cannot be decoded (a
        corrupt JPEG of a frame folder, a damaged stretch of a video): T from the run's last frame stops
        there again. None when it decodes, or there is none."""
        from core.errors import SequenceError

        document = self.document
        if document is None or document.closed:
            return None
        frame = run.reached + run.step
        if not 0 <= frame < document.num_frames:
            return None
        try:
            document.sequence[frame]
        except SequenceError:
            return frame
        except Exception:  # noqa: BLE001 (only a hint: the dialog says the run's own error)
            return None
        return None

    # -- tracker choice -------------------------------------------------------------------
    def set_tracker(self, name: str) -> None:
        """The live tracker T runs (``core.trackers.tracker_names()``), remembered."""
        self.settings.models.tracker = name
        self.settings.save()
        action = getattr(self, "tracker_actions", {}).get(name)
        if action is not None and not action.isChecked():
            action.setChecked(True)
        self.update_tracker_status()

    def tracker_text(self) -> str:
        """"Tracker: Student" / "Tracker: OpenCV CSRT (visible)" for the status bar."""
        models = self.settings.models
        text = f"Tracker: {tracker_label(models.tracker)}"
        if is_peer(models.tracker):
            info = self.document.info if self.document is not None else None
            modality = peer_modality(models.peer_modality, info) if info is not None else models.peer_modality
            text += f" ({modality})"
        return text

    def update_tracker_status(self) -> None:
        self.job_status.set_tracker(self.tracker_text())
        # named with the key as bound (it said T after Track from here was rebound)
        self.job_status.tracker_label.setToolTip(f"the tracker {key_text(self.actions, 'track')} runs "
                                                 "(Track > Tracker)")

    def _check_project_file(self) -> None:
        document = self.document
        if document is not None and not document.closed:
            document.keep_file()

    def _update_title(self) -> None:
        if self.document is None:
            self.setWindowTitle("RGB-T Studio")
        else:
            read_only = "  (read-only)" if getattr(self.document.store, "read_only", False) else ""
            self.setWindowTitle(f"{self.document.info.name} - RGB-T Studio  [{self.document.path}]{read_only}")

    def _update_document_actions(self) -> None:
        """Enable what acts on a project only while one is open (DOCUMENT_ACTIONS), and undo/redo."""
        for name in DOCUMENT_ACTIONS:
            if name in self.actions.by_name:
                self.actions[name].setEnabled(self.document is not None)
        # one stream (a thermal video alone): both views show the same frame, so it has one box
        one_stream = self.document is not None and missing_modality(self.document.info) is not None
        separate = self.actions["separate_thermal"]
        if one_stream:
            separate.setChecked(False)
        separate.setEnabled(not one_stream)
        tip = ("one stream: both views show the same frame, which has one box" if one_stream
               else "edits on the thermal view move only the thermal box")
        separate.setToolTip(tip)
        separate.setStatusTip(tip)  # what the menu says on hover: a greyed item said nothing of why
        self._update_undo_actions()

    def _update_undo_actions(self, *_args, running: bool | None = None) -> None:
        """Undo and redo enabled as the stack allows; Undo also while a tracking run goes on
        (``running``; None: ``tracking.busy``): it stops the run and undoes it, the run being one
        step pushed when it ends. Undo was disabled during a run that had nothing on the stack
        before it (the first edit since the project opened), so Ctrl+Z did nothing and the run
        went on writing over the frames the user wanted back."""
        stack = self.document.undo_stack if self.document is not None else None
        running = stack is not None and (self.tracking.busy if running is None else running)
        self.actions["undo"].setEnabled(bool(stack and (stack.canUndo() or running)))
        self.actions["redo"].setEnabled(bool(stack and stack.canRedo()))
        if stack is not None:
            undo_text = "the tracking run (stops it)" if running else stack.undoText()
            for name, text in (("undo", undo_text), ("redo", stack.redoText())):
                self.actions[name].setText(f"{name.capitalize()} {text}".strip())
                self.actions[name].setIconText(name.capitalize())

    def showEvent(self, event) -> None:
        """The first show puts the views / timeline split back as the user left it (restored
        before the window had its size, the split was stretched away from it)."""
        super().showEvent(event)
        if not self._splitter_restored:
            self._splitter_restored = True
            if self.settings.splitter_state:
                self.splitter.restoreState(QByteArray(self.settings.splitter_state))

    def closeEvent(self, event) -> None:
        # closing stops a tracking run without asking, as it cancels an export or Improve
        # (which lose their work; a run loses nothing: each batch is committed as it comes);
        # the run ends as Stop ends it, and the project keeps where it stopped, said on reopening
        tracking = self.tracking.busy
        self.closing = True  # a run that does not stop has its process ended, and fails: no dialog about it
        self.finish_runs()
        # the frame the run reached in its direction: a run tracking back (Shift+T) ends on its lowest frame
        # (written[-1], its highest, was the frame beside where Shift+T began: antiuav-7 from 700 reopened at 699)
        stopped = self.tracking.reached if tracking and self.tracking.written else None
        if stopped is not None and self.follow_live:
            self.frame = stopped  # the view followed the run: reopen at its last box, T continues from it
        for runner in (self.tracking.runner, self.refining.runner, self.exporter.runner, self.opener.runner):
            runner.cancel()
            runner.wait(10000)
        self.fetcher.shutdown()
        self.pool.shutdown()
        if self.document is not None:
            self.save_session(stopped, back=self.tracking.step < 0)
            self.document.close()
            self.document = None
        self.settings.window_geometry = bytes(self.saveGeometry().data())
        self.settings.window_maximized = self.isMaximized()
        self.settings.splitter_state = bytes(self.splitter.saveState().data())
        self.settings.save()
        super().closeEvent(event)
