"""``train --resume`` of a run that has already trained its steps: '--steps 4' on a run at step 8
ended with status 0, 'train: 8 steps in 1 s', and the run's config.json rewritten to say 4 steps;
a run at its end 'trained' again with no word. Both are one line and the folder is left as it was;
a changed step count whose lr decays at fractions of the run is noted."""
from __future__ import annotations

from core.cli import main as cli_main

from .conftest import CONFIGS

STUDENT = str(CONFIGS / "tiny_student.json")


def _files(run) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(run.iterdir())}


def test_resume_past_or_at_the_runs_steps_changes_nothing(tmp_path, capsys):
    run = tmp_path / "run"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2"]) == 0
    before = _files(run)
    capsys.readouterr()
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1", "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"error: 1 steps asked (--steps or the config's steps), but the run in "
                                        f"{run} is already at step 2; give --steps above 2 to continue it (nothing "
                                        "was changed)"], err
    assert _files(run) == before
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2", "--resume"]) == 0
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"train: the run in {run} is already at step 2 of 2; nothing to train "
                                        "(--steps above 2 trains it further)"], err
    assert _files(run) == before


def test_resume_to_more_steps_notes_the_schedule_and_continues(tmp_path, capsys):
    run = tmp_path / "run"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    capsys.readouterr()
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2", "--resume"]) == 0
    err = capsys.readouterr().err
    assert "train: 2 steps in" in err
    assert err.strip().splitlines()[-1].startswith(
        f"note: {run} was planned for 1 steps and ran on to 2: from step 1 on its learning rate decayed at the "
        "fractions (optim.decay_at) of 2 steps"), err


def test_resume_after_a_stop_past_the_checkpoint_logs_each_step_once(tmp_path, capsys):
    """A run stopped (Ctrl+C, a crash) after logging steps past its last checkpoint: its resume
    trained those steps again and appended their rows after the old ones, so metrics.csv held
    'step 134' twice with different losses."""
    import csv

    run = tmp_path / "run"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2"]) == 0
    metrics = run / "metrics.csv"
    with open(metrics, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with open(metrics, "a", newline="", encoding="utf-8") as handle:  # steps 3 and 4 of the stopped run
        csv.writer(handle).writerows([["3", *rows[-1][1:]], ["4", *rows[-1][1:]]])
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "4", "--resume"]) == 0
    with open(metrics, newline="", encoding="utf-8") as handle:
        written = list(csv.reader(handle))
    assert written[0] == rows[0] and written[1:3] == rows[1:3]
    assert [row[0] for row in written[1:]] == ["1", "2", "3", "4"]


def test_resume_with_another_seed_or_batch_is_noted(tmp_path, capsys):
    """``--resume --seed 9`` continued a seed-0 run on other batches with no word, though a resume
    is said to give the weights of an uninterrupted run."""
    run = tmp_path / "run"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    capsys.readouterr()
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2", "--resume", "--seed", "9",
                     "--batch-size", "3"]) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f"note: {run} continued from step 1 with other seed, batch_size than it was trained "
                           "with"), last
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "3", "--resume", "--seed", "9",
                     "--batch-size", "3"]) == 0
    assert "with other" not in capsys.readouterr().err  # the same settings as the last segment: no note


def test_distill_resume_from_another_teacher_is_noted(tmp_path, capsys):
    """``distill --resume --teacher OTHER.pt`` went on from another teacher with no word: the student
    learned from two teachers."""
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.training.config import load_train_config
    from core.training.model_setup import build_training_model

    torch.manual_seed(0)
    spec = load_train_config(CONFIGS / "tiny_teacher.json").model
    first = save_checkpoint(tmp_path / "t1.pt", build_training_model(spec))
    second = save_checkpoint(tmp_path / "t2.pt", build_training_model(spec))
    run = tmp_path / "run"
    assert cli_main(["distill", "--teacher", str(first), "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    capsys.readouterr()
    assert cli_main(["distill", "--teacher", str(second), "--config", STUDENT, "--out", str(run), "--steps", "2",
                     "--resume"]) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == (f"note: {run} was distilled from {first.resolve()} up to step 1 and from {second} after it: the "
                    "student learned from two teachers"), last
    assert cli_main(["distill", "--teacher", str(second), "--config", STUDENT, "--out", str(run), "--steps", "3",
                     "--resume"]) == 0
    assert "two teachers" not in capsys.readouterr().err


def test_a_resume_with_changed_settings_says_so_before_it_trains(tmp_path, capsys):
    """The note came only after the whole resumed run (hours, at the real scale), too late to stop a
    resume given the wrong --seed or config; it now also comes before the first step, and at the end."""
    run = tmp_path / "run"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    capsys.readouterr()
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2", "--resume", "--seed", "9"]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    notes = [i for i, line in enumerate(lines) if line.startswith(f"note: {run} continued from step 1 with other seed")]
    first_step = next(i for i, line in enumerate(lines) if line.startswith("train: 1/2"))
    assert len(notes) == 2 and notes[0] < first_step and notes[1] == len(lines) - 1, lines


def test_resume_with_init_is_refused_as_it_would_be_ignored(tmp_path, capsys):
    """``train --resume --init OTHER.pt`` trained on from the run's own checkpoint with status 0 and no
    word of --init: its weights were loaded and then overwritten by the resumed ones."""
    from pathlib import Path

    from core.training.family import run_command

    run = tmp_path / "run"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    other = tmp_path / "other"
    assert cli_main(["train", "--config", STUDENT, "--out", str(other), "--steps", "1", "--seed", "3"]) == 0
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    capsys.readouterr()
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2", "--resume", "--init",
                     str(other / "checkpoint.pt")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: --init does not apply to --resume: the run continues from its own checkpoint.pt; leave --init out, "
        "or start a new run from it (another --out, or --force)"]
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before
    assert "--init" not in run_command(Path(STUDENT), run, 4, resume=True, init=other / "checkpoint.pt")
