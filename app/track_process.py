"""Tracking in a child process, so the studio's interpreter (and its GIL) stays free for
the GUI while a tracker runs.

Measured with ``bench studio`` on 2 cores (docs/studio.md): with the tracker on a worker
*thread*, the GUI thread waits for the interpreter lock while the tracker's Python code
(crops, normalisation, decoding of the outputs) runs, and the worst event-loop stall
grew with it; a tracker in another process costs the GUI thread only the OS scheduling.

The child (``_child_main``, spawned, no Qt) opens its own copy of the sequence from a
:class:`Recipe` (the sources recorded in the project), builds the tracker from a
``core.trackers.TrackerChoice`` (both cached across runs; a tracker again when its weights file
changed on disk, :func:`weights_stamp`) and streams
``(frame, box, confidence, pair, feed)`` back over a pipe (``pair``: the decoded
``FramePair`` at most every ``live_interval`` seconds, for the live view, so the GUI's
process never decodes frames while a run goes on; else None); the parent's worker
thread writes the store as before; ``feed``: what the network was fed on that frame
(``TrackedFrame.feed``). A sequence without a recipe (an in-memory one) is tracked in-thread.

Messages parent -> child: ``("prepare", recipe, choice)``, ``("track", recipe, choice,
start, stop, box, live_interval, step)`` (step 1, or -1 tracking back), ``("stop",)``, ``("quit",)``. Child -> parent: ``("ready",
engine_text, note)`` (``note``: "" or, only when the tracker was just built, what its build
skipped: a broken ``.onnx`` beside the weights, run with PyTorch instead,
``core.tracking.factory.onnx_fallback_note``), ``("frame", frame, box, confidence, pair or None, feed)``, ``("done", count)``,
``("error", error_record, traceback_text)``. Boxes: (4,) float64 x, y, w, h.
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from core.errors import Cancelled, RGBTError


class TrackerProcessError(RGBTError):
    """The tracking process ended unexpectedly (or reported an error of no known type)."""


def error_record(error: BaseException) -> dict:
    """A picklable description of ``error`` (the project's typed errors do not unpickle)."""
    return {"module": type(error).__module__, "name": type(error).__name__, "message": str(error),
            "path": None if getattr(error, "path", None) is None else str(error.path),
            "problem": getattr(error, "problem", None), "line": getattr(error, "line", None)}


def rebuild_error(record: dict) -> BaseException:
    """The exception ``error_record`` described: the same typed error where it can be
    rebuilt (``FileProblem`` kinds keep path and problem), else TrackerProcessError."""
    import importlib

    from core.errors import FileProblem

    try:
        cls = getattr(importlib.import_module(record["module"]), record["name"])
        if isinstance(cls, type) and issubclass(cls, FileProblem) and record["problem"] is not None:
            return cls(record["path"], record["problem"], line=record["line"])
        if isinstance(cls, type) and issubclass(cls, (RGBTError, ValueError)):
            return cls(record["message"])
    except Exception:  # an error type that cannot be rebuilt: its text still says what happened
        pass
    return TrackerProcessError(f"{record['name']}: {record['message']}")


@dataclass(frozen=True)
class Recipe:
    """How to open a project's sequence again: ``kind`` "pair" (paths visible, thermal)
    or "sequence" (a folder), and the pair's frame offset."""

    kind: str
    paths: tuple[str, ...]
    frame_offset: int = 0

    def open(self):
        from core.sequences import open_pair, open_sequence

        if self.kind == "pair":
            return open_pair(self.paths[0], self.paths[1], frame_offset=self.frame_offset)
        return open_sequence(self.paths[0])


def recipe_for(store) -> Recipe | None:
    """The recipe recorded in an annotation store's meta (``app.project``), or None."""
    meta = store.meta()
    kind, paths = meta.get("source_kind"), tuple(str(p) for p in meta.get("sources") or ())
    if kind == "pair" and len(paths) == 2 or kind == "sequence" and len(paths) == 1:
        return Recipe(kind, paths, int(meta.get("frame_offset", 0) or 0))
    return None


def usable_cores() -> int:
    """The CPU cores this process may run on: its affinity mask where the OS has one (``taskset``,
    ``docker --cpuset-cpus``, a batch scheduler's slot), else ``os.cpu_count()`` (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity masks here (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def default_threads() -> int:
    """CPU threads for a tracker beside the GUI: all usable cores but one (at least 1). The
    machine's count (``os.cpu_count()``) gave 63 threads to a studio pinned to 2 of 64 cores,
    and the engine's threads then fought each other and the GUI for those 2."""
    return max(1, usable_cores() - 1)


def _send_error(conn, error: BaseException) -> None:
    conn.send(("error", error_record(error), traceback.format_exc()))


class _Remembering:
    """A sequence view that keeps the last frame read (sent for the live view)."""

    def __init__(self, sequence):
        self.sequence, self.last = sequence, None

    def __len__(self) -> int:
        return len(self.sequence)

    def __getitem__(self, index):
        self.last = self.sequence[index]
        return self.last


def weights_stamp(choice) -> tuple:
    """What the weights ``choice`` names look like on disk now: (path, mtime_ns, size) of its
    weights file and of the ONNX exports beside it that ``--engine auto`` may take
    (``<stem>.onnx``, ``<stem>.int8.onnx``), () for the bundled weights or an OpenCV tracker.
    A tracker built for another stamp is stale: a training run or export-onnx wrote the file anew."""
    from pathlib import Path

    weights = getattr(choice, "weights", None)
    if not weights:
        return ()
    path = Path(weights)
    stamp = []
    for file in (path, path.with_suffix(".onnx"), path.with_suffix(".int8.onnx")):
        try:
            info = file.stat()
        except OSError:
            continue
        stamp.append((str(file), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def with_loop_settings(tracker, settings):
    """``tracker`` with the studio's test-loop settings applied: the distractor memory
    (``core.tracking.distractors``), the online filter (``core.tracking.online_filter``),
    holding the box while the target is lost, the correlation on two-stream pairs
    (``core.tracking.pair_correlation``) and the drawn shape kept on them on or off, the reported
    centre matched on the drawn target's pixels (``core.tracking.pixel_match``) on or off, and the
    streams the network is fed
    (``TrackerConfig.streams``). ``settings``: the studio's ``ModelSettings`` or a
    ``core.trackers.TrackerChoice`` (the same names). Trackers without a ``TrackerConfig`` (the OpenCV peers, test
    doubles) are returned as they are."""
    config = getattr(tracker, "config", None)
    if not hasattr(config, "distractor_gate"):
        return tracker
    from core.tracking.tracker_config import switched_options

    options = switched_options(distractor_memory=settings.distractor_memory, online_filter=settings.online_filter,
                               hold_when_lost=settings.hold_when_lost, pair_correlation=settings.pair_correlation,
                               pair_shape=settings.pair_shape, pixel_match=settings.pixel_match)
    options["streams"] = settings.streams
    if any(getattr(config, name) != value for name, value in options.items()):
        tracker.config = dataclasses.replace(config, **options)
    return tracker


#: the ``TrackerChoice`` fields of the test loop, which ``with_loop_settings`` applies to a built
#: tracker: a tracker is built again only for a change of the others (the network)
LOOP_FIELDS = ("distractor_memory", "online_filter", "streams", "hold_when_lost", "pair_correlation", "pair_shape",
               "pixel_match")


def network_choice(choice):
    """``choice`` with its test-loop fields (:data:`LOOP_FIELDS`) at their defaults: what names the
    network the tracking process keeps. Keyed by the whole choice, each switch of a loop option in
    File > Settings loaded the weights again and kept every copy: with the paper-scale teacher
    5-9 s and 450-800 MB more a switch."""
    defaults = {f.name: f.default for f in dataclasses.fields(choice) if f.name in LOOP_FIELDS}
    return dataclasses.replace(choice, **defaults)


def _child_main(conn) -> None:  # the child process: no Qt here
    import warnings

    from core.trackers import build_tracker, engine_text
    from core.tracking.factory import RandomWeightsWarning, load_with_onnx_fallback
    from core.tracking.run import track_sequence

    warnings.simplefilter("ignore", RandomWeightsWarning)
    sequences: dict = {}
    trackers: dict = {}

    def prepare(recipe, choice):
        """(sequence, tracker, note): ``note`` is said once, by the build that fell back."""
        if recipe not in sequences:
            for old in sequences.values():
                old.close()
            sequences.clear()
            sequences[recipe] = recipe.open()
        sequence = sequences[recipe]
        key = (network_choice(choice), bool(getattr(sequence.info, "thermal_only", False)))
        stamp = weights_stamp(choice)  # the file written anew since (a training run's next checkpoint): built again
        note = ""
        if key not in trackers or trackers[key][0] != stamp:
            tracker, note = load_with_onnx_fallback(
                lambda engine: build_tracker(dataclasses.replace(choice, engine=engine), sequence.info),
                choice.weights, choice.engine)
            # one network kept per tracker (each file tried stayed in memory: a paper-scale teacher 450-800 MB),
            # let go once the new one has loaded: weights that fail to load leave the previous one ready
            for other in [k for k in trackers if k[0].name == choice.name]:
                del trackers[other]
            trackers[key] = (stamp, tracker)
        return sequence, with_loop_settings(trackers[key][1], choice), note

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the studio is gone
            return
        kind = message[0]
        if kind == "quit":
            return
        if kind not in ("prepare", "track"):
            continue
        try:
            sequence, tracker, note = prepare(message[1], message[2])
            conn.send(("ready", engine_text(tracker), note))
            if kind == "prepare":
                continue
            _, _recipe, _choice, start, stop, box, live_interval, step = message
            count = 0
            source = _Remembering(sequence)
            job = track_sequence(tracker, source, box, start, stop, step)
            last_pair = 0.0
            try:
                for report in job:
                    if conn.poll() and conn.recv()[0] == "stop":
                        break
                    tracked = report.payload
                    now = time.perf_counter()
                    pair = None
                    if now - last_pair >= live_interval:
                        pair, last_pair = source.last, now
                    conn.send(("frame", tracked.frame, np.asarray(tracked.box, dtype=np.float64),
                               float(tracked.confidence), pair, tracked.feed))
                    count += 1
            finally:
                job.close()
            conn.send(("done", count))
        except (EOFError, OSError, BrokenPipeError):
            return
        except Exception as error:  # reported to the studio, which shows it
            _send_error(conn, error)


class TrackerProcess:
    """The studio's tracking process: started on first use, reused across runs, one run
    at a time. ``track`` is an iterator of ``(frame, box, confidence)``; closing it early
    stops the child's run."""

    START_TIMEOUT_S = 120.0

    def __init__(self):
        self._process = None
        self._conn = None
        self._lock = threading.Lock()
        self.engine = ""
        #: what the last tracker build skipped ("" when nothing): set by the "ready" of the
        #: run or prepare that built it, read once with :meth:`take_note`
        self.note = ""

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _ensure(self) -> None:
        if self.alive:
            return
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        parent, child = context.Pipe()
        process = context.Process(target=_child_main, args=(child,), name="rgbt-tracker", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent

    def _receive(self, timeout: float | None = None):
        conn = self._conn
        if timeout is not None and not conn.poll(timeout):
            raise TrackerProcessError(f"the tracking process did not answer within {timeout:.0f} s")
        try:
            return conn.recv()
        except (EOFError, OSError) as error:
            self._reset()
            raise TrackerProcessError("the tracking process ended unexpectedly") from error

    def _receive_start(self, cancelled: Callable[[], bool] | None):
        """The child's first answer to a run (its engine, once the tracker has loaded: seconds
        for the teacher). ``cancelled`` is looked at while waiting: Stop then ends the child,
        which reads a "stop" only once it has loaded, and raises ``Cancelled`` (Stop waited
        for the whole load, and the run then wrote a frame)."""
        if cancelled is None:
            return self._receive(self.START_TIMEOUT_S)
        deadline = time.monotonic() + self.START_TIMEOUT_S
        while not self._conn.poll(0.05):
            if cancelled():
                self._reset()
                raise Cancelled("stopped while the tracker was loading")
            if time.monotonic() > deadline:
                raise TrackerProcessError(f"the tracking process did not answer within {self.START_TIMEOUT_S:.0f} s")
        return self._receive()

    def kill(self) -> None:
        """End the child now, whatever it is doing: the window closes and a run did not stop (its
        child is busy in one long call, or hangs, and never reads the "stop"). The worker waiting
        on the pipe then reads its end, and its run ends as failed, keeping what it committed.
        Not under the lock, which that worker holds for the whole run."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    def _reset(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)  # reaped: no defunct child left behind
        self._process, self._conn = None, None

    def prepare(self, recipe: Recipe, choice) -> str:
        """Open the sequence and load the tracker in the child now; its engine text."""
        with self._lock:
            self._ensure()
            self._conn.send(("prepare", recipe, choice))
            message = self._receive(self.START_TIMEOUT_S)
            if message[0] == "error":
                raise rebuild_error(message[1])
            self._ready(message)
            return self.engine

    def _ready(self, message) -> None:
        """Keep the engine text and the build's note of a ("ready", engine, note) message."""
        self.engine = message[1]
        if len(message) > 2 and message[2]:
            self.note = message[2]

    def take_note(self) -> str:
        """The note of the last build that skipped something, once ("" after)."""
        note, self.note = self.note, ""
        return note

    MAX_BATCH = 64

    def track(self, recipe: Recipe, choice, start: int, stop: int, box, live_interval: float = 1.0 / 15.0,
              *, batch: bool = False, cancelled: Callable[[], bool] | None = None, step: int = 1) -> Iterator:
        """Frames ``start`` (the init box) .. ``stop - 1`` tracked in the child (``step`` -1:
        ``start`` down to ``stop + 1``, tracking back):
        ``(frame, box, confidence, pair or None, feed)`` each, or with ``batch`` lists of them
        (every frame already received, at most ``MAX_BATCH``: one store transaction each).
        ``cancelled``: looked at while the child loads the tracker (``_receive_start``)."""
        with self._lock:
            self._ensure()
            self._conn.send(("track", recipe, choice, int(start), int(stop), np.asarray(box, dtype=np.float64),
                             float(live_interval), int(step)))
            finished = False
            try:
                message = self._receive_start(cancelled)
                if message[0] == "error":
                    finished = True
                    raise rebuild_error(message[1])
                self._ready(message)
                while True:
                    message = self._receive()
                    if message[0] == "frame":
                        if not batch:
                            yield tuple(message[1:6])
                            continue
                        items, end = [tuple(message[1:6])], None
                        while len(items) < self.MAX_BATCH and self._conn.poll():
                            message = self._receive()
                            if message[0] != "frame":
                                end = message
                                break
                            items.append(tuple(message[1:6]))
                        finished = end is not None  # the child's run is over: nothing to stop
                        yield items
                        if end is not None:
                            if end[0] == "error":
                                raise rebuild_error(end[1])
                            return
                    elif message[0] == "done":
                        finished = True
                        return
                    elif message[0] == "error":
                        finished = True
                        raise rebuild_error(message[1])
            finally:
                if not finished and self._conn is not None:
                    self._stop_run()

    def _stop_run(self) -> None:
        try:
            self._conn.send(("stop",))
            while True:
                message = self._receive(30.0)
                if message[0] in ("done", "error"):
                    return
        except (TrackerProcessError, OSError):
            self._reset()

    def shutdown(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(("quit",))
                except OSError:
                    pass
            if self._process is not None:
                self._process.join(5)
            self._reset()
