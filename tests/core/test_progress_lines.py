"""Without a terminal, long jobs print plain progress lines (never silent): ``run_with_bar``; a job run inside another: ``relay``."""
from __future__ import annotations

import core.progress as progress
from core.progress import Progress, run_with_bar


def _job(total, returns="done"):
    for i in range(total + 1):
        yield Progress(i, total, f"frame {i}")
    return returns


def test_plain_lines_without_a_terminal(capsys, monkeypatch):
    # pytest's captured stderr is not a terminal: first report, then throttled for fine-grained jobs
    assert run_with_bar(_job(200), "track seq") == "done"
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["track seq: 0/200 frame 0"]
    monkeypatch.setattr(progress, "PLAIN_INTERVAL_S", 0.0)
    run_with_bar(_job(3), "x")
    assert capsys.readouterr().err.splitlines() == ["x: 0/3 frame 0", "x: 1/3 frame 1", "x: 2/3 frame 2",
                                                    "x: 3/3 frame 3"]


def test_coarse_jobs_report_every_step_and_disable_shows_nothing(capsys):
    run_with_bar(_job(8), "bench speed")
    assert len(capsys.readouterr().err.splitlines()) == 9
    run_with_bar(_job(8), "quiet", disable=True)
    assert capsys.readouterr().err == ""


def test_bench_speed_says_what_it_measures_before_each_configuration(monkeypatch):
    import core.bench.speed as speed
    from core.bench.speed import SpeedRow

    monkeypatch.setattr(speed, "build_network", lambda model, scale: (object(), "random"))
    monkeypatch.setattr(speed, "measure_group", lambda networks, scale, engine, *a: [SpeedRow(
        model, scale, engine, "cpu", 10.0, 20.0, 1, 0.1) for model in networks])
    reports = []
    job = speed.speed_bench(("student",), ("bundled",), ("torch", "onnx"), "cpu", 1, 1, 1)
    while True:
        try:
            reports.append(next(job))
        except StopIteration as stop:
            rows = stop.value
            break
    assert [r.message for r in reports] == [
        "measuring student bundled torch", "student bundled torch: 10.0 FPS end to end, 20.0 network",
        "measuring student bundled onnx", "student bundled onnx: 10.0 FPS end to end, 20.0 network"]
    assert [r.done for r in reports] == [0, 1, 1, 2] and len(rows) == 2


def test_relay_passes_reports_on_returns_the_result_and_closes_the_inner_job():
    from core.progress import Progress, relay, run_to_end

    closed = []

    def inner():
        try:
            for k in range(3):
                yield Progress(k + 1, 3, f"step {k + 1}")
            return "done"
        finally:
            closed.append(True)

    seen = []

    def outer():
        result = yield from relay(inner(), lambda r: Progress(10 + r.done, 13, "outer " + r.message))
        seen.append(result)
        return result

    job = outer()
    assert [(r.done, r.total, r.message) for r in job] == [(11, 13, "outer step 1"), (12, 13, "outer step 2"),
                                                           (13, 13, "outer step 3")]
    assert seen == ["done"] and closed == [True]
    assert run_to_end(outer()) == "done"
    stopped = outer()
    next(stopped)
    stopped.close()  # cancelling the larger job stops the inner one at once
    assert closed == [True, True, True]
