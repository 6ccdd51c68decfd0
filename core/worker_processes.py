"""Spawned worker processes that end with the process that started them.

``bench accuracy --real --jobs N`` and ``track-dataset --jobs N`` share their work out to a
``concurrent.futures.ProcessPoolExecutor`` of spawned processes. A spawned worker holds both
ends of the pool's queues, so when its parent is killed (``kill``, ``timeout``, a closed
terminal's SIGHUP: anything but the Ctrl+C the parent handles) the worker never reads an end
of file: it waited for work forever, holding its models (two bench workers held 540 MB each
for hours). :func:`exit_with_parent` in a worker's initialiser ends it as soon as the parent
is gone.
"""
from __future__ import annotations

import multiprocessing
import os
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
