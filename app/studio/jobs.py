"""The studio's long jobs as plain generators (no Qt), run by ``app.studio.worker``.

- :class:`StudentRun`: the student tracks from a frame forward until the next protected
  frame (manual box / keyframe / import, cvat #211), the end, or Stop. Each frame is
  committed to the store from the worker thread (one transaction) before it is reported,
  so a killed process keeps every frame the window has shown. It stops, without
  writing, at a protected frame the user adds while it runs.
- :class:`TeacherRefine`: the teacher re-tracks chosen frames and writes *proposals*
  (and its raw outputs); it never writes records. The user accepts proposals.
- :func:`open_project_job`: opens the footage and the store, reads the first frame.

Boxes are ``x, y, w, h`` float64 pixels of the visible frame.
"""
from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.qt import freeze_heap
from app.studio.review import runs
from app.studio.settings import ModelChoice
from app.studio.sources import Source
from core.annotations.history import Command, is_protected, next_protected_frame
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.progress import Job, Progress
from core.tracking.run import track_sequence

ANCHOR_REACH = 30  # frames the teacher may run before a refined range to start from a human box


class TrackerCache:
    """Loads each tracker once per model choice (on the worker thread that first needs it)."""

    def __init__(self):
        self._trackers: dict[tuple, object] = {}
        self.random: set[str] = set()

    def get(self, model: str, choice: ModelChoice):
        key = (model, choice.weights(model), choice.engine, choice.device, choice.allow_random)
        tracker = self._trackers.get(key)
        if tracker is None:
            from core.tracking.factory import RandomWeightsWarning, load_tracker

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", RandomWeightsWarning)
                tracker = load_tracker(model, choice.weights(model), engine=choice.engine, device=choice.device,
                                       allow_random=choice.allow_random)
            if any(issubclass(w.category, RandomWeightsWarning) for w in caught):
                self.random.add(model)
            self._trackers[key] = tracker
            freeze_heap()  # the model's tensors and modules: never scanned by the GC again
        return tracker

    def describe(self, model: str, choice: ModelChoice) -> str:
        from core.tracking.factory import describe

        tracker = self.get(model, choice)
        text = describe(tracker)
        return text + (" - RANDOM WEIGHTS" if model in self.random else "")


@dataclass(frozen=True)
class Committed:
    """Payload of a run's report: records just committed, the run's speed, and the
    frame pair the tracker read (so the window shows it without decoding again)."""

    records: tuple[FrameAnnotation, ...]
    fps: float
    model: str
    pair: object = None


class _LastRead:
    """A sequence proxy that remembers the last pair read (the tracker's frame)."""

    def __init__(self, sequence):
        self.sequence = sequence
        self.last = None

    def __len__(self) -> int:
        return len(self.sequence)

    def __getitem__(self, index):
        self.last = self.sequence[index]
        return self.last


@dataclass
class AppliedRun(Command):
    """What a run committed, as ONE undo step: ``records`` written, ``previous`` what each
    frame held before (None = nothing). Undo and redo are one transaction each, however
    long the run."""

    records: list[FrameAnnotation]
    previous: dict[int, FrameAnnotation | None]
    label: str = "track"

    @property
    def frames(self) -> list[int]:
        return [r.frame for r in self.records]

    def apply(self, store: AnnotationStore) -> None:
        store.put(self.records)

    def revert(self, store: AnnotationStore) -> None:
        store.put([r for r in self.previous.values() if r is not None])
        store.delete([f for f, r in self.previous.items() if r is None])


@dataclass
class StudentRun:
    """A student run. ``written`` / ``previous``: what it committed and what was there
    before (also after a cancel; :meth:`command` makes them one undo step).
    ``stopped_at``: the protected frame it stopped before, if any."""

    tracker_source: object  # callable () -> Tracker, called on the worker thread
    sequence: object
    store: AnnotationStore
    start: int
    init_box: np.ndarray
    stop: int | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    written: list[FrameAnnotation] = field(default_factory=list)
    previous: dict[int, FrameAnnotation | None] = field(default_factory=dict)
    stopped_at: int | None = None

    @classmethod
    def plan(cls, tracker_source, sequence, store: AnnotationStore, records: Mapping[int, FrameAnnotation],
             start: int, init_box=None) -> StudentRun:
        """A run from ``start`` to the next protected frame (exclusive) or the end.

        init_box: the box on ``start`` (default: the record's box). ValueError when there is none.
        """
        if init_box is None:
            record = records.get(start)
            if record is None or record.box is None:
                raise ValueError(f"frame {start + 1} has no box to track from: draw one first")
            init_box = record.box
        stop = next_protected_frame(records, start, 1)
        return cls(tracker_source, sequence, store, int(start), np.asarray(init_box, np.float64), stop)

    @property
    def label(self) -> str:
        n = len(self.written)
        return f"track {n} frame{'s' if n != 1 else ''} from {self.start + 1}"

    def command(self) -> AppliedRun:
        """The committed frames as one (already applied) undo step."""
        return AppliedRun(list(self.written), dict(self.previous), self.label)

    def job(self) -> Job[StudentRun]:
        tracker = self.tracker_source()
        total = (self.stop if self.stop is not None else len(self.sequence)) - self.start
        start_record = self.store.get(self.start)
        shift = None  # misaligned pair: the thermal box keeps the start frame's offset
        if start_record is not None and start_record.thermal_box is not None and start_record.box is not None:
            shift = start_record.thermal_box[:2] - start_record.box[:2]
        source = _LastRead(self.sequence)
        t0 = time.perf_counter()
        for report in track_sequence(tracker, source, self.init_box, self.start, self.stop):
            tracked = report.payload
            if tracked.frame == self.start:
                yield Progress(report.done, total, "tracking")
                continue
            existing = self.store.get(tracked.frame)
            if is_protected(existing):  # the user made one meanwhile
                self.stopped_at = tracked.frame
                break
            thermal = None if shift is None else np.concatenate([tracked.box[:2] + shift, tracked.box[2:]])
            record = FrameAnnotation(tracked.frame, tracked.box, thermal_box=thermal, provenance=Provenance.STUDENT,
                                     confidence=float(np.clip(tracked.confidence, 0.0, 1.0)))
            self.previous.setdefault(tracked.frame, existing)
            self.store.put([record])  # one transaction: durable before it is reported
            self.written.append(record)
            self.store.put_tracker_outputs("student", self.run_id, [(tracked.frame, tracked.box, tracked.confidence)])
            fps = (report.done - 1) / max(1e-9, time.perf_counter() - t0)
            yield Progress(report.done, total, f"frame {tracked.frame + 1}", Committed((record,), fps, "student", source.last))
        else:
            self.stopped_at = self.stop
        return self


@dataclass
class TeacherRefine:
    """Teacher proposals for ``frames``. Each run of consecutive frames starts from the
    nearest human box within ``ANCHOR_REACH`` frames before it (else from the box on
    the frame before the run, else the run's first box) and is tracked through."""

    tracker_source: object
    sequence: object
    store: AnnotationStore
    records: Mapping[int, FrameAnnotation]
    frames: list[int]
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    proposed: list[int] = field(default_factory=list)

    def _anchor(self, first: int) -> tuple[int, np.ndarray] | None:
        for frame in range(first, max(-1, first - ANCHOR_REACH - 1), -1):
            record = self.records.get(frame)
            if record is not None and record.box is not None and is_protected(record):
                return frame, record.box
        for frame in (first - 1, first):
            record = self.records.get(frame)
            if record is not None and record.box is not None:
                return frame, record.box
        return None

    def job(self) -> Job[TeacherRefine]:
        tracker = self.tracker_source()
        wanted = set(self.frames)
        total = len(wanted)
        done = 0
        t0 = time.perf_counter()
        yield Progress(0, total, "teacher: loading")
        for first, last in runs(self.frames):
            anchor = self._anchor(first)
            if anchor is None:
                continue
            start, box = anchor
            for report in track_sequence(tracker, self.sequence, box, start, last + 1):
                tracked = report.payload
                if tracked.frame not in wanted:
                    continue
                if tracked.frame == start and start == first and is_protected(self.records.get(first)):
                    confidence = 1.0  # a human box proposes itself
                else:
                    confidence = float(tracked.confidence)
                row = [(tracked.frame, tracked.box, confidence)]
                self.store.put_proposals(self.run_id, row)
                self.store.put_tracker_outputs("teacher", self.run_id, row)
                self.proposed.append(tracked.frame)
                done += 1
                fps = done / max(1e-9, time.perf_counter() - t0)
                yield Progress(done, total, f"teacher: frame {tracked.frame + 1}", (tracked.frame, fps))
        return self


def project_store_path(info) -> Path:
    """Where a sequence's project store goes: ``core``'s default beside the footage,
    except for the bundled assets and read-only folders (then the studio home)."""
    import os

    from app.studio.env import PROJECT_ROOT, studio_home
    from core.annotations.store import STORE_SUFFIX, default_store_path

    path = default_store_path(info)
    inside_assets = (PROJECT_ROOT / "assets") in path.absolute().parents
    if inside_assets or not os.access(path.parent, os.W_OK):
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in info.name) or "sequence"
        return studio_home() / "projects" / f"{safe}{STORE_SUFFIX}"
    return path


@dataclass(frozen=True)
class Opened:
    """Result of :func:`open_project_job`."""

    sequence: object
    store: AnnotationStore
    source: Source
    first: object  # FramePair of the frame to show first
    frame: int


def open_project_job(source: Source | None, store_path: str | Path | None = None) -> Job[Opened]:
    """Open the footage and its annotation store; read the first frame to show.

    source None: the footage named in the store at ``store_path`` (a project).
    store_path None: :func:`project_store_path` of the opened sequence. The source is
    saved in the store's meta (key "source") so the project reopens.
    SequenceError / StoreError name the file and the problem.
    """
    from core.errors import SequenceError

    if source is None and store_path is None:
        raise ValueError("open_project_job needs a source or a project path")
    yield Progress(0, 3, "opening")
    store = AnnotationStore.open(store_path) if store_path is not None else None
    sequence = None
    try:
        if source is None:
            saved = store.get_meta("source")
            if saved is None:
                raise SequenceError(store_path, "this project names no footage (no 'source' in its meta)")
            source = Source.from_dict(saved)
        yield Progress(1, 3, f"opening {source.label}")
        sequence = source.open()
        if store is None:
            store = AnnotationStore.open(project_store_path(sequence.info))
        frame = int(store.get_meta("current_frame", 0) or 0)
        frame = min(max(frame, 0), len(sequence) - 1)
        yield Progress(2, 3, "reading the first frame")
        first = sequence[frame]
        store.set_meta("source", source.to_dict())
        store.set_meta("sequence_name", sequence.info.name)
        store.set_meta("frame_offset", source.frame_offset)
    except BaseException:
        if store is not None:
            store.close()
        if sequence is not None:
            sequence.close()
        raise
    return Opened(sequence, store, source, first, frame)
