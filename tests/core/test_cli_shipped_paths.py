"""Input files the project ships, named as the docs name them (``assets/models/student_bundled.pt``,
``configs/...``), from a working directory other than the checkout (and from an installed wheel,
whose copies live under ``<venv>/share/rgbt-studio``): ``resize-crops
assets/models/student_bundled.pt ...`` (docs/training.md) said 'checkpoint file not found',
though ``--config configs/x.json`` was found so."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.assets import models_dir
from core.cli import main
from core.commands.arguments import shipped_file


def test_a_shipped_checkpoint_is_found_from_another_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["resize-crops", "assets/models/student_bundled.pt", "--template", "96", "--search", "192",
                 "--out", "resized.pt"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "resized.pt").is_file()


def test_the_working_directory_comes_first_and_other_paths_stay_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shipped_file("assets/models/student_bundled.pt") == models_dir() / "student_bundled.pt"
    (tmp_path / "assets" / "models").mkdir(parents=True)
    (tmp_path / "assets" / "models" / "student_bundled.pt").write_bytes(b"x")
    assert shipped_file("assets/models/student_bundled.pt") == Path("assets/models/student_bundled.pt")
    assert shipped_file("runs/no.pt") == Path("runs/no.pt")  # a typo is named as typed


@pytest.mark.parametrize("argv", [
    ["average-weights", "assets/models/none.pt", "assets/models/student_bundled.pt", "--out", "o.pt"],
    ["resize-crops", "assets/models/none.pt", "--template", "96", "--search", "192", "--out", "o.pt"],
])
def test_a_missing_shipped_name_is_one_line(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "none.pt: checkpoint file not found" in err[0], err


@pytest.mark.parametrize("argv,attribute", [
    (["train", "--config", "configs/student_kd_bundled.json", "--init", "{model}"], "init"),
    (["distill", "--config", "configs/student_kd_bundled.json", "--init", "{model}"], "init"),
    (["distill", "--config", "configs/student_kd_bundled.json", "--teacher", "{model}"], "teacher"),
    (["export-distill", "seq", "--out", "d.h5", "--teacher", "{model}"], "teacher"),
    (["export-onnx", "--model", "student", "--out", "onnx", "--weights", "{model}"], "weights"),
    (["pseudo-labels", "p.json", "--teacher", "{model}"], "teacher"),
    (["bench", "loop", "--student", "{model}"], "student"),
    (["bench", "loop", "--teacher", "{model}"], "teacher"),
    (["bench", "safeguards", "--weights", "{model}"], "weights"),
    (["bench", "size-response", "--weights", "{model}"], "weights"),
])
def test_checkpoint_options_find_shipped_checkpoints_from_another_folder(argv, attribute, tmp_path, monkeypatch):
    """docs/training.md's ``train --init assets/models/...``, ``distill --teacher assets/models/...``,
    ``export-onnx --weights assets/models/...`` were 'checkpoint not found' from any folder but the
    checkout (and from a wheel), as resize-crops was before 26ac6e7."""
    from core.cli import build_parser

    monkeypatch.chdir(tmp_path)
    argv = [part.replace("{model}", "assets/models/student_bundled.pt") for part in argv]
    args = build_parser().parse_args(argv)
    assert getattr(args, attribute) == models_dir() / "student_bundled.pt"
