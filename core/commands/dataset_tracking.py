"""Tracking the sequences of a dataset for ``track-dataset``: one sequence from its first
ground-truth box into a result file (:func:`track_one`), and many at once in spawned worker
processes (:func:`track_in_workers`), each building its tracker from a picklable
:class:`TrackerRecipe`.

A result file holds one ``x,y,w,h`` line per frame and is written atomically when its
sequence ends, so a stop (Ctrl+C, a crash) never leaves half a file.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from core.worker_processes import children_ignore_stop_signals, exit_with_parent


@dataclass(frozen=True)
class TrackerRecipe:
    """What a process needs to build the command's tracker (picklable, for ``--jobs``)."""

    tracker: str
    weights: str | None
    engine: str
    device: str
    threads: int | None
    random_weights: bool
    streams: str
    hold_when_lost: bool = False
    pair_correlation: bool | None = None  # None: the TrackerConfig default
    pair_shape: bool | None = None
    pixel_match: bool | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one sequence folder: ``written``, ``kept`` (a result existed),
    ``skipped`` (``problem`` says why) or ``stopped`` (Ctrl+C in a worker process);
    ``note``: what the user should know about a written result: its inputs do not match
    (the streams' frame counts or rates differ, the ground truth runs past the footage: a
    frame may be missing, and the scores of the result with it)."""

    name: str
    status: str
    problem: str = ""
    frames: int = 0
    seconds: float = 0.0
    note: str = ""


def _until(job, should_stop, on_report=None):
    """``job`` passed through, closed with ``Cancelled`` before the next frame once
    ``should_stop()`` is true; ``on_report(report)`` (optional) sees every report."""
    from core.errors import Cancelled

    try:
        while True:
            if should_stop():
                raise Cancelled("stopped before the sequence's end")
            try:
                report = next(job)
            except StopIteration as stop:
                return stop.value
            if on_report is not None:
                on_report(report)
            yield report
    finally:
        job.close()


def track_one(tracker_for, folder: Path, out: Path, *, show_progress: bool = True,
              should_stop=lambda: False, on_report=None) -> Outcome:
    """Track the sequence in ``folder`` from its ground-truth box on frame 1 and write ``out``
    atomically; ``tracker_for(info)`` gives the tracker for the opened sequence;
    ``show_progress``: a bar (or plain lines) on stderr while it runs; ``should_stop()`` is
    asked before every frame, and when true the sequence ends as ``stopped`` with nothing
    written; ``on_report(report)`` (optional) sees every frame's ``Progress`` (frames done
    and in all)."""
    from core.commands.track_setup import check_init_box, format_boxes, ground_truth_init
    from core.errors import Cancelled, RGBTError
    from core.fileio import write_text_atomic
    from core.progress import run_with_bar
    from core.sequences.open_folder import open_sequence
    from core.tracking.run import track_sequence

    started = time.perf_counter()
    try:
        sequence = open_sequence(folder)
    except RGBTError as error:
        return Outcome(folder.name, "skipped", str(error))
    try:
        init = ground_truth_init(sequence, 0, hint="track-dataset starts every sequence from its ground-truth box on "
                                                   "frame 1 (track it alone with track --init x,y,w,h)")
        check_init_box(init, sequence.info.width, sequence.info.height, "the ground-truth box on frame 1")
        tracker = tracker_for(sequence.info)
        results = run_with_bar(_until(track_sequence(tracker, sequence, init, 0), should_stop, on_report),
                               f"track {folder.name}", disable=None if show_progress else True)
    except Cancelled:
        return Outcome(folder.name, "stopped")
    except RGBTError as error:
        return Outcome(folder.name, "skipped", str(error))
    finally:
        sequence.close()
    write_text_atomic(out, format_boxes(results))
    return Outcome(folder.name, "written", frames=len(results), seconds=time.perf_counter() - started,
                   note="; ".join(getattr(sequence, "mismatch_notes", ())))


def tracker_factory(recipe: TrackerRecipe, *, warn: bool = True):
    """``tracker_for(info)``: the network tracker is built once (a missing checkpoint is an error
    here, before any sequence); an OpenCV tracker is built per sequence (its stream depends on
    it). ``warn``: say loudly when the network runs on random weights."""
    from core.commands.track_setup import build_network_tracker
    from core.trackers import TrackerChoice, build_tracker, is_peer
    from core.tracking.tracker_config import TrackerConfig, switched_options

    choice = TrackerChoice(recipe.tracker, recipe.weights, recipe.engine, recipe.device, recipe.threads,
                           recipe.random_weights, "auto")
    if is_peer(recipe.tracker):
        return lambda info: build_tracker(choice, info)
    config = TrackerConfig(streams=recipe.streams, **switched_options(
        distractor_memory=False, online_filter=True, hold_when_lost=recipe.hold_when_lost,
        pair_correlation=recipe.pair_correlation, pair_shape=recipe.pair_shape, pixel_match=recipe.pixel_match))
    tracker = build_network_tracker(choice, config, warn=warn)
    return lambda info: tracker


_WORKER_TRACKER_FOR = None  # a worker process's tracker_for, built once by _worker_start
_WORKER_STOP = None  # the parent's stop event (multiprocessing.Event)
_WORKER_PROGRESS = None  # the parent's progress queue (multiprocessing.Queue): (name, done, total)
WORKER_REPORT_S = 1.0  # a worker puts its sequence's progress on the queue at most this often


def _worker_start(recipe: TrackerRecipe, stop, progress=None) -> None:
    """Worker initialiser: Ctrl+C is the parent's to handle (it sets ``stop``, which the worker
    reads before every frame), the progress queue, then the tracker."""
    import signal

    global _WORKER_TRACKER_FOR, _WORKER_STOP, _WORKER_PROGRESS
    exit_with_parent()  # a track-dataset killed by anything but Ctrl+C left its workers waiting for good
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_STOP = stop
    _WORKER_PROGRESS = progress
    if progress is not None:
        progress.cancel_join_thread()  # progress left unread at the end never holds up the worker's exit
    _WORKER_TRACKER_FOR = tracker_factory(recipe, warn=False)


def _progress_sender(name: str, queue, every_s: float = WORKER_REPORT_S):
    """``on_report`` for :func:`track_one` in a worker: ``(name, done, total)`` on ``queue``, for
    the first report and then at most every ``every_s`` seconds."""
    last = [None]

    def send(report) -> None:
        now = time.monotonic()
        if last[0] is None or now - last[0] >= every_s:
            last[0] = now
            queue.put((name, int(report.done), report.total))

    return send


def _worker_track(folder: Path, out: Path) -> Outcome:
    assert _WORKER_TRACKER_FOR is not None and _WORKER_STOP is not None, "worker not initialised"
    if _WORKER_STOP.is_set():
        return Outcome(folder.name, "stopped")
    on_report = None if _WORKER_PROGRESS is None else _progress_sender(folder.name, _WORKER_PROGRESS)
    return track_one(_WORKER_TRACKER_FOR, folder, out, show_progress=False, should_stop=_WORKER_STOP.is_set,
                     on_report=on_report)


def track_in_workers(recipe: TrackerRecipe, todo: list[tuple[Path, Path]], jobs: int, on_progress=None,
                     *, poll_s: float = 1.0):
    """Yield the :class:`Outcome` of every ``(folder, out)`` of ``todo`` as it finishes, tracked
    in ``jobs`` spawned worker processes, started in ``todo``'s order. On Ctrl+C the workers
    stop before their next frame and what has not started is cancelled; a result is only ever
    written whole. ``on_progress(running)`` (optional) is called about every ``poll_s``
    seconds while sequences run, with ``{name: (frames done, frames in all or None)}`` of the
    sequences in progress (their workers report at most every ``WORKER_REPORT_S`` seconds)."""
    import multiprocessing
    import queue as queues
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")  # no forked torch / OpenCV / ONNX Runtime state
    with children_ignore_stop_signals():  # the workers (and the semaphores' tracker) start with Ctrl+C ignored
        stop = context.Event()
        progress = context.Queue() if on_progress is not None else None
        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start,
                                       initargs=(recipe, stop, progress))
        try:
            pending = {executor.submit(_worker_track, folder, out) for folder, out in todo}  # starts the workers
        except BaseException:
            executor.shutdown(wait=True, cancel_futures=True)
            raise
    running: dict[str, tuple[int, int | None]] = {}
    ended: set[str] = set()  # a report may arrive after its sequence's outcome
    try:
        while pending:
            finished, pending = wait(pending, timeout=poll_s, return_when=FIRST_COMPLETED)
            while progress is not None:
                try:
                    name, done, total = progress.get_nowait()
                except queues.Empty:
                    break
                if name not in ended:
                    running[name] = (done, total)
            for future in finished:
                outcome = future.result()
                ended.add(outcome.name)
                running.pop(outcome.name, None)
                yield outcome
            if on_progress is not None and running and pending:
                on_progress(dict(running))
    except KeyboardInterrupt:
        stop.set()  # the workers drop their sequence before its next frame; nothing half-written
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
