"""Loading chosen weights off the GUI thread, to check them before Settings keeps them.

Settings > OK loaded a changed weights file on the GUI thread (``core.tracking.factory.
weights_problem``: the network built and its state loaded on the CPU), 1-4 s with the window
frozen on a loaded machine. ``WeightsCheck`` runs the loads on one worker thread of its own and
polls it from the GUI thread: no Qt object is touched off the GUI thread, so a dialog closed while
a load goes on loses nothing but the answer (the load ends unseen on its thread), and quitting the
studio then does not wait for the load (the thread is a daemon).
"""
from __future__ import annotations

import atexit
import contextlib
import os
import queue
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 50

_tasks: queue.SimpleQueue | None = None
#: set while the worker thread loads weights
_loading = threading.Event()


def _work(tasks: queue.SimpleQueue) -> None:
    while True:
        loads, future = tasks.get()
        if not future.set_running_or_notify_cancel():
            continue
        _loading.set()
        try:
            future.set_result(first_problem(loads))
        except BaseException as error:  # noqa: BLE001 - handed to the GUI thread, which says it
            future.set_exception(error)
        finally:
            _loading.clear()


def _submit(loads: tuple) -> Future:
    """``first_problem(loads)`` on the one thread weights are loaded on (made at the first check).
    A daemon thread, so quitting the studio while a load goes on does not wait for it: a
    ``ThreadPoolExecutor``'s thread is joined at exit, and the window closed, then the process
    lived on until the load ended (up to 4.5 s)."""
    global _tasks
    if _tasks is None:
        _tasks = queue.SimpleQueue()
        threading.Thread(target=_work, args=(_tasks,), name="weights-check", daemon=True).start()
        atexit.register(_leave_if_loading)
    future: Future = Future()
    _tasks.put((loads, future))
    return future


def _leave_if_loading() -> None:
    """At exit, while the worker thread is inside a load: leave without the interpreter's
    finalization, which ends a daemon thread inside torch's C++ code by aborting the process
    ('terminate called without an active exception', status 134; as
    ``core.training.stop_signals._exit_now`` does for a DataLoader worker). The window has closed
    and saved by then; the output is flushed. Status 1 after an uncaught exception, else 0."""
    if not _loading.is_set():
        return
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(1 if getattr(sys, "last_value", None) is not None else 0)


@dataclass(frozen=True)
class WeightsLoad:
    """One file to load: ``label`` ("Student") names it to the user, ``model`` is "student" |
    "teacher", ``path`` the weights file (.pt / .onnx), ``engine`` one of ``app.settings.ENGINES``."""

    label: str
    model: str
    path: str
    engine: str


def first_problem(loads: Sequence[WeightsLoad]) -> str:
    """Load each of ``loads`` in turn (``weights_problem``, on the CPU); the first refusal as one
    line ("Student weights do not load: ..."), "" when all load. Runs on any thread."""
    from core.tracking.factory import weights_problem

    for load in loads:
        try:
            problem = weights_problem(load.model, load.path, load.engine)
        except Exception as error:  # noqa: BLE001 - any failure to load is a reason to refuse the file
            problem = f"{load.path}: {error}"
        if problem is not None:
            return (f"{load.label} weights do not load: {problem}. Choose other weights, or clear the field for "
                    "the bundled weights.")
    return ""


class WeightsCheck(QObject):
    """Runs ``first_problem`` on the worker thread; ``done(str)`` (its answer) on the GUI thread.
    ``cancel`` drops the answer of a check going on. ``synchronous=True`` answers within ``start``
    (tests, screenshots)."""

    done = Signal(str)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self.synchronous = synchronous
        self._future: Future | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def busy(self) -> bool:
        return self._future is not None

    def start(self, loads: Sequence[WeightsLoad]) -> None:
        """Check ``loads`` (a check going on is dropped first)."""
        self.cancel()
        if self.synchronous:
            self.done.emit(first_problem(loads))
            return
        self._future = _submit(tuple(loads))
        self._timer.start()

    def cancel(self) -> None:
        """Forget the check going on: its load ends on the worker thread, its answer unseen (one
        still waiting for the thread is not started)."""
        self._timer.stop()
        if self._future is not None:
            self._future.cancel()
        self._future = None

    def _poll(self) -> None:
        future = self._future
        if future is None or not future.done():
            return
        self.cancel()
        try:
            answer = future.result()
        except Exception as error:  # noqa: BLE001 - first_problem catches what loading raises; said, not raised
            answer = f"The weights could not be checked: {error}"
        self.done.emit(answer)
