"""Spawned pool workers end with their parent (core.worker_processes.exit_with_parent)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.worker_processes import exit_with_parent

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# A parent that starts one spawned pool worker, prints its pid and dies by SIGKILL, as a bench or a
# track-dataset run killed from outside does (the Ctrl+C it handles itself shuts the pool down).
PARENT = """
import os, signal, sys
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from core.worker_processes import exit_with_parent

if __name__ == "__main__":
    guard = exit_with_parent if sys.argv[1] == "guarded" else None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=guard)
    print(pool.submit(os.getpid).result(), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state  # a zombie has ended


def _orphaned_worker(tmp_path, mode: str) -> int:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    parent = subprocess.Popen([sys.executable, str(script), mode], stdout=subprocess.PIPE, text=True, env=env)
    try:
        worker = int(parent.stdout.readline())  # the worker keeps the pipe open: never read to its end
        parent.wait(timeout=120)
    finally:
        parent.stdout.close()
        if parent.poll() is None:
            parent.kill()
    return worker


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_ends_when_its_parent_is_killed(tmp_path):
    """Two bench workers whose parent was killed waited for work for hours, 540 MB each."""
    worker = _orphaned_worker(tmp_path, "guarded")
    deadline = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_without_the_guard_the_worker_outlives_its_parent(tmp_path):
    """The case the guard is for: the same pool without it leaves its worker behind."""
    worker = _orphaned_worker(tmp_path, "plain")
    try:
        time.sleep(2)
        assert _alive(worker)
    finally:
        if _alive(worker):
            os.kill(worker, 9)


def test_the_main_process_is_left_alone():
    assert exit_with_parent() is False


def test_the_bench_and_track_dataset_workers_start_the_guard(monkeypatch):
    """Both pools' initialisers: bench accuracy --real --jobs N and track-dataset --jobs N."""
    import core.bench.real_workers as bench_workers
    import core.commands.dataset_tracking as dataset_tracking

    for module, names in ((bench_workers, ("_WORKER_CONTENDERS", "_WORKER_PROGRESS")),
                          (dataset_tracking, ("_WORKER_TRACKER_FOR", "_WORKER_STOP", "_WORKER_PROGRESS"))):
        for name in names:  # the workers' globals, restored after the test
            monkeypatch.setattr(module, name, getattr(module, name))
    started = []
    for module in (bench_workers, dataset_tracking):
        monkeypatch.setattr(module, "exit_with_parent", lambda module=module: started.append(module.__name__))
    monkeypatch.setattr(bench_workers, "use_code_hashes", lambda hashes: None)
    monkeypatch.setattr(dataset_tracking, "tracker_factory", lambda recipe, warn: None)
    monkeypatch.setattr("signal.signal", lambda *args: None)
    bench_workers._worker_start(lambda: [], None, None, {})
    dataset_tracking._worker_start(object(), None)
    assert started == ["core.bench.real_workers", "core.commands.dataset_tracking"]
