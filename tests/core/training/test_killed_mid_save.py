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
    import core.training.trainer as trainer

    real_save = trainer.save_checkpoint

    def save(path, model, extra):
        if extra["step"] == step and not after:
            raise Killed
        real_save(path, model, extra)
        if extra["step"] == step and after:
            raise Killed

    monkeypatch.setattr(trainer, "save_checkpoint", save)


def _step(path) -> int:
    return load_checkpoint(path)[1]["step"]


@pytest.mark.parametrize("step,after", [(3, True), (3, False), (1, True)],
                         ids=["after-the-checkpoint", "before-the-checkpoint", "after-the-first-checkpoint"])
def test_a_run_killed_while_saving_resumes_to_the_uninterrupted_weights(tmp_path, tiny_student_config, monkeypatch,
                                                                         step, after):
    import core.training.trainer as trainer

    config = with_overrides(tiny_student_config, steps=4, checkpoint_every=1)
    run_to_end(train_job(config, tmp_path / "straight"))
    real_save = trainer.save_checkpoint
    _die_around_checkpoint(monkeypatch, step, after)
    with pytest.raises(Killed):
        run_to_end(train_job(config, tmp_path / "run"))
    assert _step(tmp_path / "run" / "checkpoint.pt") == (step if after else step - 1)
    monkeypatch.setattr(trainer, "save_checkpoint", real_save)
    result = run_to_end(train_job(config, tmp_path / "run", resume=True))
    assert result.step == 4
    state = torch.load(tmp_path / "run" / "training_state.pt", map_location="cpu", weights_only=True)
    assert state["step"] == 4 and sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        "checkpoint.pt", "config.json", "metrics.csv", "training_state.pt"]
    a, b = (load_checkpoint(tmp_path / name / "checkpoint.pt")[0].state_dict() for name in ("straight", "run"))
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6, msg=key)
