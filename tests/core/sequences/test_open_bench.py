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


def test_bad_generation_options_are_one_line_before_any_work(tmp_path, capfd, monkeypatch):
    """``bench open --size 0x0`` / ``--codec ZZZZ`` and ``bench memory --size abc`` ended in a
    traceback, ``--frames 0`` in an error about a temporary file, and ``bench memory VISIBLE``
    (no thermal) ignored the video given and generated a 10,000-frame pair; now one line, exit 2."""
    from core.cli import main

    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where a generated pair would go
    video = tmp_path / "visible.mp4"
    video.write_bytes(b"")
    cases = [
        (["open", "--size", "0x0"], "--size 0x0: width and height must be >= 1"),
        (["open", "--size", "abc"], "--size must look like 640x512, got 'abc'"),
        (["open", "--frames", "0"], "--frames must be >= 2, got 0"),
        (["open", "--frames", "3", "--size", "32x32", "--codec", "ZZZZ"], "--codec ZZZZ is not one of mp4v"),
        (["open", "--visible", str(video)], "bench open: give both videos of the pair"),
        (["memory", "--size", "abc"], "--size must look like 640x512"),
        (["memory", "--frames", "0"], "--frames must be >= 2"),
        (["memory", str(video)], "bench memory: give both videos of the pair"),
    ]
    for argv, expected in cases:
        assert main(["bench", *argv]) == 2, argv
        err = capfd.readouterr().err
        assert err.splitlines() == [f"error: {err.strip()[7:]}"] and expected in err, (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visible.mp4"]  # no generated pair left
