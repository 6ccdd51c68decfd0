"""An init checkpoint of another model than the run trains (``train-family --teacher-init
student.pt``, ``train --init`` of another config) is one line before any work: train-family ran a
whole calibration and then said 'no step logged in 60 s of calibration', and train --force removed
the earlier run's metrics before finding it."""
from __future__ import annotations

import pytest

from core.cli import main

from .conftest import CONFIGS


def _checkpoint(path, factory: str):
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    torch.manual_seed(0)
    return save_checkpoint(path, random_model(factory))


@pytest.mark.parametrize("option, factory, trains", [("--teacher-init", "student", "teacher"),
                                                     ("--student-init", "teacher", "student")])
def test_train_family_refuses_an_init_of_the_other_model_before_any_work(option, factory, trains, tmp_path, capsys):
    init = _checkpoint(tmp_path / "init.pt", factory)
    out = tmp_path / "family"
    code = main(["train-family", "--budget-s", "400", "--out", str(out), "--teacher-config",
                 str(CONFIGS / "tiny_teacher.json"), "--student-config", str(CONFIGS / "tiny_student.json"),
                 "--kd-config", str(CONFIGS / "tiny_student.json"), "--teacher-init", "none", "--student-init", "none",
                 option, str(init)])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines() == [
        f"error: {init}: holds a {factory} model, the run trains a {trains}; give a {trains} checkpoint to start "
        "from"], err
    assert not out.exists()


def test_train_init_of_another_config_leaves_the_earlier_run_as_it_was(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "1"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    init = _checkpoint(tmp_path / "other.pt", "student")  # the bundled-scale student: not the tiny one
    code = main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "1",
                 "--init", str(init), "--force"])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines() == [
        f"error: {init}: its model config differs from the run's model config"], err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
