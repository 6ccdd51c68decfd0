"""``eval ... --json r.json | head -1`` (and every bench's ``--json``): the first print after the
reader went raised BrokenPipeError, and the command ended (status 141, quietly, as designed)
before it wrote the files it was asked for: no r.json. With PYTHONUNBUFFERED (most containers)
that was every time; else once the output passed the stream's buffer. The command now finishes
its work, its output going nowhere, and still ends with 141."""
from __future__ import annotations

import io
import json
import os
import sys

from core.cli import main


def _closed_pipe():
    """A text stream whose reader has gone, written through as under PYTHONUNBUFFERED."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return io.TextIOWrapper(io.FileIO(write_end, "w"), write_through=True, line_buffering=True)


def _dataset(tmp_path):
    gt, results = tmp_path / "gt", tmp_path / "results"
    gt.mkdir()
    results.mkdir()
    for name in ("a", "b"):
        (gt / f"{name}.txt").write_text("10,20,30,40\n11,20,30,40\n")
        (results / f"{name}.txt").write_text("10,20,30,40\n12,20,30,40\n")
    return gt, results


def test_the_files_are_written_after_the_reader_went(tmp_path, monkeypatch, capsys):
    gt, results = _dataset(tmp_path)
    out = tmp_path / "report.json"
    stdout = _closed_pipe()
    monkeypatch.setattr("sys.stdout", stdout)
    code = main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher", "--per-sequence",
                 "--json", str(out), "--plots", str(tmp_path / "plots")])
    assert code == 141
    assert sys.stdout is stdout  # the command's guard is gone with it
    assert capsys.readouterr().err == ""
    assert json.loads(out.read_text())["protocol"] == "lasher"
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["lasher_NPR.png", "lasher_PR.png", "lasher_SR.png"]
    stdout.write("the interpreter's last flush at exit\n")
    stdout.flush()


def test_a_reader_that_stays_changes_nothing(tmp_path, capsys):
    gt, results = _dataset(tmp_path)
    assert main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher"]) == 0
    assert "overall" in capsys.readouterr().out
