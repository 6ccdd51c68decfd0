"""``export-distill`` (core, which cannot import the studio) finds the project the studio keeps for
read-only footage by the studio's own rule: the two must name the same file."""
from __future__ import annotations

from pathlib import Path

from app.project import _home_fallback
from core.commands.export_distill import read_only_footage_project


def test_the_command_line_and_the_studio_name_the_same_project(tmp_path, monkeypatch):
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    for beside in (tmp_path / "share" / "walk" / "walk.rgbt.sqlite", Path("relative/seq/seq.rgbt.sqlite"),
                   tmp_path / "odd name" / "a.b.rgbt.sqlite"):
        assert read_only_footage_project(beside) == _home_fallback(beside)
