"""A run killed outright (SIGKILL: the OOM killer, a scheduler's time limit) while it saves its
checkpoint pair resumes. The pair was written file after file: killed after ``checkpoint.pt`` of
step N had replaced the old one and before ``training_state.pt`` of step N did, the folder held a
checkpoint of step N beside a state of step N - k, and ``--resume`` refused it for good
('training_state.pt: names step 2 but checkpoint.pt is at step 3'): the run was lost. A kill leaves
no Python cleanup behind, so here the process 'dies' by an exception that nothing in the save
catches, at the same moment; the files are then as a kill leaves them."""
from __future__ import annotations

import pytest
import torch

from core.models import load_checkpoint
from core.progress import run_to_end
from core.training.config import with_overrides
from core.training.trainer import train_job


class Killed(BaseException):
    """The process ends here: no later line of the save runs."""


def _die_around_checkpoint(monkeypatch, step: int, after: bool) -> None:
    import core.training.checkpoint_pair as pair

    real_save = pair.save_checkpoint

    def save(path, model, extra):
        if extra["step"] == step and not after:
            raise Killed
        real_save(path, model, extra)
        if extra["step"] == step and after:
            raise Killed

    monkeypatch.setattr(pair, "save_checkpoint", save)


def _step(path) -> int:
    return load_checkpoint(path)[1]["step"]


@pytest.mark.parametrize("step,after", [(3, True), (3, False), (1, True)],
                         ids=["after-the-checkpoint", "before-the-checkpoint", "after-the-first-checkpoint"])
def test_a_run_killed_while_saving_resumes_to_the_uninterrupted_weights(tmp_path, tiny_student_config, monkeypatch,
                                                                         step, after):
    import core.training.checkpoint_pair as pair

    config = with_overrides(tiny_student_config, steps=4, checkpoint_every=1)
    run_to_end(train_job(config, tmp_path / "straight"))
    real_save = pair.save_checkpoint
    _die_around_checkpoint(monkeypatch, step, after)
    with pytest.raises(Killed):
        run_to_end(train_job(config, tmp_path / "run"))
    assert _step(tmp_path / "run" / "checkpoint.pt") == (step if after else step - 1)
    monkeypatch.setattr(pair, "save_checkpoint", real_save)
    result = run_to_end(train_job(config, tmp_path / "run", resume=True))
    assert result.step == 4
    state = torch.load(tmp_path / "run" / "training_state.pt", map_location="cpu", weights_only=True)
    assert state["step"] == 4 and sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        "checkpoint.pt", "config.json", "metrics.csv", "training_state.pt"]
    a, b = (load_checkpoint(tmp_path / name / "checkpoint.pt")[0].state_dict() for name in ("straight", "run"))
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6, msg=key)


def test_a_full_disk_while_saving_is_one_line_naming_what_is_kept(tmp_path, monkeypatch, capsys):
    """torch.save reports a full disk as 'RuntimeError: [enforce fail at inline_container.cc:672] .
    unexpected pos 174720 vs 174608' (seen on a full tmpfs); the training state's save let it through
    as a traceback. Now one line: the file, that the disk is full, and the step the folder keeps."""
    import shutil
    from pathlib import Path

    from core.cli import main

    real_save, saves = torch.save, []

    def save(obj, target, *args, **kwargs):
        if "training_state" in Path(target).name:
            saves.append(target)
            if len(saves) == 2:  # the second checkpoint's state: the disk is full
                monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10 << 20, 10 << 20, 0))
                raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 174720 vs 174608")
        return real_save(obj, target, *args, **kwargs)

    monkeypatch.setattr(torch, "save", save)
    out = tmp_path / "run"
    config = Path(__file__).resolve().parent / "configs" / "tiny_student.json"
    assert main(["train", "--config", str(config), "--out", str(out), "--steps", "3"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == (
        f"error: {out / 'training_state.pt'}: cannot write (no space left on the disk); the run stopped at step 2: "
        f"{out / 'checkpoint.pt'} keeps step 1 (--resume continues from it)"), err
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "config.json", "metrics.csv", "training_state.pt"]
    assert _step(out / "checkpoint.pt") == 1
    assert torch.load(out / "training_state.pt", map_location="cpu", weights_only=True)["step"] == 1
