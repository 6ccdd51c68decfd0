"""The ``bench open`` measurements on a tiny generated pair."""
from __future__ import annotations

import argparse
import json

from core.bench.open_speed import format_table, generate_pair, measure, register


def test_measure_tiny_pair(tmp_path):
    visible, thermal = generate_pair(tmp_path, frames=20, width=64, height=48, codec="MJPG")
    result = measure(visible, thermal, codec="MJPG", random_samples=5, repeats=1)
    assert result.frames == 20 and (result.width, result.height) == (64, 48)
    assert result.open_first_frame_ms > 0 and result.sequential_fps > 0
    assert result.random_access_ms_median <= result.random_access_ms_max
    assert "open + first frame" in format_table(result)


def test_cli_writes_json(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    out = tmp_path / "open.json"
    args = parser.parse_args(["open", "--frames", "12", "--size", "48x32", "--random-samples", "3",
                              "--json", str(out)])
    assert args.func(args) == 0
    data = json.loads(out.read_text())
    assert data["frames"] == 12 and data["width"] == 48 and data["height"] == 32
    assert "sequential decode" in capsys.readouterr().out
