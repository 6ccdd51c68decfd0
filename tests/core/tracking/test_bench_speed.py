"""``bench speed``: rows, ratios, table and JSON (tiny run: bundled student, 2 frames)."""
from __future__ import annotations

import json

import pytest

from core.bench.speed import SpeedRow, format_table, ratios
from core.cli import main

KEYS = {"model", "scale", "engine", "device", "fps_end_to_end", "fps_network", "params", "gflops"}


def test_bench_speed_json(tmp_path, capsys):
    out = tmp_path / "speed.json"
    code = main(["bench", "speed", "--model", "student", "--scale", "bundled", "--frames", "2", "--threads", "1",
                 "--device", "cpu", "--json", str(out)])
    assert code == 0
    rows = json.loads(out.read_text())
    assert [(r["model"], r["scale"], r["engine"]) for r in rows] == [("student", "bundled", "torch"),
                                                                     ("student", "bundled", "onnx"),
                                                                     ("student", "bundled", "int8")]
    for row in rows:
        assert set(row) == KEYS and row["device"] == "cpu"
        # both timings are measured (no relation between them is asserted: two frames on a
        # loaded machine are timing noise, and speed is for ``bench speed``, not tests)
        assert row["fps_end_to_end"] > 0 and row["fps_network"] > 0
        assert row["params"] > 100_000 and row["gflops"] > 0.1
    assert "student  bundled  onnx" in capsys.readouterr().out
    assert main(["bench", "speed", "--model", "student", "--scale", "bundled", "--frames", "2", "--threads", "1",
                 "--device", "cpu", "--engine", "both", "--json", str(out)]) == 0
    assert [r["engine"] for r in json.loads(out.read_text())] == ["torch", "onnx"]


def test_ratios_and_table():
    rows = [SpeedRow("teacher", "paper", "onnx", "cpu", 2.0, 2.5, 115_000_000, 126.0),
            SpeedRow("student", "paper", "onnx", "cpu", 7.0, 10.0, 60_000_000, 60.0),
            SpeedRow("student", "bundled", "torch", "cpu", 40.0, 50.0, 600_000, 0.6)]
    assert ratios(rows) == [("paper", "onnx", pytest.approx(3.5), pytest.approx(4.0))]
    table = format_table(rows, 2)
    assert "paper onnx: end to end 3.50x, network 4.00x" in table and "115.00M" in table


def test_models_of_one_configuration_are_timed_in_turn():
    """A frame of each model in turn: a machine that slows down during the run slows both."""
    from core.bench.speed import _interleaved_medians

    calls = []
    medians = _interleaved_medians({"teacher": lambda i: calls.append(("teacher", i)),
                                    "student": lambda i: calls.append(("student", i))}, frames=5, warmup=1, turn=2)
    # turns of 1 warm-up + 2 timed calls each, until each model has 5 timed calls
    assert [m for m, _ in calls] == ["teacher"] * 3 + ["student"] * 3 + ["teacher"] * 3 + ["student"] * 3 + \
        ["teacher"] * 2 + ["student"] * 2
    assert [i for m, i in calls if m == "teacher"] == list(range(8))
    assert set(medians) == {"teacher", "student"} and all(v >= 0 for v in medians.values())
