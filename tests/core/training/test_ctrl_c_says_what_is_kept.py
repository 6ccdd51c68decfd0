"""Ctrl+C during ``train`` / ``distill`` stops the run cleanly (the checkpoint pair is never cut in
half) but said only 'cancelled': not which step the run folder keeps, nor that ``--resume``
continues it, nor, when it came before the first checkpoint, that nothing was kept. It now says
which in one line before 'cancelled'."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


@pytest.fixture(autouse=True)
def _ctrl_c_raises():
    """SIGINT handled as a terminal's Ctrl+C reaches Python: a test run started in the background
    (``.ci/run &`` from a script) inherits SIGINT ignored, and the signal these tests send was
    dropped, the run going on to its end."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("at_step,every", [(2, 1), (1, 3)], ids=["after-a-checkpoint", "before-the-first"])
def test_ctrl_c_names_the_step_the_run_folder_keeps(tmp_path, capsys, monkeypatch, at_step, every):
    import core.training.trainer as trainer

    real_append = trainer.append_metrics

    def append_then_ctrl_c(path, row):  # the metrics row of a step is logged just before its checkpoint
        real_append(path, row)
        if row["step"] == at_step:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(trainer, "append_metrics", append_then_ctrl_c)
    out = tmp_path / "run"
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config["checkpoint_every"] = every
    (tmp_path / "config.json").write_text(json.dumps(config))
    code = main(["train", "--config", str(tmp_path / "config.json"), "--out", str(out), "--steps", "4"])
    assert code == 130
    lines = capsys.readouterr().err.strip().splitlines()
    if every == 1:
        # step 2 was logged, not saved: the folder keeps step 1
        assert lines[-2:] == [f"train: stopped; {out / 'checkpoint.pt'} keeps step 1 of 4 (--resume continues from "
                              "it)", "cancelled"], lines
    else:
        assert lines[-2:] == ["train: stopped before the first checkpoint; nothing was kept", "cancelled"], lines


def test_ctrl_c_before_the_first_checkpoint_of_a_forced_run_does_not_offer_the_old_one(tmp_path, capsys,
                                                                                       monkeypatch):
    """With --force the earlier run's checkpoint.pt stays until the new run's first checkpoint:
    it is not this run's to resume."""
    import core.training.trainer as trainer

    out = tmp_path / "run"
    config = json.loads((CONFIGS / "tiny_student.json").read_text())
    config["checkpoint_every"] = 3
    (tmp_path / "every3.json").write_text(json.dumps(config))
    assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "1"]) == 0
    real_append = trainer.append_metrics

    def append_then_ctrl_c(path, row):
        real_append(path, row)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(trainer, "append_metrics", append_then_ctrl_c)
    capsys.readouterr()
    assert main(["train", "--config", str(tmp_path / "every3.json"), "--out", str(out), "--steps", "4",
                 "--force"]) == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-2:] == ["train: stopped before the first checkpoint; nothing was kept (checkpoint.pt there is "
                          "the earlier run's)", "cancelled"], lines


def test_sigterm_stops_the_run_as_ctrl_c_does(tmp_path, capsys, monkeypatch):
    """A scheduler's time limit, ``docker stop`` or ``kill`` send SIGTERM: the run ended at once with no
    word in its log (and a save in progress cut short). It now stops as Ctrl+C does: the save is
    finished, and the folder's step is said."""
    import signal

    import core.training.trainer as trainer

    class Terminated(Exception):
        pass

    def unhandled(signum, frame):  # what the process would do without the run's own handler: end
        raise Terminated

    previous = signal.signal(signal.SIGTERM, unhandled)
    try:
        real_append = trainer.append_metrics

        def append_then_term(path, row):
            real_append(path, row)
            if row["step"] == 2:
                os.kill(os.getpid(), signal.SIGTERM)

        monkeypatch.setattr(trainer, "append_metrics", append_then_term)
        out = tmp_path / "run"
        assert main(["train", "--config", str(CONFIGS / "tiny_student.json"), "--out", str(out), "--steps", "4"]) == 143
        assert signal.getsignal(signal.SIGTERM) is unhandled  # the run's handler is gone with the run
    finally:
        signal.signal(signal.SIGTERM, previous)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-2:] == [f"train: stopped; {out / 'checkpoint.pt'} keeps step 1 of 4 (--resume continues from it)",
                          "terminated"], lines  # as every command says it (not Ctrl+C's 'cancelled', 130)
