"""train-family: the plan's arithmetic, the progress reader, and one tiny run end to end."""
from __future__ import annotations

import json

import pytest

from core.errors import ConfigError
from core.training.family import FamilyPlan, plan_steps, read_progress

from .conftest import CONFIGS


def test_plan_fills_phase_one_and_caps_the_student_by_what_kd_can_do():
    # teacher: 100 done at 2 steps/s, 100 s left in phase 1 -> 300
    # student: 500 done at 10 steps/s -> 1500 in phase 1, but KD at 7 steps/s x 150 s = 1050
    assert plan_steps(100, 2.0, 500, 10.0, phase1_s=100, phase2_s=150, kd_slowdown=0.7) == (300, 1050)
    # a phase too short to add anything still moves each run one step on
    assert plan_steps(100, 2.0, 500, 10.0, phase1_s=0, phase2_s=0) == (101, 501)


def test_progress_is_read_from_metrics_csv(tmp_path):
    assert read_progress(tmp_path, 4) == (0, None)
    (tmp_path / "metrics.csv").write_text("step,samples_per_s\n10,4.0\n20,40.0\n30,80.0\n", encoding="utf-8")
    step, rate = read_progress(tmp_path, 4)
    assert step == 30 and rate == pytest.approx(15.0)  # the first row (warm-up) is left out


def test_a_plan_too_short_for_its_calibration_or_with_a_missing_file_is_refused(tmp_path):
    config = CONFIGS / "tiny_student.json"
    with pytest.raises(ConfigError, match="at least 4x"):
        FamilyPlan(config, config, config, tmp_path, budget_s=100, calibrate_s=60)
    with pytest.raises(ConfigError, match="missing.pt: file not found"):
        FamilyPlan(config, config, config, tmp_path, budget_s=400, student_init=tmp_path / "missing.pt")


def test_a_config_that_does_not_load_leaves_no_run_folder(tmp_path):
    from core.training.family import train_family

    good = CONFIGS / "tiny_student.json"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"extends": str(good), "seed": -1}), encoding="utf-8")
    out = tmp_path / "family"
    with pytest.raises(ConfigError, match="seed must be >= 0"):
        next(train_family(FamilyPlan(good, good, bad, out, budget_s=400)))
    assert not out.exists()  # it made the folder (and snapshots/) before reading the configs


def test_a_tiny_family_trains_end_to_end(tmp_path):
    """Tiny configs, capped at 10 steps a run (about 40 s): calibration, phase 1, the KD student
    from the phase-1 teacher with the no-KD student's steps; checkpoints and family.json. The
    budget is far above the work, so a loaded machine makes it slower, never a failure: every
    run finishes its planned steps. Keeping to the budget is test_family_deadlines' (a clock
    the test owns): with a 40 s budget the KD run, started about 26 s in, sometimes logged no
    step before it was stopped on a loaded machine."""
    from core.cli import main

    out = tmp_path / "family"
    code = main(["train-family", "--out", str(out), "--budget-s", "600", "--calibrate-s", "10", "--max-steps", "10",
                 "--teacher-config", str(CONFIGS / "tiny_teacher.json"),
                 "--student-config", str(CONFIGS / "tiny_student.json"),
                 "--kd-config", str(CONFIGS / "tiny_student.json"),
                 "--teacher-init", "none", "--student-init", "none", "--workers", "0", "--log-every", "1"])
    assert code == 0
    summary = json.loads((out / "family.json").read_text(encoding="utf-8"))
    assert set(summary["checkpoints"]) == {"teacher", "student_nokd", "student_kd"}
    assert summary["steps"]["student_kd"] == summary["steps"]["student_nokd"]
    assert all(0 < steps <= 10 for steps in summary["steps"].values())
    for run in summary["runs"].values():  # each finished its planned steps, none stopped at a deadline
        assert run["exit_code"] == 0 and not run["stopped_at_deadline"], run
        assert run["steps_done"] == run["steps_planned"], run
    kd_config = json.loads((out / "student_kd.config.json").read_text(encoding="utf-8"))
    assert kd_config["extends"].endswith("tiny_student.json")  # the given config is extended, never edited


def test_a_calibration_run_stopped_between_its_files_starts_afresh(tmp_path):
    """Stopped after writing checkpoint.pt but before training_state.pt, a calibration run
    cannot be resumed; phase 1 starts it afresh in the folder the family owns instead of
    being refused as an earlier run (the train command's guard for users' folders)."""
    from core.training.family import run_command
    from core.training.trainer import prepare_run_folder

    folder = tmp_path / "teacher"
    folder.mkdir()
    (folder / "checkpoint.pt").write_bytes(b"calibration")
    command = run_command(CONFIGS / "tiny_teacher.json", folder, 10, resume=False)
    assert command[0] == "train" and command[-1] == "--force" and "--resume" not in command
    prepare_run_folder(folder, force="--force" in command)  # what the train command checks: no refusal
    assert run_command(CONFIGS / "tiny_student.json", folder, 10, resume=True)[-1] == "--resume"
    kd = run_command(CONFIGS / "tiny_student.json", tmp_path / "kd", 10, resume=False, teacher=folder / "checkpoint.pt")
    assert kd[:3] == ["distill", "--teacher", str(folder / "checkpoint.pt")]


@pytest.mark.parametrize("case", ["student_as_teacher", "other_crops"])
def test_configs_that_cannot_make_the_family_are_refused_before_any_run(tmp_path, case):
    """A teacher config that trains a student, or a teacher of other crops than the KD student's:
    the KD run refused it only in phase 2, after the calibration and phase 1 had spent half
    the budget."""
    from core.training.family import train_family

    student = CONFIGS / "tiny_student.json"
    if case == "student_as_teacher":
        teacher, said = student, f"{student}: trains a student (model.factory); --teacher-config takes a teacher's"
    else:
        teacher = tmp_path / "teacher.json"
        teacher.write_text(json.dumps({"extends": str(CONFIGS / "tiny_teacher.json"), "model": {"overrides": {
            "template_size": 48, "search_size": 96}}}), encoding="utf-8")
        said = (f"{teacher} and {student}: distillation needs the same crop geometry: teacher template_size=48, "
                "student template_size=32")
    out = tmp_path / "family"
    with pytest.raises(ConfigError) as error:
        next(train_family(FamilyPlan(teacher, student, student, out, budget_s=400)))
    assert str(error.value).startswith(said), error.value
    assert not out.exists()


def test_data_that_cannot_be_read_is_refused_before_the_calibration(tmp_path):
    """A config whose data folder does not exist: both calibration runs failed at once, and the
    family said after the whole calibration 'no step logged in 60 s of calibration'."""
    from core.errors import SequenceError
    from core.training.family import train_family

    missing = tmp_path / "no_such_lasher"
    teacher = tmp_path / "teacher.json"
    teacher.write_text(json.dumps({"extends": str(CONFIGS / "tiny_teacher.json"), "data": {"sources": [
        {"kind": "dataset", "options": {"roots": [str(missing)]}}]}}), encoding="utf-8")
    student = CONFIGS / "tiny_student.json"
    out = tmp_path / "family"
    with pytest.raises(SequenceError, match="training data folder does not exist"):
        next(train_family(FamilyPlan(teacher, student, student, out, budget_s=400)))
    assert not out.exists()
