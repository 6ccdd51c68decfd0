"""JobRunner: progress and result come back on the GUI thread; cancel closes the job;
a replaced job's reports are dropped (stale); errors are reported, not raised."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from app.studio.worker import JobRunner
from core.progress import Progress


def counting(n, delay=0.0, log=None):
    try:
        for i in range(n):
            time.sleep(delay)
            yield Progress(i + 1, n, f"step {i + 1}", payload=i)
        return n * 10
    finally:
        if log is not None:
            log.append(("closed", threading.current_thread() is threading.main_thread()))


def test_progress_and_result_on_gui_thread(qtbot):
    runner = JobRunner(payload_every_step=True)
    seen, threads = [], []
    runner.progressed.connect(lambda p: (seen.append(p.payload), threads.append(QThread.currentThread())))
    with qtbot.waitSignal(runner.succeeded, timeout=10000) as blocker:
        runner.start(lambda: counting(5))
    assert blocker.args == [50]
    assert seen == [0, 1, 2, 3, 4]
    assert all(t is runner.thread() for t in threads)
    assert not runner.busy


def test_cancel_closes_the_job_in_the_worker(qtbot):
    runner = JobRunner(payload_every_step=True)
    log = []
    with qtbot.waitSignal(runner.progressed, timeout=10000):  # the job is running
        runner.start(lambda: counting(10_000, 0.002, log))
    with qtbot.waitSignal(runner.cancelled, timeout=10000):
        runner.cancel()
    assert log == [("closed", False)]


def test_stale_results_are_dropped(qtbot):
    runner = JobRunner(payload_every_step=True)
    results = []
    runner.succeeded.connect(results.append)
    runner.start(lambda: counting(50, 0.005))
    with qtbot.waitSignal(runner.succeeded, timeout=10000):
        runner.start(lambda: counting(2))  # replaces the first: its result must never arrive
    runner.wait()
    qtbot.wait(100)
    assert results == [20]
    assert runner.generation == 2


def test_failure_is_reported(qtbot):
    def broken():
        yield Progress(0, 1)
        raise ValueError("bad frame")

    runner = JobRunner()
    with qtbot.waitSignal(runner.failed, timeout=10000) as blocker:
        runner.start(broken)
    assert isinstance(blocker.args[0], ValueError) and "bad frame" in str(blocker.args[0])


def test_progress_is_throttled_without_payload_flag(qtbot):
    runner = JobRunner(min_interval_s=10.0)
    seen = []
    runner.progressed.connect(seen.append)
    with qtbot.waitSignal(runner.succeeded, timeout=10000):
        runner.start(lambda: counting(200))
    assert len(seen) == 1


@pytest.mark.parametrize("abandon", [True])
def test_abandoned_job_reports_nothing(qtbot, abandon):
    runner = JobRunner()
    events = []
    for signal in (runner.succeeded, runner.cancelled, runner.failed):
        signal.connect(lambda *a, s=signal: events.append(a))
    runner.start(lambda: counting(1000, 0.002))
    runner.abandon()
    assert runner.wait(10000)
    qtbot.wait(50)
    assert events == [] and not runner.busy
