"""Footage in a folder the studio cannot write to (``../shared/data``, a dataset share) has its
project in ``<studio home>/projects/<name>-<8 hex digits>.rgbt.sqlite``; ``export-distill SEQUENCE``
looked only beside the footage and said 'annotation store not found; annotate the sequence first
or pass --store' of footage annotated in the studio. It now finds the studio's project there."""
from __future__ import annotations

import shutil

from core.annotations.project_paths import read_only_footage_project
from core.annotations.store import default_store_path
from core.cli import main
from core.commands.export_distill import studio_project_path
from core.sequences import open_sequence
from tests.core.safety.conftest import make_sequence


def _beside(folder):
    sequence = open_sequence(folder)
    try:
        return default_store_path(sequence.info)
    finally:
        sequence.close()


def test_the_project_of_read_only_footage_is_exported(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    folder = make_sequence(tmp_path / "share" / "walk", frames=6)
    beside = _beside(folder)
    kept = read_only_footage_project(beside)
    assert kept.parent == tmp_path / "home" / "projects" and kept.name.startswith("walk-")
    kept.parent.mkdir(parents=True)
    shutil.move(str(beside), str(kept))  # where the studio keeps it when the folder is read-only
    out = tmp_path / "walk.h5"
    assert main(["export-distill", str(folder), "--out", str(out), "--random-weights"]) == 0
    assert out.is_file() and "not found" not in capsys.readouterr().err


def test_the_project_beside_the_footage_comes_first_and_none_is_still_said(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    folder = make_sequence(tmp_path / "walk", frames=6)
    beside = _beside(folder)
    kept = read_only_footage_project(beside)
    kept.parent.mkdir(parents=True)
    shutil.copy(beside, kept)
    assert studio_project_path(beside) == beside
    beside.unlink()
    kept.unlink()
    assert studio_project_path(beside) == beside
    assert main(["export-distill", str(folder), "--out", str(tmp_path / "x.h5"), "--random-weights"]) == 2
    assert f"error: {beside}: annotation store not found" in capsys.readouterr().err
