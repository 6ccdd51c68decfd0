"""A one-step run (a smoke test, the tiny configs) ended with 'train: 1 steps in 3 s'."""
from __future__ import annotations

from pathlib import Path

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


def test_a_one_step_run_says_one_step(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "1"]) == 0
    summary = [line for line in capsys.readouterr().err.splitlines() if line.startswith("train: 1 ")]
    assert len(summary) == 1 and summary[0].startswith("train: 1 step in "), summary
