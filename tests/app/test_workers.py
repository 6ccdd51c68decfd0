"""JobRunner (threads, cancel, stale results dropped) and FrameFetcher (latest wins)."""
from __future__ import annotations

import threading
import time

import pytest

from app.qt import ensure_app
from app.workers import FrameFetcher, JobRunner
from core.errors import SequenceError
from core.progress import Progress


@pytest.fixture(autouse=True)
def _app():
    ensure_app()


def counting_job(n, delay=0.0, closed=None):
    try:
        for i in range(n):
            if delay:
                time.sleep(delay)
            yield Progress(i + 1, n, f"step {i + 1}", i)
        return "done"
    finally:
        if closed is not None:
            closed.set()


def test_runs_on_a_worker_thread_and_returns_the_result(qtbot):
    runner = JobRunner("t")
    seen, threads = [], []

    def job():
        threads.append(threading.current_thread())
        yield from counting_job(5)
        return "result"

    runner.progress.connect(lambda g, report: seen.append(report.payload))
    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.start(lambda: job())
    assert blocker.args[1] == "result"
    assert seen == [0, 1, 2, 3, 4]
    assert threads[0] is not threading.main_thread()
    assert not runner.busy


def test_cancel_closes_the_generator_and_drops_later_reports(qtbot):
    runner = JobRunner("t")
    closed = threading.Event()
    seen = []
    runner.progress.connect(lambda g, report: seen.append(report.payload))
    runner.start(lambda: counting_job(1000, 0.005, closed))
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert closed.is_set()
    count = len(seen)
    qtbot.wait(50)
    assert len(seen) == count < 1000


def test_a_new_run_makes_the_old_one_stale(qtbot):
    runner = JobRunner("t")
    results = []
    runner.finished.connect(lambda g, value: results.append((g, value)))
    first = runner.start(lambda: counting_job(200, 0.005))
    second = runner.start(lambda: counting_job(3))
    assert second == first + 1
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    qtbot.wait(100)
    assert results == [(second, "done")]  # the replaced run never reports a result


def test_errors_come_back_as_failed(qtbot):
    runner = JobRunner("t")

    def broken():
        yield Progress(0, 1)
        raise SequenceError("/x/visible.mp4", "cannot decode frame 3")

    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.start(broken)
    assert isinstance(blocker.args[1], SequenceError) and "visible.mp4" in str(blocker.args[1])


def test_synchronous_mode_runs_inline():
    runner = JobRunner("t", synchronous=True)
    got = []
    runner.finished.connect(lambda g, value: got.append(value))
    runner.start(lambda: counting_job(3))
    assert got == ["done"]


class SlowSequence:
    def __init__(self, n=50, delay=0.01):
        self.n, self.delay, self.reads = n, delay, []

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i >= self.n:
            raise SequenceError("/x/seq", f"frame {i} out of range")
        self.reads.append(i)
        time.sleep(self.delay)
        return ("pair", i)


def test_frame_fetcher_answers_only_the_newest_request(qtbot):
    fetcher = FrameFetcher()
    sequence = SlowSequence()
    fetcher.set_sequence(sequence)
    shown = []
    fetcher.ready.connect(lambda frame, pair: shown.append(frame))
    for frame in range(20):  # a fast scrub
        fetcher.request(frame)
    qtbot.waitUntil(lambda: 19 in shown, timeout=5000)
    qtbot.wait(50)
    assert shown[-1] == 19 and len(sequence.reads) < 20  # intermediate frames were skipped
    with qtbot.waitSignal(fetcher.failed, timeout=5000) as blocker:
        fetcher.request(99)
    assert "out of range" in str(blocker.args[1])
    fetcher.shutdown()
