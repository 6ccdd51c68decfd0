"""Bundled assets are found in a source tree and in a regular (non-editable) install."""
from __future__ import annotations

from pathlib import Path

import core.assets as assets


def test_the_source_tree_comes_first():
    assert assets.assets_dir() == assets.SOURCE_ASSETS
    assert (assets.models_dir() / "student_bundled.pt").is_file()
    assert (assets.demo_dir() / "visible.mp4").is_file()


def test_a_regular_install_finds_the_copied_data_files(tmp_path, monkeypatch):
    installed = tmp_path / "venv" / "share" / "rgbt-studio" / "assets"
    (installed / "models").mkdir(parents=True)
    monkeypatch.setattr(assets, "SOURCE_ASSETS", tmp_path / "site-packages" / "assets")  # not copied by pip
    monkeypatch.setattr(assets.sysconfig, "get_path", lambda name: str(tmp_path / "venv"))
    assert assets.assets_dir() == installed
    assert assets.models_dir() == installed / "models"
    (installed.parent).rename(tmp_path / "elsewhere")
    assert assets.assets_dir() == tmp_path / "site-packages" / "assets"  # neither: the usual place, for messages


def test_the_wheel_declares_every_bundled_file():
    """pyproject's data-files globs cover every file under assets/ that a user needs."""
    import pytest

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = Path(assets.__file__).resolve().parents[1]
    data_files = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    declared = {p for patterns in data_files.values() for pattern in patterns for p in project.glob(pattern)}
    bundled = {p for p in (project / "assets").rglob("*") if p.is_file()}
    assert bundled and bundled == declared
