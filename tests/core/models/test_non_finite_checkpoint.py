"""A project checkpoint holding NaN weights (damaged bytes, or written by other code) was exported
by ``export-onnx`` with status 0 ('max |score, size, offset| error vs PyTorch nan': NaN compares
false with the tolerance), and ``train --init`` with it said 'the network diverged at step 1 ...
lower optim.lr', blaming the run. One line naming the file, before any work, nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.cli import main
from core.errors import CheckpointError
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.training.config import load_train_config
from core.training.model_setup import build_training_model
from tests.core.cli_lines import one_error_line

CONFIGS = Path(__file__).resolve().parents[1] / "training" / "configs"
SAID = "holds NaN or infinite values in 1 of its"


@pytest.fixture
def nan_student(tmp_path):
    torch.manual_seed(0)
    model = build_training_model(load_train_config(CONFIGS / "tiny_student.json").model)
    with torch.no_grad():
        next(p for n, p in model.named_parameters() if n.startswith("box_head"))[0].fill_(float("nan"))
    return save_checkpoint(tmp_path / "nan.pt", model)


def test_loading_it_is_refused(nan_student):
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(nan_student)
    assert caught.value.problem.startswith(SAID), caught.value.problem


def test_export_onnx_refuses_it(nan_student, tmp_path, capsys):
    out = tmp_path / "onnx"
    assert main(["export-onnx", "--model", "student", "--weights", str(nan_student), "--out", str(out)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(f"error: {nan_student}: {SAID}")
    assert not (out / "nan.onnx").exists()


def test_train_init_refuses_it_before_the_run_folder_is_touched(nan_student, tmp_path, capsys):
    out = tmp_path / "run"
    config = str(CONFIGS / "tiny_student.json")
    assert main(["train", "--config", config, "--out", str(out), "--steps", "1"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main(["train", "--config", config, "--out", str(out), "--steps", "1", "--force", "--init",
                 str(nan_student)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(f"error: {nan_student}: {SAID}")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
