"""``distill --resume`` of a run that ``train`` made (or ``train --resume`` of a distilled one) said
'training_state.pt does not fit the network and optimiser this config trains (loaded state dict has
a different number of parameter groups); resume with the config the run was trained with': the
config was that one; the command was not. It now names the command that continues the run."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"
STUDENT, TEACHER = str(CONFIGS / "tiny_student.json"), str(CONFIGS / "tiny_teacher.json")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("resume_command")
    assert main(["train", "--config", TEACHER, "--out", str(tmp / "teacher"), "--steps", "1"]) == 0
    assert main(["train", "--config", STUDENT, "--out", str(tmp / "trained"), "--steps", "1"]) == 0
    teacher = tmp / "teacher" / "checkpoint.pt"
    assert main(["distill", "--teacher", str(teacher), "--config", STUDENT, "--out", str(tmp / "distilled"),
                 "--steps", "1"]) == 0
    return tmp, teacher


def test_distill_resume_of_a_trained_run_names_train(runs, capsys):
    tmp, teacher = runs
    before = (tmp / "trained" / "checkpoint.pt").read_bytes()
    code = main(["distill", "--teacher", str(teacher), "--config", STUDENT, "--out", str(tmp / "trained"),
                 "--steps", "2", "--resume"])
    err = capsys.readouterr().err
    assert code != 0 and "parameter groups" not in err
    assert f"{tmp / 'trained'} was trained by `train` (no teacher): continue it with `train --resume`" in err, err
    assert (tmp / "trained" / "checkpoint.pt").read_bytes() == before


def test_train_resume_of_a_distilled_run_names_distill_and_its_teacher(runs, capsys):
    tmp, teacher = runs
    code = main(["train", "--config", STUDENT, "--out", str(tmp / "distilled"), "--steps", "2", "--resume"])
    err = capsys.readouterr().err
    assert code != 0 and "has no attribute" not in err
    assert (f"{tmp / 'distilled'} was distilled from {teacher.resolve()}: continue it with `distill --teacher "
            f"{teacher.resolve()} --resume`") in err, err
