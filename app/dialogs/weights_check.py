"""Loading chosen weights off the GUI thread, to check them before Settings keeps them.

Settings > OK loaded a changed weights file on the GUI thread (``core.tracking.factory.
weights_problem``: the network built and its state loaded on the CPU), 1-4 s with the window
frozen on a loaded machine. ``WeightsCheck`` runs the loads on one worker thread of its own and
polls it from the GUI thread: no Qt object is touched off the GUI thread, so a dialog closed while
a load goes on loses nothing but the answer (the load ends unseen on its thread).
"""
from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 50

_executor: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor:
    """The one thread weights are loaded on (made at the first check)."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="weights-check")
    return _executor


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
        self._future = _worker().submit(first_problem, tuple(loads))
        self._timer.start()

    def cancel(self) -> None:
        """Forget the check going on: its load ends on the worker thread, its answer unseen."""
        self._timer.stop()
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
