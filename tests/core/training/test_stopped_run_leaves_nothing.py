"""A run stopped before its first checkpoint said 'nothing was kept' but left its config.json
(and metrics.csv) in --out; a --force'd one left its new config.json beside the earlier run's
checkpoint.pt."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


@pytest.fixture(autouse=True)
def _ctrl_c_raises():
    """SIGINT handled as a terminal's Ctrl+C reaches Python (a test run started in the background
    inherits SIGINT ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def ctrl_c_at_first_row(monkeypatch):
    import core.training.trainer as trainer

    real_append = trainer.append_metrics

    def append_then_ctrl_c(path, row):
        real_append(path, row)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(trainer, "append_metrics", append_then_ctrl_c)


def _every3(tmp_path) -> Path:
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config["checkpoint_every"] = 3
    path = tmp_path / "every3.json"
    path.write_text(json.dumps(config))
    return path


def test_a_new_run_stopped_before_its_first_checkpoint_leaves_no_folder(tmp_path, capsys, ctrl_c_at_first_row):
    out = tmp_path / "runs" / "run"
    code = main(["train", "--config", str(_every3(tmp_path)), "--out", str(out), "--steps", "4"])
    assert code == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-2:] == ["train: stopped before the first checkpoint; nothing was kept", "cancelled"], lines
    assert not (tmp_path / "runs").exists()  # the folders it made, left empty, are gone


def test_a_run_stopped_in_an_existing_folder_leaves_it_as_it_was(tmp_path, capsys, ctrl_c_at_first_row):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["train", "--config", str(_every3(tmp_path)), "--out", str(out), "--steps", "4"]) == 130
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_forced_run_stopped_before_its_first_checkpoint_puts_the_earlier_config_back(tmp_path, capsys,
                                                                                      monkeypatch):
    out = tmp_path / "run"
    assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "1"]) == 0
    earlier = (out / "config.json").read_text()
    import core.training.trainer as trainer

    real_append = trainer.append_metrics

    def append_then_ctrl_c(path, row):
        real_append(path, row)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(trainer, "append_metrics", append_then_ctrl_c)
    assert main(["train", "--config", str(_every3(tmp_path)), "--out", str(out), "--steps", "4", "--force"]) == 130
    assert (out / "config.json").read_text() == earlier  # the config of the checkpoint.pt still there
    assert (out / "checkpoint.pt").is_file() and not (out / "metrics.csv").exists()
