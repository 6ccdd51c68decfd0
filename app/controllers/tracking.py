"""Student tracking and teacher refinement runs, live in the window.

Both run ``app.jobs`` generators on a ``JobRunner``. A tracking run's per-frame commands
are collected and pushed to the undo stack as ONE step when the run ends (finished,
stopped or failed): what was committed stays committed and is undone together, with
the stale teacher proposals the run removed from the frames it re-tracked and the
tracker's earlier raw outputs it wrote over (so undone boxes still name their tracker).
"""
from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QObject, Signal

from app.edits import DropProposals, ReplaceTrackerOutputs
from app.jobs import TrackerPool, new_run_id, refine_job, track_job
from app.session_state import clear_run, write_run
from app.workers import JobRunner
from core.annotations.history import CommandGroup, SetRecords, merge_set_records
from core.annotations.records import FrameAnnotation
from core.trackers import tracker_label
from core.wording import plural

LIVE_INTERVAL_S = 1.0 / 15.0  # at most this often the views follow the run (each shown frame costs a paint)


def _still_held(written: list[FrameAnnotation], now: Mapping[int, FrameAnnotation]) -> list[bool]:
    """For each record a run wrote, whether the store still holds it (``now``: frame -> the record
    it holds): a later edit changed the provenance, the flags or a box (boxes ``np.allclose``,
    all at once: one call per frame cost ~1 s on a 40,000-frame run)."""
    held = []
    for record in written:
        current = now.get(record.frame)
        held.append(current is not None and current.provenance == record.provenance
                    and current.absent == record.absent and current.keyframe == record.keyframe
                    and current.occluded == record.occluded and (current.box is None) == (record.box is None)
                    and (current.thermal_box is None) == (record.thermal_box is None))
    for field in ("box", "thermal_box"):
        both = [i for i, record in enumerate(written) if held[i] and getattr(record, field) is not None]
        if both:
            a = np.asarray([getattr(written[i], field) for i in both], dtype=np.float64)
            b = np.asarray([getattr(now[written[i].frame], field) for i in both], dtype=np.float64)
            for i, same in zip(both, np.isclose(b, a).all(axis=1).tolist(), strict=True):
                held[i] = held[i] and same
    return held


def without_frames_edited_since(command: SetRecords, store, now: Mapping[int, FrameAnnotation] | None = None
                                ) -> SetRecords:
    """``command`` (a run's merged, applied records) without the frames whose record was changed
    after the run wrote it: a box the user corrected, deleted or marked while the run went on.
    The run's step is pushed when it ends, above the user's edit, so undoing it put back what the
    frame held before the run over the correction. The edit's own step keeps its undo.
    ``now``: what the store holds over the command's frames (read from ``store`` when None)."""
    if not command.records:
        return command
    if now is None:
        frames = [r.frame for r in command.records]
        now = store.records(min(frames), max(frames) + 1)
    kept = [r for r, held in zip(command.records, _still_held(command.records, now), strict=True) if held]
    if len(kept) == len(command.records):
        return command
    trimmed = SetRecords(kept, label=command.label)
    trimmed._previous = {r.frame: command._previous.get(r.frame) for r in kept}
    return trimmed


def in_settings_terms(error: BaseException) -> BaseException:
    """``error`` with the studio's way out where the CLI's words say another: weights of the other
    network ("x.pt: holds a teacher model, not a student") are said to go under the other field of
    File > Settings (the CLI says "--tracker teacher"). Other errors are returned as they are."""
    from core.errors import CheckpointError
    from core.tracking.factory import other_network

    other = other_network(error) if isinstance(error, CheckpointError) else None
    if other is None:
        return error
    return CheckpointError(error.path, f"{error.problem}: it goes under {other.capitalize()} weights in File > Settings")


class RunController(QObject):
    """One kind of run ("track" or "refine"). Signals: started(str text), live(TrackUpdate)
    (throttled to ``LIVE_INTERVAL_S``, only updates that carry their frame), ended(str summary), failed(exception, trace)."""

    started = Signal(str)
    live = Signal(object)
    ended = Signal(str)
    failed = Signal(object, str)
    progress = Signal(int, object, str)

    def __init__(self, kind: str, pool: TrackerPool, *, synchronous: bool = False, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.pool = pool
        self.runner = JobRunner(kind, synchronous=synchronous, parent=self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.cancelled.connect(lambda _g: self._end("stopped"))
        self.runner.failed.connect(self._failed)
        self.document = None
        self.commands: list = []
        self.dropped: dict = {}  # frame -> stale teacher proposal removed by the run
        self.outputs: dict = {}  # frame -> (earlier raw output, the run's) of the tracker that runs
        self.model = ""  # the tracker's name (core.trackers.tracker_names()) of the tracking run
        self.step = 1  # the tracking run's direction: 1 forward, -1 back towards the first frame
        self.frames: list[int] = []
        self.planned: list[int] = []  # a refinement's frames
        self.last_update = None
        self.written: list[int] = []  # the frames the last run wrote, sorted (set when it ends)
        self.done_count = 0  # frames the last run tracked (written) or refined, set when it ends
        self._last_live = 0.0
        self._run_start, self._run_marked = 0, 0.0  # ``_mark_run``
        self._run_id: str | None = None  # the tracking run's id (``app.jobs.new_run_id``), in its note
        self._result = None
        self.note = ""  # what building the run's tracker skipped (``TrackUpdate.note``); the window says it at the end

    @property
    def busy(self) -> bool:
        return self.runner.busy

    @property
    def reached(self) -> int:
        """The frame the last tracking run reached: its last frame written in its direction, else the
        frame it started from."""
        if self.written:
            return self.written[-1] if self.step > 0 else self.written[0]
        return self._run_start

    def start_track(self, document, settings, start: int, stop: int | None = None, step: int = 1) -> None:
        """A tracking run from ``start`` towards ``stop`` (``app.jobs.track_job``); ``step`` -1
        tracks back towards the first frame."""
        if document.refuse_if_read_only("tracking"):
            return
        back = " back" if step < 0 else ""
        self._begin(document, f"{tracker_label(settings.tracker)} tracking{back} from frame {start + 1}")
        # filled by the worker right after each commit
        applied, dropped, outputs = self.commands, self.dropped, self.outputs
        self.model = settings.tracker
        self.step = step
        self._run_id = run_id = new_run_id(settings.tracker)  # the note names it: a killed run's own boxes
        self._mark_run(start, start)
        recipe = getattr(document, "recipe", None)
        self.runner.start(lambda: track_job(self.pool, settings, document.sequence, document.store, start, stop,
                                            applied=applied, dropped=dropped, recipe=recipe,
                                            live_interval=LIVE_INTERVAL_S, outputs=outputs,
                                            cancelled=self._cancel_flag(), step=step, run_id=run_id))

    def start_refine(self, document, settings, frames: list[int]) -> None:
        if document.refuse_if_read_only("teacher refinement"):
            return
        self._begin(document, f"teacher refining {plural(len(frames), 'frame')}")
        self.planned = sorted(int(f) for f in frames)  # the only frames a refinement writes
        recipe = getattr(document, "recipe", None)
        self.runner.start(lambda: refine_job(self.pool, settings, document.sequence, document.store, frames,
                                             recipe=recipe, live_interval=LIVE_INTERVAL_S,
                                             cancelled=self._cancel_flag()))

    def stop(self) -> None:
        self.runner.cancel()

    def end_process(self) -> None:
        """End the tracking process this kind of run uses (``TrackerProcess.kill``): a run that
        did not stop when asked, as the window closes."""
        process = self.pool.process if self.kind == "track" else self.pool.refine_process
        if process is not None:
            process.kill()

    def _mark_run(self, start: int | None, last: int) -> None:
        """Keep in the project that this tracking run goes on and how far it wrote
        (``app.session_state.RUN_KEY``): a studio killed mid-run reopened without a word, at the
        frame it was last closed on, the run's boxes there and no undo step for them. About once a
        second; a store that cannot write it only loses the note."""
        from core.errors import RGBTError

        if start is not None:
            self._run_start = start
        self._run_marked = time.perf_counter()
        try:
            write_run(self.document.store, self._run_start, self.model, last, self.step, run_id=self._run_id)
        except RGBTError:
            pass

    def _cancel_flag(self):
        """The running job's "Stop was asked" test (called on the worker thread as the job
        starts, when the runner holds this run's flag)."""
        event = self.runner.cancel_event
        return event.is_set if event is not None else None

    def _begin(self, document, text: str) -> None:
        self.document = document
        self.commands, self.frames, self.dropped, self.outputs, self.planned = [], [], {}, {}, []
        self.written = []
        self.last_update = None
        self._result = None
        self.note = ""
        self.started.emit(text)

    def _progress(self, _generation: int, report) -> None:
        update = report.payload
        self.progress.emit(report.done, report.total, report.message)
        if update is None:
            return
        if update.note:
            self.note = update.note
        if update.command is not None:
            frames = [r.frame for r in update.command.records]  # a batch of the tracking process
            self.frames.extend(frames)
            for frame in frames:
                self.document.proposals.pop(frame, None)  # the run removed them from the store too
                self.document.tracked_by[frame] = update.model
            self.document.note_applied(update.command)
            if self.kind == "track" and frames and time.perf_counter() - self._run_marked >= 1.0:
                self._mark_run(None, min(frames) if self.step < 0 else max(frames))
        else:
            self.frames.append(update.frame)
        self.last_update = update
        now = time.perf_counter()
        # only updates that carry their frame are shown live: the GUI's process never decodes during a run
        if update.pair is not None and (now - self._last_live >= LIVE_INTERVAL_S or self.runner.synchronous):
            self._last_live = now
            self.live.emit(update)

    def _finished(self, _generation: int, result) -> None:
        self._result = result
        self._end("done")

    def _failed(self, _generation: int, error, trace: str) -> None:
        self._end("failed")
        self.failed.emit(in_settings_terms(error), trace)

    def _end(self, how: str) -> None:
        """The run ended (``how``: "done", "stopped", "failed"): its frames become one undo step and
        the cache takes them; ``ended`` says how many. Whatever goes wrong here (a project that
        cannot be written as the step is pushed, a defect) still ends the run in the window: an
        exception left the job status on "frame 1020 100%" with its Stop button, and the window
        busy, for good. It is said as the run's failure (``failed``), its frames kept."""
        document = self.document
        if document is None or document.closed:
            return
        try:
            self._close_run(document, how)
        except Exception as error:  # said in the window, not lost in a slot's traceback
            import traceback

            trace = traceback.format_exc()
            self.commands, self.dropped, self.outputs = [], {}, {}
            self.done_count = len(self.written)
            self.ended.emit(f"{plural(self.done_count, 'frame')} {'tracked' if self.kind == 'track' else 'refined'} "
                            "(failed as the run ended)")
            self.failed.emit(error, trace)

    def _close_run(self, document, how: str) -> None:
        """:meth:`_end`'s work: the run's undo step, the cache, ``ended``."""
        if self.kind == "track":
            from core.errors import RGBTError

            try:
                clear_run(document.store)
            except RGBTError:
                pass
        if self.last_update is not None:
            self.live.emit(self.last_update)
        written = sorted({r.frame for command in self.commands for r in command.records})
        self.written = written
        # what the store holds now at the frames the run wrote: the run's boxes, or an edit made since
        now = document.store.records(written[0], written[-1] + 1) if written else {}
        run_records: dict[int, FrameAnnotation] = {}
        if self.commands:
            # one SetRecords for the run: undo/redo of 1000 frames is one transaction; a command
            # holds one batch of the tracking process (several frames), so the label counts records
            # "Undo OpenCV CSRT: track 20 frames"
            label = f"{tracker_label(self.model)}: track{' back' if self.step < 0 else ''} {plural(len(written), 'frame')}"
            merged = without_frames_edited_since(merge_set_records(list(self.commands), label=label), document.store,
                                                 now)
            run_records = {r.frame: r for r in merged.records}  # the cache keeps these objects, not copies
            extra = []
            if self.dropped:
                extra.append(DropProposals(dict(self.dropped)))
            if any(old is not None for old, _new in self.outputs.values()):  # a re-track by the same tracker
                extra.append(ReplaceTrackerOutputs(self.model, dict(self.outputs)))
            if extra:
                merged = CommandGroup([merged, *extra], label=merged.label)
            if extra or merged.records:  # every box of the run edited meanwhile: no empty step
                document.push_applied(merged)
        if self.kind == "track":
            # the cache takes what the run wrote (a batch committed but never reported, when it was
            # stopped, too) instead of re-reading its frames' records, proposals and every tracker's
            # outputs (1.9 s after a 40,000-frame run, GUI thread)
            changes = {f: run_records.get(f, now.get(f)) for f in written}
            made_by = dict.fromkeys(run_records, tracker_label(self.model))
            document.take_run(changes, made_by, list(self.dropped), teacher=self.model == "teacher")
        else:  # only the frames the refinement was asked for: the whole project took 0.5 s on 25,000 frames
            document.reload(self.planned)
        # a tracking run counts what it wrote: the report of a batch committed just before Stop
        # is dropped (stale), and "432 frames tracked" was said of 433 written and undone together
        count = len(written) if self.kind == "track" else len(self.frames)
        noun = ("tracked back" if self.step < 0 else "tracked") if self.kind == "track" else "refined"
        self.done_count = count
        self.ended.emit(f"{plural(count, 'frame')} {noun} ({how})")
        self.commands, self.dropped, self.outputs = [], {}, {}
