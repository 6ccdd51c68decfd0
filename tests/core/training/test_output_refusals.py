"""Commands that write a folder never take a folder they did not write: compact-data
refuses a non-empty OUT_DIR that is not an earlier compact copy, train / distill refuse a
run folder holding an earlier run (and --init / --teacher weights the run would write),
unless --force; --resume still continues a run."""
from __future__ import annotations

import csv
import json
import shutil

import pytest

from core.cli import main as cli_main
from core.errors import OutputError
from core.models import load_checkpoint
from core.progress import run_to_end
from core.training.config import with_overrides
from core.training.trainer import train_job
from tests.core.training.real_fixture import make_data_root

from .conftest import CONFIGS

STUDENT = str(CONFIGS / "tiny_student.json")


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 1, err
    return err


def _steps(run) -> list[str]:
    with open(run / "metrics.csv", newline="", encoding="utf-8") as handle:
        return [row["step"] for row in csv.DictReader(handle)]


# ---- compact-data ---------------------------------------------------------------------

def test_compact_data_refuses_a_folder_it_did_not_write_unless_forced(tmp_path, capsys):
    data, split = make_data_root(tmp_path)
    work = tmp_path / "mywork"
    work.mkdir()
    (work / "thesis.txt").write_text("draft\n", encoding="utf-8")
    command = ["compact-data", str(work), "--split", str(split), "--data-root", str(data), "--every", "50",
               "--pair-every", "50"]
    assert cli_main(command) == 2
    err = _error(capsys)
    assert "mywork" in err and "not an earlier compact-data copy" in err and "--force" in err
    assert (work / "thesis.txt").read_text(encoding="utf-8") == "draft\n"
    assert not any(p.name.startswith(".mywork") for p in tmp_path.iterdir())  # nothing was started

    assert cli_main([*command, "--force"]) == 0  # asked for: replaced
    assert (work / "COMPACT.json").is_file() and not (work / "thesis.txt").exists()
    capsys.readouterr()

    assert cli_main(command) == 0  # an earlier compact copy is replaced as before
    assert (work / "COMPACT.json").is_file()
    capsys.readouterr()

    (work / "real" / "notes.txt").write_text("mine\n", encoding="utf-8")  # a file added to the copy
    assert cli_main(command) == 2
    assert "did not write (real/notes.txt)" in _error(capsys)
    assert (work / "real" / "notes.txt").is_file()


def test_compact_data_takes_a_missing_or_empty_folder(tmp_path):
    from core.training.compact_data import check_compact_target

    check_compact_target(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    check_compact_target(tmp_path / "empty")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "COMPACT.json").write_text("not json", encoding="utf-8")
    with pytest.raises(OutputError, match="not an earlier compact-data copy"):
        check_compact_target(tmp_path / "full")
    check_compact_target(tmp_path / "full", force=True)


def test_compact_job_refuses_before_any_work(tmp_path):
    from core.training.compact_data import compact_job

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.txt").write_text("a", encoding="utf-8")
    with pytest.raises(OutputError, match="not an earlier compact-data copy"):  # the split is never read
        run_to_end(compact_job(tmp_path / "missing_split.json", tmp_path, tmp_path / "mine"))
    assert (tmp_path / "mine" / "a.txt").is_file()


# ---- train / distill --------------------------------------------------------------------

def test_train_refuses_an_earlier_run_and_its_own_checkpoint_as_init(tmp_path, capsys):
    run = tmp_path / "run1"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    before = (run / "checkpoint.pt").read_bytes()
    capsys.readouterr()

    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1", "--seed", "5"]) == 2
    err = _error(capsys)
    assert "holds an earlier run" in err and "--resume" in err and "--force" in err and "another --out" in err
    for extra in ([], ["--force"], ["--resume"]):  # the run's own checkpoint as --init: never
        assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--init", str(run / "checkpoint.pt"),
                         "--steps", "2", *extra]) == 2
        assert "--init is the checkpoint.pt this run writes" in _error(capsys)
    assert (run / "checkpoint.pt").read_bytes() == before and _steps(run) == ["1"]


def test_train_force_replaces_the_run_and_resume_continues_it(tmp_path, capsys):
    run = tmp_path / "run1"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1", "--seed", "5",
                     "--force"]) == 0
    assert _steps(run) == ["1"]  # one run's rows, not two runs' rows
    _, extra = load_checkpoint(run / "checkpoint.pt")
    assert extra["train_config"]["seed"] == 5
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2", "--seed", "5",
                     "--resume"]) == 0
    _, extra = load_checkpoint(run / "checkpoint.pt")
    assert extra["step"] == 2 and _steps(run) == ["1", "2"]


def test_the_default_run_folder_is_not_replaced_by_a_second_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli_main(["train", "--config", STUDENT, "--steps", "1"]) == 0
    assert (tmp_path / "runs" / "tiny_student" / "checkpoint.pt").is_file()
    capsys.readouterr()
    assert cli_main(["train", "--config", STUDENT, "--steps", "1", "--seed", "7"]) == 2
    assert "runs/tiny_student: holds an earlier run" in _error(capsys)
    # distill into the same default folder from that folder's own checkpoint: never
    teacher = tmp_path / "runs" / "tiny_student" / "checkpoint.pt"
    before = teacher.read_bytes()
    for extra in ([], ["--force"]):
        assert cli_main(["distill", "--teacher", str(teacher), "--config", STUDENT, "--steps", "1", *extra]) == 2
        assert "--teacher is the checkpoint.pt this run writes" in _error(capsys)
    assert teacher.read_bytes() == before


def test_distill_refuses_an_earlier_run_unless_forced(tmp_path, capsys):
    teacher = tmp_path / "teacher"
    assert cli_main(["train", "--config", str(CONFIGS / "tiny_teacher.json"), "--out", str(teacher), "--steps",
                     "1"]) == 0
    shutil.copytree(teacher, tmp_path / "student")  # an earlier run in the distillation's folder
    capsys.readouterr()
    command = ["distill", "--teacher", str(teacher / "checkpoint.pt"), "--config", STUDENT,
               "--out", str(tmp_path / "student"), "--steps", "1"]
    assert cli_main(command) == 2
    assert "holds an earlier run" in _error(capsys)
    assert cli_main([*command, "--force"]) == 0
    rows = list(csv.DictReader(open(tmp_path / "student" / "metrics.csv", encoding="utf-8")))
    assert [r["step"] for r in rows] == ["1"] and float(rows[0]["kd_feature"]) > 0


def test_train_job_refuses_init_weights_it_would_write(tmp_path, tiny_student_config):
    config = with_overrides(tiny_student_config, steps=1)
    run_to_end(train_job(config, tmp_path / "run"))
    before = (tmp_path / "run" / "checkpoint.pt").read_bytes()
    for resume in (False, True):
        with pytest.raises(OutputError, match="--init is the checkpoint.pt"):
            run_to_end(train_job(config, tmp_path / "run", init=tmp_path / "run" / "checkpoint.pt", resume=resume))
    with pytest.raises(OutputError, match="--teacher is the training_state.pt"):
        run_to_end(train_job(config, tmp_path / "run" / "." / "", teacher=tmp_path / "run" / "training_state.pt"))
    assert (tmp_path / "run" / "checkpoint.pt").read_bytes() == before


def test_train_and_distill_refuse_a_config_that_is_the_run_folders_config_json(tmp_path, capsys):
    """``train --config DIR/config.json --out DIR`` rewrote the user's config (its
    ``extends``, its values) with the resolved one; now refused before any work, the file
    unchanged; with --resume it is the run's own record and allowed past this check."""
    run = tmp_path / "run"
    run.mkdir()
    config = run / "config.json"
    config.write_text(json.dumps({"extends": str(CONFIGS / "tiny_student.json"), "steps": 1}), encoding="utf-8")
    before = config.read_bytes()
    assert cli_main(["train", "--config", str(config), "--out", str(run), "--steps", "1"]) == 2
    err = _error(capsys)
    assert f"{config}: --config is the config.json this run writes" in err
    teacher = tmp_path / "teacher.pt"
    teacher.write_bytes(b"")
    assert cli_main(["distill", "--teacher", str(teacher), "--config", str(config), "--out", str(run),
                     "--steps", "1"]) == 2
    _error(capsys)
    assert config.read_bytes() == before and sorted(p.name for p in run.iterdir()) == ["config.json"]
    assert cli_main(["train", "--config", str(config), "--out", str(run), "--resume"]) == 2
    assert "cannot resume" in _error(capsys)  # past the check: the run folder's own refusal


def test_train_never_replaces_a_users_own_metrics_or_config_file(tmp_path, capsys):
    cases = (("metrics.csv", "a,b\n1,2\n"), ("config.json", "not json\n"), ("config.json", '{"a": 1}\n'))
    for number, (name, text) in enumerate(cases):
        run = tmp_path / f"run{number}"
        run.mkdir()
        (run / name).write_text(text)
        assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 2
        err = _error(capsys)
        assert name in err and "not a file a training run wrote" in err and "--force" in err
        assert (run / name).read_text() == text and not (run / "checkpoint.pt").exists()
        assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1", "--force"]) == 0
        assert (run / "checkpoint.pt").is_file()


def test_a_run_stopped_before_its_first_checkpoint_is_restarted_without_its_old_rows(tmp_path):
    run = tmp_path / "run1"
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "2"]) == 0
    (run / "checkpoint.pt").unlink()
    (run / "training_state.pt").unlink()  # what a run stopped before its first checkpoint leaves
    assert cli_main(["train", "--config", STUDENT, "--out", str(run), "--steps", "1"]) == 0
    assert _steps(run) == ["1"]  # the new run's rows only, not appended to the old ones


# ---- training never writes into its data -------------------------------------------------

def _real_config(tmp_path, data, split, **options):
    config = {"data": {"sources": [{"kind": "real_visible",
                                    "options": {"split": str(split), "data_root": str(data), **options}}]}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.mark.parametrize("cache", ["cache", "real/rgb"])
def test_train_refuses_a_frame_cache_inside_the_data_root(tmp_path, capsys, cache):
    data, split = make_data_root(tmp_path)
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    config = _real_config(tmp_path, data, split, cache_dir=str(data / cache))
    assert cli_main(["train", "--config", str(config), "--out", str(tmp_path / "run"), "--steps", "1"]) == 2
    err = _error(capsys)
    assert "c.json: data.sources[0].options.cache_dir" in err and "lies inside the data root" in err
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before
    assert not (tmp_path / "run").exists()


def test_train_refuses_a_run_folder_inside_the_data_root(tmp_path, capsys):
    data, split = make_data_root(tmp_path)
    config = _real_config(tmp_path, data, split, cache_dir=str(tmp_path / "cache"))
    assert cli_main(["train", "--config", str(config), "--out", str(data / "run"), "--steps", "1"]) == 2
    assert "the run folder lies inside the data root" in _error(capsys)
    assert not (data / "run").exists() and not (tmp_path / "cache").exists()


@pytest.mark.parametrize("resume", [False, True])
def test_train_refuses_a_run_folder_that_is_a_file(tmp_path, capsys, resume):
    """--out naming a file was 'notes.txt/training_state.pt: a part of the path is not a folder'
    (without --resume) or 'cannot resume: checkpoint.pt and training_state.pt are both needed'."""
    out = tmp_path / "notes.txt"
    out.write_text("mine\n", encoding="utf-8")
    command = ["train", "--config", STUDENT, "--out", str(out), "--steps", "1"] + (["--resume"] if resume else [])
    assert cli_main(command) == 2
    assert f"{out}: --out is a file; a folder is needed here" in _error(capsys)
    assert out.read_text(encoding="utf-8") == "mine\n"
