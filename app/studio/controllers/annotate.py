"""Student tracking runs and teacher refinements, one at a time, in a worker thread.

The window keeps working while a job runs: boxes appear live (the project cache is
updated from each committed frame), the status bar shows FPS, engine and device. A
whole tracking run becomes one undo step when it ends (finished, stopped or failed).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.studio.jobs import StudentRun, TeacherRefine, TrackerCache
from app.studio.project import Project
from app.studio.settings import ModelChoice
from app.studio.worker import JobRunner
from core.progress import Progress


class AnnotateController(QObject):
    """Signals: ``started(kind)``, ``progress(done, total, text)``, ``followFrame(frame)``,
    ``followPair(FramePair)`` (the frame the student just read, already decoded),
    ``status(text)`` (FPS, engine, device), ``finished(kind, text)``, ``failed(error)``."""

    started = Signal(str)
    progress = Signal(int, int, str)
    followFrame = Signal(int)
    followPair = Signal(object)
    status = Signal(str)
    finished = Signal(str, str)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = JobRunner(self, min_interval_s=0.05, payload_every_step=True)
        self.runner.progressed.connect(self._on_progress)
        self.runner.succeeded.connect(lambda _result: self._end("done"))
        self.runner.cancelled.connect(lambda: self._end("stopped"))
        self.runner.failed.connect(self._on_failed)
        self.trackers = TrackerCache()
        self.project: Project | None = None
        self.choice = ModelChoice()
        self.kind = ""
        self._run: StudentRun | TeacherRefine | None = None
        self._engine_text = ""

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def set_choice(self, choice: ModelChoice) -> None:
        self.choice = choice

    def _tracker_source(self, model: str):
        choice = self.choice

        def load():
            tracker = self.trackers.get(model, choice)
            self._engine_text = self.trackers.describe(model, choice)
            return tracker
        return load

    # -- start ---------------------------------------------------------------------
    def track(self, project: Project, frame: int) -> None:
        """Student run from ``frame`` (which must hold a box) to the next protected frame."""
        self._check_idle()
        run = StudentRun.plan(self._tracker_source("student"), project.sequence, project.store,
                              project.records, frame)
        self._begin(project, run, "track")

    def refine(self, project: Project, frames: list[int]) -> None:
        """Teacher proposals for ``frames`` (0-based)."""
        self._check_idle()
        if not frames:
            raise ValueError("no frames to refine")
        run = TeacherRefine(self._tracker_source("teacher"), project.sequence, project.store,
                            dict(project.records), sorted(set(frames)))
        self._begin(project, run, "refine")

    def stop(self) -> None:
        self.runner.cancel()

    def _check_idle(self) -> None:
        if self.runner.busy:
            raise ValueError("a tracking or refinement job is running; stop it first (Esc)")

    def _begin(self, project: Project, run, kind: str) -> None:
        self.project, self._run, self.kind = project, run, kind
        self.runner.start(run.job)
        self.started.emit(kind)

    # -- reports -------------------------------------------------------------------
    def _on_progress(self, report: Progress) -> None:
        if self.project is None or self.project.closed:
            return  # another project was opened meanwhile
        payload = report.payload
        self.progress.emit(report.done, report.total or 0, report.message)
        if self.kind == "track" and payload is not None:
            self.project.note_committed(payload.records, payload.model)
            if payload.pair is not None:
                self.followPair.emit(payload.pair)
            self.followFrame.emit(payload.records[-1].frame)
            self.status.emit(f"student {payload.fps:5.1f} FPS - {self._engine_text}")
        elif self.kind == "refine" and payload is not None:
            frame, fps = payload
            self.followFrame.emit(frame)
            self.status.emit(f"teacher {fps:5.1f} FPS - {self._engine_text}")

    def _close_run(self) -> str:
        run, project = self._run, self.project
        self._run = None
        if run is None or project is None or project.closed:
            return ""
        if isinstance(run, StudentRun):
            if run.written:
                project.push_applied([run.command()], run.label)
            project.reload_side_tables()
            where = f", stopped before manual keyframe {run.stopped_at + 1}" \
                if run.stopped_at is not None and run.stopped_at < project.num_frames else ""
            return f"tracked {len(run.written)} frames from {run.start + 1}{where}"
        project.reload_side_tables()
        return f"teacher proposed boxes for {len(run.proposed)} frames (A accepts one, Shift+A all)"

    def _end(self, how: str) -> None:
        text = self._close_run()
        self.finished.emit(self.kind, f"{text} ({how})" if text else how)

    def _on_failed(self, error) -> None:
        self._close_run()
        self.failed.emit(error)
        self.finished.emit(self.kind, "failed")
