"""A distillation run (teacher -> student, with its feature adapter) stopped after a
checkpoint and resumed ends at the weights of the uninterrupted run: the adapter, the
optimiser and the RNG come back from training_state.pt."""
from __future__ import annotations

import torch

from core.models import load_checkpoint
from core.progress import run_to_end
from core.training.config import with_overrides
from core.training.trainer import train_job


def test_a_stopped_distillation_resumes_to_the_uninterrupted_weights(tmp_path, tiny_teacher_config,
                                                                   tiny_student_config):
    teacher = run_to_end(train_job(with_overrides(tiny_teacher_config, steps=1), tmp_path / "teacher")).checkpoint
    config = with_overrides(tiny_student_config, steps=4, checkpoint_every=2)
    assert config.distill.feature > 0  # the adapter trains too, and is part of what must come back
    run_to_end(train_job(config, tmp_path / "straight", teacher=teacher))
    job = train_job(config, tmp_path / "split", teacher=teacher)
    for report in job:
        if report.done == 2:
            break
    job.close()
    assert load_checkpoint(tmp_path / "split" / "checkpoint.pt")[1]["step"] == 2
    run_to_end(train_job(config, tmp_path / "split", teacher=teacher, resume=True))
    straight = load_checkpoint(tmp_path / "straight" / "checkpoint.pt")[0].state_dict()
    resumed, extra = load_checkpoint(tmp_path / "split" / "checkpoint.pt")
    assert extra["step"] == 4
    for key, value in resumed.state_dict().items():
        torch.testing.assert_close(value, straight[key], rtol=1e-5, atol=1e-6, msg=key)
    a = torch.load(tmp_path / "straight" / "training_state.pt", weights_only=False)
    b = torch.load(tmp_path / "split" / "training_state.pt", weights_only=False)
    assert a["extra_modules"]["adapter"]
    for key, value in a["extra_modules"]["adapter"].items():
        torch.testing.assert_close(b["extra_modules"]["adapter"][key], value, rtol=1e-5, atol=1e-6, msg=key)
