"""Ctrl+C while track-dataset --jobs N started its worker processes: each worker, still starting
Python, printed a traceback of multiprocessing's start-up above 'cancelled'. The workers now start
with Ctrl+C ignored (the parent handles it and stops them)."""
from __future__ import annotations

import signal
import subprocess
import sys

from core.worker_processes import children_ignore_stop_signals

_CHILD = ("import signal, sys\n"
          "sys.exit(0 if signal.getsignal(signal.SIGINT) is signal.SIG_IGN else 1)\n")


def test_children_started_in_the_block_ignore_ctrl_c_and_the_parent_handles_it_after():
    before = signal.getsignal(signal.SIGINT)
    with children_ignore_stop_signals():
        inside = subprocess.run([sys.executable, "-c", _CHILD], timeout=60).returncode
    outside = subprocess.run([sys.executable, "-c", _CHILD], timeout=60).returncode
    assert inside == 0, "a child started in the block takes Ctrl+C"
    assert signal.getsignal(signal.SIGINT) is before
    assert outside == (0 if before is signal.SIG_IGN else 1)


def test_track_in_workers_starts_its_workers_in_the_block(monkeypatch):
    """The workers of track_in_workers are started inside :func:`children_ignore_stop_signals`."""
    import contextlib

    import core.commands.dataset_tracking as tracking

    entered = []

    @contextlib.contextmanager
    def watched():
        entered.append("in")
        try:
            yield
        finally:
            entered.append("out")

    class Executor:
        def __init__(self, *args, **kwargs):
            entered.append("executor")

        def submit(self, *args):
            entered.append("submit")
            raise RuntimeError("stop here")

        def shutdown(self, **kwargs):
            entered.append("shutdown")

    import concurrent.futures

    monkeypatch.setattr(tracking, "children_ignore_stop_signals", watched)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Executor)
    try:
        list(tracking.track_in_workers(None, [("a", "b")], 2))
    except RuntimeError:
        pass
    assert entered == ["in", "executor", "submit", "shutdown", "out"], entered
