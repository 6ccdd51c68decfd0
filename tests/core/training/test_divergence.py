"""A run whose network diverges (an lr far too high) ended in a traceback ending
'FloatingPointError: network produced non-finite boxes'. It is one line naming the step, what to
change, and the checkpoint the run folder keeps (written before the divergence, finite)."""
from __future__ import annotations

import json

import torch

from core.cli import main
from core.models import load_checkpoint

from .conftest import CONFIGS


def test_a_diverging_run_is_one_line_and_keeps_its_last_finite_checkpoint(tmp_path, capsys):
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config.update(steps=4, checkpoint_every=1, optim={"lr": 1e6, "grad_clip": 0, "warmup_steps": 0})
    path = tmp_path / "diverge.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "run"
    assert main(["train", "--config", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {out}: the network diverged at step "), err
    assert "lower optim.lr" in errors[0]
    step = int(errors[0].split("diverged at step ")[1].split()[0])
    assert step >= 2 and f"{out / 'checkpoint.pt'} keeps step {step - 1} (--resume continues from it)" in errors[0]
    model, extra = load_checkpoint(out / "checkpoint.pt")
    assert extra["step"] == step - 1
    assert all(torch.isfinite(v).all() for v in model.state_dict().values() if v.is_floating_point())


def test_weights_gone_non_finite_are_never_written_over_the_last_checkpoint(tmp_path, capsys, monkeypatch):
    """Weights that turned NaN in an update while the loss was still finite were saved as the
    run's checkpoint.pt, over the last good one."""
    from core.training.actors import TaskActor

    forward, calls = TaskActor.forward, []

    def poisoned(self, batch):
        out = forward(self, batch)
        calls.append(1)
        if len(calls) == 2:  # during step 2, after its (finite) loss
            with torch.no_grad():
                next(self.model.parameters()).fill_(float("nan"))
        return out

    monkeypatch.setattr(TaskActor, "forward", poisoned)
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config.update(steps=3, checkpoint_every=1)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "run"
    assert main(["train", "--config", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"error: {out}: the network diverged at step 2 of 3 (its weights are not finite)" in err, err
    model, extra = load_checkpoint(out / "checkpoint.pt")
    assert extra["step"] == 1 and all(torch.isfinite(v).all() for v in model.state_dict().values()
                                      if v.is_floating_point())
