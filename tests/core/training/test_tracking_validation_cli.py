"""``python -m core.training.tracking_validation CKPT`` (docs/training.md) opened with runpy's
"'core.training.tracking_validation' found in sys.modules ... unpredictable behaviour"
RuntimeWarning (the trainer imported it with the package), named itself 'tracking_validation.py'
in its usage, and a file that is not a checkpoint, or --sequences 0, ended in a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.training.tracking_validation import main

ROOT = Path(__file__).resolve().parents[3]


def test_the_module_runs_without_runpys_warning():
    done = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m", "core.training.tracking_validation",
                           "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "found in sys.modules" not in done.stderr
    assert done.stdout.startswith("usage: python -m core.training.tracking_validation")


def test_a_file_that_is_not_a_checkpoint_is_one_line(tmp_path, capsys):
    bad = tmp_path / "notes.pt"
    bad.write_text("not weights\n")
    assert main([str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {bad}: ") and captured.err.count("\n") == 1
    assert captured.out == ""


def test_no_sequence_is_argparses_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["x.pt", "--sequences", "0"])
    assert exit_.value.code == 2
    assert "argument --sequences: must be at least 1, got 0" in capsys.readouterr().err
