"""How a training run meets the signals that stop it (Ctrl+C: SIGINT; a scheduler's time limit
or ``docker stop``: SIGTERM, raised as ``core.cli.Terminated``, a ``KeyboardInterrupt``, by
:func:`core.training.run.run`, so the command line says 'terminated' and status 143 as for every
other command; Ctrl+C is 'cancelled', 130).

- :func:`interrupt_deferred`: a block that a signal does not cut in half (a checkpoint pair's
  save, a batch taken over from a worker): the ``KeyboardInterrupt`` comes when it ends.
- :func:`ignore_stop_signals` (and :func:`core.worker_processes.children_ignore_stop_signals`): data-loader workers
  never act on the signals (a terminal's Ctrl+C reaches the whole process group, a scheduler's
  SIGTERM the whole job); the training process stops the run and shuts them down.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading


@contextlib.contextmanager
def interrupt_deferred(*, second_raises: bool = False):
    """A Ctrl-C (SIGINT) or a SIGTERM (a scheduler's time limit, ``docker stop``) that arrives
    inside the block is raised as ``KeyboardInterrupt`` when the block ends, not in the middle
    of it; a SIGTERM only where the process handles it (:func:`core.training.run.run` does).
    ``second_raises``: a second signal inside the block raises at once (for a block that waits
    on another process, which may never answer). In the main thread only: signal handlers can
    be set nowhere else, and other threads never receive ``KeyboardInterrupt``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def defer(number, frame):
        received.append(number)
        if second_raises and len(received) > 1:
            raise stop_raised(received[0])

    signals = [signal.SIGINT] + ([signal.SIGTERM] if callable(signal.getsignal(signal.SIGTERM)) else [])
    previous = {signum: signal.signal(signum, defer) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        raise stop_raised(received[0])


def stop_raised(signum: int) -> KeyboardInterrupt:
    """The interrupt a stop signal raises: ``core.cli.Terminated`` for SIGTERM ('terminated',
    status 143), a plain KeyboardInterrupt for SIGINT ('cancelled', 130). Training raised a plain
    KeyboardInterrupt for both, so ``train`` said 'cancelled' on SIGTERM where every other command
    says 'terminated'."""
    from core.cli import Terminated

    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def ignore_stop_signals(worker: int) -> None:
    """In a worker, once torch has set its handlers: SIGINT and SIGTERM stay ignored. torch's own
    SIGTERM handler ends a worker that a scheduler's SIGTERM to the whole job reached, and the
    training process then raised 'DataLoader worker is killed by signal: Terminated' (also in the
    middle of saving a checkpoint pair) instead of stopping the run as it does on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    atexit.register(_exit_now)


def _exit_now() -> None:
    """A worker's last act: leave without the interpreter's finalization. Stopped while it still
    had batches in flight, its daemon threads (the queue's feeder, the file-descriptor sharer)
    were inside torch's C++ code when finalization ended them, and the worker aborted
    ('terminate called without an active exception'), which the training process then raised as
    'DataLoader worker is killed by signal: Aborted'. The training process has every batch it
    asked for by the time it stops its workers."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)
