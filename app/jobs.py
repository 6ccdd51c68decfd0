"""The studio's long jobs: tracking and teacher refinement, written into the store as they go.

These are plain generators (no Qt) run by ``app.workers.JobRunner`` on a worker thread.
The tracker itself (live tracker or refining teacher) runs in the pool's tracking
process when the pool has one and the project records its sources
(``app.track_process``: the GUI's interpreter stays free); otherwise in the worker thread.
Each tracked batch is committed to the store from the worker thread (one SQLite
transaction for its boxes, raw outputs and stale proposals, so a killed process keeps every
batch it reported, whole) and reported
with a payload the GUI thread only has to display.

Rules (design notes, cvat #211): the chosen live tracker (``ModelSettings.tracker``:
the student, the teacher, or an OpenCV tracker, ``core.trackers``) tracks from the
current frame until the next frame it must keep (``keeps_tracking_out``: a manual box, a
keyframe, an accepted import, a teacher box the user accepted), the end, or Stop; it never
overwrites such a record, even one the user adds while the run goes on (the run stops there). Its boxes are machine boxes (provenance
``student``, the one machine-tracked kind) and its raw outputs are stored under the
tracker's name. A teacher proposal on a frame the run re-tracks is stale and is removed
(undone with the run). Refinement never writes records: the teacher writes *proposals*
and its raw outputs; the user accepts them (``app.edits.AcceptProposals``).
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.edits import carried_thermal
from app.qt import freeze_heap
from app.settings import ModelSettings
from app.track_process import Recipe, TrackerProcess, default_threads, weights_stamp, with_loop_settings
from core.annotations.history import SetRecords, is_protected
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.errors import Cancelled
from core.progress import Job, Progress
from core.trackers import TrackerChoice, build_tracker, engine_text, is_peer, peer_modality, tracker_label
from core.tracking.run import track_sequence

TEACHER_ANCHOR_REACH = 50  # frames back the teacher looks for a human box to start from


class TrackerPool:
    """Loaded trackers by (name, weights, engine, device), reused across runs while the weights
    file (and the ONNX exports beside it) stay as they were on disk (``weights_stamp``): a
    checkpoint written anew (a training run's next one) is loaded again.

    ``loader(model, weights, engine, device, allow_random) -> Tracker`` builds the student
    and the teacher; it defaults to ``core.tracking.factory.load_tracker``. OpenCV trackers
    (``core.trackers``) are built by name and modality. The tracking run and the teacher's
    refinement each have their own tracking process (``process``, ``refine_process``), so
    both can run at once; the in-thread cache is shared under a lock.

    With engine "auto", weights whose ``.onnx`` sibling is broken run with PyTorch, as the CLI's
    ``track`` does (``core.tracking.factory.load_with_onnx_fallback``); :meth:`take_note` says
    so once per build.
    """

    def __init__(self, loader: Callable | None = None, *, process: bool = False):
        self._loader = loader
        self._cache: dict[tuple, object] = {}
        self._stamps: dict[tuple, tuple] = {}  # the weights_stamp each cached student/teacher was built for
        self._notes: dict[str, str] = {}  # model -> what its last build skipped, until taken
        self._lock = threading.Lock()
        self.process = TrackerProcess() if process else None  # tracking runs there when a recipe exists
        # the teacher's refinement has a process of its own (started on first use), so R
        # runs while T does instead of waiting for the tracking process to be free
        self.refine_process = TrackerProcess() if process else None

    def choice(self, model: str, settings: ModelSettings) -> TrackerChoice:
        """What the tracking process builds for ``model`` under ``settings``."""
        return TrackerChoice(model, settings.weights(model) if not is_peer(model) else None, settings.engine,
                             settings.device, default_threads(), settings.allow_random, settings.peer_modality,
                             settings.distractor_memory, settings.online_filter, settings.streams,
                             settings.hold_when_lost, settings.pair_correlation, settings.pair_shape,
                             settings.pixel_match)

    def shutdown(self) -> None:
        """End the tracking process (the window closes)."""
        for process in (self.process, self.refine_process):
            if process is not None:
                process.shutdown()

    def get(self, model: str, settings: ModelSettings, info=None):
        """The tracker ``model`` (``core.trackers.tracker_names()``); ``info`` (the sequence's
        ``SequenceInfo``) chooses an OpenCV tracker's modality under "auto"."""
        if is_peer(model):
            modality = peer_modality(settings.peer_modality, info)
            with self._lock:
                key = (model, modality)
                if key not in self._cache:
                    self._cache[key] = build_tracker(TrackerChoice(model, modality=modality))
                return self._cache[key]
        key = (model, settings.weights(model), settings.engine, settings.device, settings.allow_random)
        stamp = weights_stamp(TrackerChoice(model, settings.weights(model)))  # what the file is on disk now
        with self._lock:
            if key not in self._cache or self._stamps.get(key) != stamp:
                loader = self._loader
                if loader is None:
                    import warnings

                    from core.tracking.factory import RandomWeightsWarning, load_tracker

                    def loader(model, weights, engine, device, allow_random):
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", RandomWeightsWarning)
                            return load_tracker(model, weights, engine, device, allow_random=allow_random,
                                                threads=default_threads())  # a core stays free for the GUI
                from core.tracking.factory import load_with_onnx_fallback

                weights = settings.weights(model)
                tracker, note = load_with_onnx_fallback(
                    lambda engine: loader(model, weights, engine, settings.device, settings.allow_random),
                    weights, settings.engine)
                for other in [k for k in self._cache if k[0] == model]:  # one network kept per model, let go
                    self._cache.pop(other)  # once the new one loaded (as the tracking process does)
                    self._stamps.pop(other, None)
                self._cache[key] = tracker
                self._stamps[key] = stamp
                if note:
                    self._notes[model] = note
                freeze_heap()
            return with_loop_settings(self._cache[key], settings)

    def take_note(self, model: str) -> str:
        """What the last in-thread build of ``model`` skipped (a broken ``.onnx`` beside its
        weights, run with PyTorch instead), once: "" after, and when nothing was skipped."""
        with self._lock:
            return self._notes.pop(model, "")

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._stamps.clear()
            self._notes.clear()




class _LastFrame:
    """A sequence view that remembers the last frame read (for live display)."""

    def __init__(self, sequence):
        self.sequence = sequence
        self.last = None

    def __len__(self) -> int:
        return len(self.sequence)

    def __getitem__(self, index):
        pair = self.sequence[index]
        self.last = pair
        return pair


class _Rate:
    def __init__(self, window: int = 20):
        self.times: deque[float] = deque(maxlen=window)

    def tick(self) -> float:
        self.times.append(time.perf_counter())
        if len(self.times) < 2:
            return 0.0
        return (len(self.times) - 1) / max(self.times[-1] - self.times[0], 1e-9)


@dataclass(frozen=True, eq=False)
class TrackUpdate:
    """A step of a run, for the GUI: ``frame`` and its box (4,) x, y, w, h and ``pair``
    (the FramePair, or None: show only the box); ``command`` is the applied store change
    (None when nothing was written; a tracking batch holds several frames, ``frame`` is
    the one to show). ``feed``: what the network was fed on ``frame`` ("both", "thermal",
    "visible"; "" when unknown: the init frame, OpenCV trackers). ``note``: on the run's first
    update only, what building its tracker skipped ("skipped DIR/my.onnx (...); running my.pt
    with PyTorch", ``core.tracking.factory.onnx_fallback_note``), else ""."""

    model: str
    frame: int
    box: np.ndarray
    confidence: float
    command: SetRecords | None
    pair: object
    fps: float
    engine: str
    feed: str = ""
    note: str = ""


def _watching(cancelled: Callable[[], bool] | None) -> dict:
    """``TrackerProcess.track``'s keyword for the Stop flag, when there is one."""
    return {} if cancelled is None else {"cancelled": cancelled}


def new_run_id(model: str) -> str:
    return f"{model}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


def keeps_tracking_out(record: FrameAnnotation | None) -> bool:
    """Whether a tracking run must leave ``record`` as it is (and stop before it): a
    protected record (``is_protected``: manual box, keyframe, accepted import) or a teacher
    box the user accepted (A / Shift+A), which I and O keep as well; only a tracker's own
    boxes, interpolated ones and empty frames are written over."""
    return is_protected(record) or (record is not None and record.provenance == Provenance.TEACHER)


def tracking_stop(records, start: int, num_frames: int, step: int = 1) -> int:
    """Where a run from ``start`` ends (exclusive): the next frame it must keep
    (``keeps_tracking_out``) or the end; with ``step`` -1 (tracking back) the previous such
    frame or -1 (the run then ends on frame 0)."""
    if step < 0:
        kept = [frame for frame, record in records.items() if frame < start and keeps_tracking_out(record)]
        return max(kept) if kept else -1
    kept = [frame for frame, record in records.items() if frame > start and keeps_tracking_out(record)]
    return min(kept) if kept else num_frames


def track_job(pool: TrackerPool, settings: ModelSettings, sequence, store: AnnotationStore, start: int,
              stop: int | None = None, run_id: str | None = None, applied: list | None = None,
              dropped: dict | None = None, recipe: Recipe | None = None,
              live_interval: float = 1.0 / 15.0, outputs: dict | None = None,
              cancelled: Callable[[], bool] | None = None, step: int = 1) -> Job[int]:
    """A run of the live tracker ``settings.tracker`` from ``start`` (whose record must hold
    a box) towards ``stop`` (exclusive; None = the next protected frame or the end), forward
    or, with ``step`` -1, back towards the first frame (``stop`` -1 ends on frame 0).
    Returns frames written.

    ``applied``: a list the caller owns; each store command is appended right after it
    is committed, so the caller can undo exactly what was written even when the run is
    stopped between a commit and its progress report. ``dropped``: a dict the caller
    owns; each stale teacher proposal removed from a re-tracked frame is put there
    (frame -> (box, confidence)) right after its removal. ``outputs``: a dict the caller
    owns; for each frame whose raw output the run stored, frame -> (the tracker's earlier
    output there or None, the run's), each a (box, confidence), right after the write (an
    undo puts the earlier ones back). ``recipe``: how the tracking
    process opens the sequence (``app.track_process``); None tracks in this thread.
    ``live_interval``: the process sends a decoded frame for the live view at most this
    often (seconds); updates without one show only the box. ``cancelled``: Stop was asked
    (the runner's cancel flag): the tracking process looks at it while the tracker loads,
    and no batch that arrives after it is written."""
    init = store.get(start)
    if init is None or init.box is None:
        raise ValueError(f"frame {start + 1} has no box to track from: draw one first")
    records = store.records()
    stop = tracking_stop(records, start, len(sequence), step) if stop is None else stop
    total = max(abs(stop - start), 1)
    name = settings.tracker
    label = tracker_label(name)
    yield Progress(0, total, f"loading the {label} tracker")
    remote = pool.process if recipe is not None else None
    source = _LastFrame(sequence)
    if remote is None:
        tracker = pool.get(name, settings, sequence.info)
        engine = engine_text(tracker)
        note = pool.take_note(name)
        batches = ([(t.payload.frame, t.payload.box, t.payload.confidence, source.last, t.payload.feed)]
                   for t in track_sequence(tracker, source, init.box, start, stop, step))
    else:  # the tracker runs in the tracking process, which also sends frames for the live view
        batches = remote.track(recipe, pool.choice(name, settings), start, stop, init.box, live_interval, batch=True,
                               step=step, **_watching(cancelled))
        engine = note = ""
    run_id = run_id or new_run_id(name)
    stale = store.proposals()
    earlier = store.tracker_outputs(name) if outputs is not None else {}
    rate = _Rate()
    written = 0
    done = 0
    try:
        for batch in batches:  # one frame in this thread; what arrived meanwhile from the process
            if cancelled is not None and cancelled():
                # Stop came while this batch was on its way: nothing after it is written, and the run
                # ends as stopped (returning, it read "106 frames tracked (done)" of a run stopped midway)
                raise Cancelled("stopped")
            if remote is not None:
                engine = remote.engine
                note = note or remote.take_note()
            frames = [item[0] for item in batch]
            current = store.records(min(frames), max(frames) + 1)
            new, rows, shown, fps, protected, last_feed = [], [], None, 0.0, False, ""
            for frame, box, confidence, pair, feed in batch:
                done += 1
                fps = rate.tick()
                if frame == start:
                    continue
                if keeps_tracking_out(current.get(frame)):  # a human or accepted box appeared meanwhile
                    protected = True
                    break
                thermal = carried_thermal(box, init)  # a misaligned pair: the thermal box follows
                new.append(FrameAnnotation(frame, box, thermal_box=thermal, provenance=Provenance.STUDENT,
                                           confidence=float(np.clip(confidence, 0.0, 1.0))))
                rows.append((frame, box, confidence))
                last_feed = feed
                if pair is not None:
                    shown = (frame, box, confidence, pair)
            if new:
                command = SetRecords(new, label="track")
                replaced = [r.frame for r in new if r.frame in stale]  # proposals against the boxes replaced
                # one transaction for the batch: its boxes, raw outputs and stale proposals all or none (two
                # left a studio killed between them with boxes whose outputs the 'cut short' note never saw)
                with store.transaction():
                    command.apply(store)
                    store.put_tracker_outputs(name, run_id, rows)
                    if replaced:
                        store.clear_proposals(replaced)
                if applied is not None:
                    applied.append(command)
                if outputs is not None:
                    outputs.update({f: (earlier.get(f), (b, c)) for f, b, c in rows})
                if replaced and dropped is not None:
                    dropped.update({f: stale[f] for f in replaced})
                written += len(new)
                last = new[-1]
                frame, box, confidence, pair = shown or (last.frame, last.box, rows[-1][2], None)
                yield Progress(done, total, f"{label}: frame {last.frame + 1}",
                               TrackUpdate(label, frame, box, confidence, command, pair, fps, engine, last_feed, note))
                note = ""  # said once
            if protected:
                break
    finally:
        batches.close()
    return written


def contiguous_runs(frames: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted frames -> runs ``(start, stop)`` stop exclusive."""
    runs: list[tuple[int, int]] = []
    for frame in sorted(set(int(f) for f in frames)):
        if runs and runs[-1][1] == frame:
            runs[-1] = (runs[-1][0], frame + 1)
        else:
            runs.append((frame, frame + 1))
    return runs


def teacher_anchor(records, frame: int) -> int | None:
    """The frame the teacher starts from to refine ``frame``: the latest human-checked box
    within ``TEACHER_ANCHOR_REACH`` frames before it, else the previous frame's box, else
    the frame's own box; None when none of them holds a box."""
    for f in range(frame - 1, max(-1, frame - 1 - TEACHER_ANCHOR_REACH), -1):
        record = records.get(f)
        if record is not None and record.box is not None and (is_protected(record)
                                                              or record.provenance == Provenance.TEACHER):
            return f
    for f in (frame - 1, frame):
        record = records.get(f)
        if record is not None and record.box is not None:
            return f
    return None


def refine_frames(records, start: int, stop: int, *, below: float | None = None) -> list[int]:
    """Frames in ``[start, stop)`` the teacher should refine: machine boxes (not protected),
    and with ``below`` only tracked boxes whose tracker confidence is under it, the frames the
    timeline flags (a teacher box the user accepted carries the teacher's confidence: "below
    0.40" refined accepted boxes again and put proposals back over them)."""
    out = []
    for frame in range(start, stop):
        record = records.get(frame)
        if record is None or record.box is None or is_protected(record):
            continue
        if below is not None and not (record.provenance == Provenance.STUDENT and record.confidence is not None
                                      and record.confidence < below):
            continue
        out.append(frame)
    return out


def refine_job(pool: TrackerPool, settings: ModelSettings, sequence, store: AnnotationStore,
               frames: Sequence[int], run_id: str | None = None, recipe: Recipe | None = None,
               live_interval: float = 1.0 / 15.0, cancelled: Callable[[], bool] | None = None) -> Job[int]:
    """Teacher proposals for ``frames``: each contiguous run is tracked by the teacher from
    its anchor (``teacher_anchor``); proposals and raw outputs are committed per frame.
    With a ``recipe`` the teacher runs in the pool's refinement process (``refine_process``),
    beside a tracking run in ``process``.
    Returns the number of proposals written."""
    records = store.records()
    plan = []
    for a, b in contiguous_runs(frames):
        anchor = teacher_anchor(records, a)
        if anchor is not None:
            plan.append((anchor, a, b))
    total = sum(b - anchor for anchor, _a, b in plan) or 1
    yield Progress(0, total, "loading the teacher tracker")
    remote = pool.refine_process if recipe is not None else None
    tracker = pool.get("teacher", settings) if remote is None else None
    engine = engine_text(tracker) if tracker is not None else ""
    note = pool.take_note("teacher") if tracker is not None else ""
    run_id = run_id or new_run_id("teacher")
    source = _LastFrame(sequence)
    rate = _Rate()
    done = written = 0
    for anchor, a, b in plan:
        if remote is None:
            inner = ((t.payload.frame, t.payload.box, t.payload.confidence, None, t.payload.feed)
                     for t in track_sequence(tracker, source, records[anchor].box, anchor, b, 1))
        else:
            inner = remote.track(recipe, pool.choice("teacher", settings), anchor, b, records[anchor].box,
                                 live_interval, **_watching(cancelled))
        try:
            for frame, box, raw_confidence, sent_pair, feed in inner:
                done += 1
                fps = rate.tick()
                if remote is not None:
                    engine = remote.engine
                    note = note or remote.take_note()
                if frame < a:
                    yield Progress(done, total, f"teacher: catching up at frame {frame + 1}")
                    continue
                confidence = float("nan") if frame == anchor and anchor == a else float(raw_confidence)
                stored = None if np.isnan(confidence) else confidence
                store.put_proposals(run_id, [(frame, box, stored)])
                store.put_tracker_outputs("teacher", run_id, [(frame, box, stored)])
                written += 1
                pair = source.last if remote is None else sent_pair
                yield Progress(done, total, f"teacher: frame {frame + 1}",
                               TrackUpdate("teacher", frame, box, confidence, None, pair, fps, engine, feed, note))
                note = ""  # said once
        finally:
            inner.close()
    return written
