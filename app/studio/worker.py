"""Run ``core`` job generators off the GUI thread.

A job is a generator yielding ``core.progress.Progress`` and returning its result
(house style). :class:`JobRunner` runs one job at a time in a :class:`QThread`:

- progress, result and errors come back as Qt signals (queued onto the GUI thread);
- ``cancel()`` asks the thread to stop between two steps; the thread then closes the
  generator (its ``finally`` blocks run) and reports ``cancelled``;
- every start bumps a *generation*; reports of an older generation (a job that was
  cancelled or replaced) are dropped, so a stale result never reaches the views.

Progress reports are throttled (``min_interval_s``) except the last one, so a fast job
cannot flood the event loop; ``payload_every_step=True`` keeps every report whose
payload the GUI needs (live boxes), still delivered in order.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from core.progress import Progress


def _lower_priority(niceness: int = 5) -> None:
    """Lower this thread's scheduling priority (Linux: per-thread nice) so the GUI thread
    wins the CPU when both want it. Silently does nothing where unsupported."""
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):
        pass


class _JobThread(QThread):
    progressed = Signal(int, object)  # generation, Progress
    succeeded = Signal(int, object)  # generation, result
    failed = Signal(int, object)  # generation, exception
    cancelled = Signal(int)

    def __init__(self, make_job: Callable[[], object], generation: int, min_interval_s: float,
                 payload_every_step: bool):
        super().__init__()
        self._make_job = make_job
        self.generation = generation
        self._stop = threading.Event()
        self._min_interval = min_interval_s
        self._every = payload_every_step

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:  # worker thread
        _lower_priority()
        job = None
        last = 0.0
        try:
            job = self._make_job()
            while True:
                if self._stop.is_set():
                    job.close()
                    self.cancelled.emit(self.generation)
                    return
                try:
                    report = next(job)
                except StopIteration as stop:
                    self.succeeded.emit(self.generation, stop.value)
                    return
                now = time.monotonic()
                if not isinstance(report, Progress):
                    continue
                if self._every and report.payload is not None or now - last >= self._min_interval:
                    last = now
                    self.progressed.emit(self.generation, report)
        except BaseException as error:  # reported to the GUI, which shows a dialog
            if job is not None:
                job.close()
            self.failed.emit(self.generation, error)


class JobRunner(QObject):
    """Runs at most one job at a time; see the module docstring.

    Signals carry only current-generation reports: ``progressed(Progress)``,
    ``succeeded(result)``, ``failed(exception)``, ``cancelled()``; ``done()`` follows any
    of the last three.
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    done = Signal()

    def __init__(self, parent: QObject | None = None, *, min_interval_s: float = 0.05,
                 payload_every_step: bool = False):
        super().__init__(parent)
        self._generation = 0
        self._thread: _JobThread | None = None
        self._old: list[_JobThread] = []
        self._min_interval = min_interval_s
        self._every = payload_every_step

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, make_job: Callable[[], object]) -> int:
        """Start ``make_job()`` (called on the worker thread) and return its generation.

        A job still running is cancelled first and its reports dropped.
        """
        self.cancel()
        self._generation += 1
        thread = _JobThread(make_job, self._generation, self._min_interval, self._every)
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        thread.cancelled.connect(self._on_cancelled)
        thread.finished.connect(lambda t=thread: self._reap(t))
        self._thread = thread
        thread.start()
        return self._generation

    def cancel(self) -> None:
        """Ask the running job to stop; its later reports are still delivered until it
        acknowledges (``cancelled``), so work it committed is accounted for."""
        if self._thread is not None:
            self._thread.cancel()

    def abandon(self) -> None:
        """Cancel and drop every later report of the running job (stale)."""
        if self._thread is not None:
            self._thread.cancel()
            self._old.append(self._thread)
            self._thread = None
            self._generation += 1

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the running (and abandoned) threads end. For shutdown and tests."""
        ok = True
        for thread in [t for t in [self._thread, *self._old] if t is not None]:
            ok = thread.wait(timeout_ms) and ok
        return ok

    # -- slots (GUI thread) ------------------------------------------------------------
    def _current(self, generation: int) -> bool:
        return generation == self._generation and self._thread is not None

    def _on_progress(self, generation: int, report: Progress) -> None:
        if self._current(generation):
            self.progressed.emit(report)

    def _finish(self) -> None:
        self._old.append(self._thread)
        self._thread = None

    def _on_succeeded(self, generation: int, result) -> None:
        if self._current(generation):
            self._finish()
            self.succeeded.emit(result)
            self.done.emit()

    def _on_failed(self, generation: int, error) -> None:
        if self._current(generation):
            self._finish()
            self.failed.emit(error)
            self.done.emit()

    def _on_cancelled(self, generation: int) -> None:
        if self._current(generation):
            self._finish()
            self.cancelled.emit()
            self.done.emit()

    def _reap(self, thread: _JobThread) -> None:
        if thread in self._old:
            self._old.remove(thread)
        thread.deleteLater()
