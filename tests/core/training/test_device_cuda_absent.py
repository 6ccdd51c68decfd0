"""``train --device cuda`` (or ``distill``) where PyTorch sees no CUDA device ended in a traceback
('AssertionError: Torch not compiled with CUDA enabled') after the run folder was prepared: with
--force an earlier run's training_state.pt and metrics.csv were already removed. Now one line
before the folder is touched."""
from __future__ import annotations

from pathlib import Path

import torch

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


def test_train_on_an_absent_gpu_is_one_line_and_leaves_the_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    config = str(CONFIGS / "tiny_student.json")
    assert main(["train", "--config", config, "--out", str(out), "--steps", "1"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    capsys.readouterr()
    assert main(["train", "--config", config, "--out", str(out), "--steps", "1", "--force", "--device", "cuda"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["error: --device cuda: PyTorch sees no CUDA device here (give --device cpu, or auto: the GPU "
                     "when there is one)"], lines
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
