import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from core.cli import main as cli_main
from core.errors import CheckpointError, ConfigError
from core.models import load_checkpoint
from core.progress import Progress, run_to_end
from core.training.config import OptimConfig, load_train_config, with_overrides
from core.training.model_setup import lr_factor
from core.training.trainer import train_job

ROOT = Path(__file__).resolve().parents[3]
CONFIGS = Path(__file__).resolve().parent / "configs"


def _weights(path):
    model, extra = load_checkpoint(path)
    return model.state_dict(), extra


def test_job_yields_progress_and_writes_checkpoint_state_and_metrics(tmp_path, tiny_teacher_config):
    config = with_overrides(tiny_teacher_config, steps=2)
    job = train_job(config, tmp_path / "run")
    reports = []
    while True:
        try:
            reports.append(next(job))
        except StopIteration as stop:
            result = stop.value
            break
    assert all(isinstance(r, Progress) for r in reports) and reports[-1].done == 2 and reports[-1].total == 2
    assert result.step == 2 and result.checkpoint.is_file()
    assert (tmp_path / "run" / "training_state.pt").is_file()
    rows = list(csv.DictReader(open(tmp_path / "run" / "metrics.csv")))
    assert [r["step"] for r in rows] == ["1", "2"] and rows[-1]["val_iou"] != ""
    assert 0.0 <= result.validation["val_iou"] <= 1.0
    _, extra = _weights(result.checkpoint)
    assert extra["step"] == 2 and extra["train_config"]["steps"] == 2


def test_resume_continues_identically(tmp_path, tiny_student_config):
    config = with_overrides(tiny_student_config, steps=4, checkpoint_every=2)
    run_to_end(train_job(config, tmp_path / "straight"))
    # interrupted run: close the job after step 2 (a checkpoint exists), then resume
    job = train_job(config, tmp_path / "split")
    for report in job:
        if report.done == 2:
            break
    job.close()
    assert _weights(tmp_path / "split" / "checkpoint.pt")[1]["step"] == 2
    run_to_end(train_job(config, tmp_path / "split", resume=True))
    a, _ = _weights(tmp_path / "straight" / "checkpoint.pt")
    b, extra = _weights(tmp_path / "split" / "checkpoint.pt")
    assert extra["step"] == 4
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6, msg=key)


def test_resume_without_a_checkpoint_names_the_folder(tmp_path, tiny_teacher_config):
    with pytest.raises(CheckpointError, match="cannot resume"):
        run_to_end(train_job(tiny_teacher_config, tmp_path / "empty", resume=True))


def test_config_rejects_unknown_keys_and_bad_values(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"optim": {"learning_rate": 1}}))
    with pytest.raises(ConfigError, match="learning_rate"):
        load_train_config(bad)
    bad.write_text(json.dumps({"data": {"sources": [{"kind": "synthetic", "weight": 0}]}}))
    with pytest.raises(ConfigError, match="weight"):
        load_train_config(bad)


NOT_TRAINING_CONFIGS = {"real_split.json"}  # the real-footage split (core.real_split)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "configs").glob("*.json")
                                        if p.name not in NOT_TRAINING_CONFIGS))
def test_shipped_configs_load(name):
    config = load_train_config(ROOT / "configs" / name)
    assert config.steps >= 1


def test_step_schedule():
    optim = OptimConfig(decay_at=(0.5, 0.75), gamma=0.1, warmup_steps=2)
    factors = [lr_factor(s, 8, optim) for s in range(8)]
    assert factors == pytest.approx([0.5, 1, 1, 1, 0.1, 0.1, 0.01, 0.01])


def test_train_and_distill_commands_one_step(tmp_path, capsys):
    teacher_out, student_out = tmp_path / "teacher", tmp_path / "student"
    assert cli_main(["train", "--config", str(CONFIGS / "tiny_teacher.json"), "--out", str(teacher_out), "--steps", "1"]) == 0
    assert (teacher_out / "checkpoint.pt").is_file()
    assert cli_main(["distill", "--teacher", str(teacher_out / "checkpoint.pt"), "--config",
                     str(CONFIGS / "tiny_student.json"), "--out", str(student_out), "--steps", "1"]) == 0
    model, extra = load_checkpoint(student_out / "checkpoint.pt")
    assert extra["step"] == 1 and type(model).__name__ == "OneStreamStudent"
    rows = list(csv.DictReader(open(student_out / "metrics.csv")))
    assert float(rows[-1]["kd_feature"]) > 0 and float(rows[-1]["kd_score"]) > 0
    assert cli_main(["distill", "--teacher", str(tmp_path / "missing.pt"), "--config",
                     str(CONFIGS / "tiny_student.json"), "--out", str(student_out)]) == 2
    assert "missing.pt" in capsys.readouterr().err


def test_two_process_gloo_training(tmp_path):
    """torchrun with 2 CPU processes (gloo), 2 steps: both ranks finish, rank 0 writes."""
    env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo", MASTER_ADDR="127.0.0.1")
    out = tmp_path / "ddp"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "main.py", "train",
           "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "2"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    _, extra = load_checkpoint(out / "checkpoint.pt")
    assert extra["step"] == 2
    rows = list(csv.DictReader(open(out / "metrics.csv")))
    assert [r["step"] for r in rows] == ["1", "2"]
    # rank 0 alone reports: every rank printed its progress and its own 'last:' row (another samples_per_s,
    # no validation), so the run's summary came twice and disagreed with itself
    lines = done.stderr.splitlines()
    assert sum(" steps in " in line for line in lines) == 1, done.stderr[-2000:]
    assert sum(line.startswith("last: ") for line in lines) == 1 and "val_iou" in done.stderr
    assert sum(line.startswith("train: 1/2") for line in lines) == 1, done.stderr[-2000:]


def test_a_ctrl_c_between_the_checkpoint_and_the_state_still_leaves_a_resumable_pair(tmp_path, tiny_student_config,
                                                                                      monkeypatch):
    import signal

    import core.training.checkpoint_pair as pair

    real_save = pair.save_checkpoint

    def save_then_interrupt(path, model, extra):
        real_save(path, model, extra)
        if extra["step"] == 3:  # Ctrl-C right after the checkpoint of step 3, before its state
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(pair, "save_checkpoint", save_then_interrupt)
    config = with_overrides(tiny_student_config, steps=4, checkpoint_every=1)
    with pytest.raises(KeyboardInterrupt):
        run_to_end(train_job(config, tmp_path / "run"))
    state = torch.load(tmp_path / "run" / "training_state.pt", map_location="cpu", weights_only=True)
    assert state["step"] == 3 and _weights(tmp_path / "run" / "checkpoint.pt")[1]["step"] == 3
    monkeypatch.setattr(pair, "save_checkpoint", real_save)
    result = run_to_end(train_job(config, tmp_path / "run", resume=True))
    assert result.step == 4


@pytest.mark.parametrize("damage,said", [
    (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
     "corrupt or truncated training state (failed reading zip archive"),
    (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
    (lambda p: torch.save([1, 2], p), "not a training state written by `train` (is not a dict)"),
    (lambda p: torch.save({"step": 1}, p), "not a training state written by `train` (lacks 'optimizer', 'torch_rng')"),
])
def test_resume_from_a_damaged_training_state_is_one_line_naming_it(damage, said, tmp_path, capsys):
    """``train --resume`` read training_state.pt with its own torch.load: a file cut short gave torch's
    advice ('This is an internal miniz error. If you are seeing this error, ...'), one of another shape a
    traceback. Now one line naming the file; the run's files are left as they were."""
    out = tmp_path / "run"
    config = str(CONFIGS / "tiny_teacher.json")
    assert cli_main(["train", "--config", config, "--out", str(out), "--steps", "1"]) == 0
    state = out / "training_state.pt"
    damage(state)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert cli_main(["train", "--config", config, "--out", str(out), "--steps", "2", "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [line for line in err.splitlines() if line.startswith("error: ")] and \
        len(err.splitlines()) == 1, err
    assert err.startswith(f"error: {state}: ") and said in err and "If you are seeing" not in err, err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_resume_with_another_network_s_config_is_one_line(tmp_path, capsys):
    """``train --resume`` with the config of another network than the run trained (a student's config in a
    teacher's run folder, or the same model at another width) ended in a traceback listing torch's size
    mismatches; an optimiser state of another shape in another. One line each, naming the file."""
    out = tmp_path / "run"
    teacher = CONFIGS / "tiny_teacher.json"
    assert cli_main(["train", "--config", str(teacher), "--out", str(out), "--steps", "1"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    wider = json.loads(teacher.read_text())
    wider["model"]["overrides"]["dim"] = 48
    (tmp_path / "wider.json").write_text(json.dumps(wider))
    for config, said in ((CONFIGS / "tiny_student.json", "holds a teacher model, the run trains a student"),
                         (tmp_path / "wider.json", "its model config differs from the run's model config")):
        capsys.readouterr()
        assert cli_main(["train", "--config", str(config), "--out", str(out), "--steps", "2", "--resume"]) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert lines == [f"error: {out / 'checkpoint.pt'}: {said}: --resume continues the network this run trained; "
                         f"give the config it was trained with ({out / 'config.json'})"], lines
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    state = torch.load(out / "training_state.pt", weights_only=True)
    torch.save({**state, "optimizer": {"state": {}, "param_groups": []}}, out / "training_state.pt")
    capsys.readouterr()
    assert cli_main(["train", "--config", str(teacher), "--out", str(out), "--steps", "2", "--resume"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out / 'training_state.pt'}: does not fit the network "
                                                   "and optimiser this config trains ("), lines
