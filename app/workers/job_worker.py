"""Run a core job generator (``core.progress.Job``) in a QThread.

The request is captured on the GUI thread (``JobRunner.start(factory)``), the generator
runs on a worker thread, and every ``Progress`` it yields comes back to the GUI thread as
a signal carrying the run's *generation*. Starting a new run or cancelling bumps the
generation, so reports of an older run that were already queued are dropped (stale
results never reach the views). Cancel closes the generator between two yields
(``job.close()``: its ``finally`` blocks run, committed work stays committed).

``synchronous=True`` runs the job on the calling thread (tests, the CLI benchmark's
baseline); signals are emitted the same way.
"""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.errors import Cancelled
from core.progress import Job


class _JobThread(QThread):
    """Iterates one generator; forwards reports through the owner's signals."""

    def __init__(self, owner: JobRunner, factory: Callable[[], Job], generation: int):
        super().__init__()
        self._owner = owner
        self._factory = factory
        self.generation = generation
        self.cancel_event = threading.Event()

    def run(self) -> None:  # worker thread
        self._owner._drive(self._factory, self.generation, self.cancel_event)


class JobRunner(QObject):
    """Runs one job at a time; ``progress``, ``finished``, ``failed``, ``cancelled`` carry
    the generation first. ``busy`` is True from ``start`` until the run ends.

    Signals (GUI thread): progress(int gen, object Progress), finished(int gen, object
    result), failed(int gen, object exception, str traceback), cancelled(int gen) for the
    current run only; ended(int gen) after any of them, also for replaced runs.
    """

    progress = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, object, str)
    cancelled = Signal(int)
    ended = Signal(int)
    _report = Signal(int, str, object)  # worker -> GUI thread (queued)

    def __init__(self, name: str = "job", *, synchronous: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.synchronous = synchronous
        self.generation = 0
        self._thread: _JobThread | None = None
        self._threads: set[_JobThread] = set()  # kept alive until they end (stale runs included)
        self._cancel: threading.Event | None = None
        self._busy = False
        self._report.connect(self._on_report)

    # -- GUI thread -----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def cancel_event(self) -> threading.Event | None:
        """The current run's cancel flag (set by ``cancel``), for a job that waits in one call
        (a tracker loading in the tracking process) and must look at it while it waits."""
        return self._cancel

    def start(self, factory: Callable[[], Job]) -> int:
        """Start ``factory()`` (a callable returning a job generator; it is called on the
        worker thread). Cancels a run in progress first. Returns the new generation."""
        if self._busy:
            self.cancel()
        self.generation += 1
        generation = self.generation
        self._busy = True
        if self.synchronous:
            self._cancel = threading.Event()
            self._drive(factory, generation, self._cancel)
            return generation
        thread = _JobThread(self, factory, generation)
        thread.setObjectName(f"{self.name}-{generation}")
        self._cancel = thread.cancel_event
        self._thread = thread
        self._threads.add(thread)
        thread.finished.connect(self._thread_ended)
        thread.start()
        return generation

    def cancel(self) -> None:
        """Ask the running job to stop at its next yield; its later reports are dropped
        except the final ``cancelled`` (emitted once the job has closed)."""
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until every worker thread of this runner ends (tests, shutdown)."""
        return all(thread.wait(timeout_ms) for thread in list(self._threads))

    @Slot()
    def _thread_ended(self) -> None:
        for thread in [t for t in self._threads if t.isFinished()]:
            thread.wait()
            self._threads.discard(thread)

    # -- worker thread --------------------------------------------------------------
    def _drive(self, factory: Callable[[], Job], generation: int, cancel: threading.Event) -> None:
        emit = self._on_report if self.synchronous else self._report.emit
        job = None
        try:
            job = factory()
            while True:
                if cancel.is_set():
                    job.close()
                    emit(generation, "cancelled", None)
                    return
                try:
                    report = next(job)
                except StopIteration as stop:
                    emit(generation, "finished", stop.value)
                    return
                emit(generation, "progress", report)
        except Cancelled:
            emit(generation, "cancelled", None)
        except Exception as error:  # shown to the user as a dialog by the owner
            emit(generation, "failed", (error, traceback.format_exc()))
        finally:
            if job is not None:
                job.close()

    @Slot(int, str, object)
    def _on_report(self, generation: int, kind: str, value: Any) -> None:
        if kind == "progress":
            if generation == self.generation and not (self._cancel and self._cancel.is_set()):
                self.progress.emit(generation, value)
            return
        if generation != self.generation:  # a replaced run: only say that it ended
            self.ended.emit(generation)
            return
        self._busy = False
        if kind == "finished":
            self.finished.emit(generation, value)
        elif kind == "cancelled":
            self.cancelled.emit(generation)
        else:
            error, trace = value
            self.failed.emit(generation, error, trace)
        self.ended.emit(generation)
