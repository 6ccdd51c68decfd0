"""Spawned worker processes that end with the process that started them.

``bench accuracy --real --jobs N`` and ``track-dataset --jobs N`` share their work out to a
``concurrent.futures.ProcessPoolExecutor`` of spawned processes. A spawned worker holds both
ends of the pool's queues, so when its parent is killed (``kill``, ``timeout``, a closed
terminal's SIGHUP: anything but the Ctrl+C the parent handles) the worker never reads an end
of file: it waited for work forever, holding its models (two bench workers held 540 MB each
for hours). :func:`exit_with_parent` in a worker's initialiser ends it as soon as the parent
is gone. :func:`children_ignore_stop_signals` starts the workers with Ctrl+C and SIGTERM
ignored: the parent handles them and stops its workers (the data loader of ``train`` too).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading

#: the exit status of a worker whose parent went away
ORPHAN_EXIT_STATUS = 1


def exit_with_parent() -> bool:
    """In a spawned worker process: start a daemon thread that waits on the parent process's
    sentinel and ends this process at once (``os._exit``, no clean-up: the parent that would
    read its results is gone) when the parent ends. Returns False, doing nothing, in a process
    that was not started by ``multiprocessing`` (the main process)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return False

    def end_with_parent() -> None:
        parent.join()  # returns when the parent's sentinel becomes ready: the parent has ended
        os._exit(ORPHAN_EXIT_STATUS)

    threading.Thread(target=end_with_parent, name="exit-with-parent", daemon=True).start()
    return True


@contextlib.contextmanager
def children_ignore_stop_signals():
    """Ctrl+C (SIGINT) and SIGTERM ignored in this process while the block starts child
    processes, so that they start with both ignored (an ignored signal stays ignored across a
    spawn's exec; a handler, or a blocked mask, does not). A terminal's Ctrl+C reaches the whole
    process group, a scheduler's SIGTERM the whole job: a worker still starting Python (or
    importing torch) died of it with a traceback of multiprocessing's start-up above the
    parent's 'cancelled'. The parent handles both again after the block and stops its workers;
    a signal that comes during the block itself, while the processes are launched
    (milliseconds), is dropped. Nothing is changed outside the main thread, where signal
    handlers cannot be set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
