"""Bundled assets and configs are found in a source tree and in a regular (non-editable) install."""
from __future__ import annotations

from pathlib import Path

import pytest

import core.assets as assets


def test_the_source_tree_comes_first():
    assert assets.assets_dir() == assets.SOURCE_ASSETS
    assert (assets.models_dir() / "student_bundled.pt").is_file()
    assert (assets.demo_dir() / "visible.mp4").is_file()


def test_a_regular_install_finds_the_copied_data_files(tmp_path, monkeypatch):
    installed = tmp_path / "venv" / "share" / "rgbt-studio" / "assets"
    (installed / "models").mkdir(parents=True)
    monkeypatch.setattr(assets, "SOURCE_ASSETS", tmp_path / "site-packages" / "assets")  # not copied by pip
    monkeypatch.setattr(assets.sysconfig, "get_path", lambda name, scheme=None: str(tmp_path / "venv"))
    monkeypatch.setattr(assets, "recorded_data_dir", lambda: None)
    assert assets.assets_dir() == installed
    assert assets.models_dir() == installed / "models"
    (installed.parent).rename(tmp_path / "elsewhere")
    assert assets.assets_dir() == tmp_path / "site-packages" / "assets"  # neither: the usual place, for messages


def test_a_user_install_finds_the_copied_data_files(tmp_path, monkeypatch):
    """``pip install --user`` puts the data files under the user base (~/.local/share/...),
    which the interpreter's default scheme does not name."""
    user_base = tmp_path / "home" / ".local"
    installed = user_base / "share" / "rgbt-studio" / "assets"
    (installed / "demo").mkdir(parents=True)
    monkeypatch.setattr(assets, "SOURCE_ASSETS", tmp_path / "site-packages" / "assets")
    monkeypatch.setattr(assets, "recorded_data_dir", lambda: None)
    monkeypatch.setattr(assets.sys, "prefix", str(tmp_path / "usr"))

    def get_path(name, scheme=None):
        return str(user_base if scheme == assets.sysconfig.get_preferred_scheme("user") else tmp_path / "usr")

    monkeypatch.setattr(assets.sysconfig, "get_path", get_path)
    assert assets.assets_dir() == installed
    assert assets.demo_dir() == installed / "demo"


def test_the_installed_record_says_where_the_data_files_went(tmp_path, monkeypatch):
    """Whatever the scheme (--prefix, --user, a venv), the distribution's RECORD lists the data
    files relative to site-packages; their folder is found from it."""
    from importlib import metadata

    prefix = tmp_path / "some-prefix"
    site = prefix / "lib" / "python3.x" / "site-packages"
    info = site / "rgbt_studio-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rgbt-studio\nVersion: 0.1.0\n")
    (info / "RECORD").write_text("core/assets.py,,\n"
                                 "../../../share/rgbt-studio/assets/models/student_bundled.pt,,\n"
                                 "../../../share/rgbt-studio/assets/demo/visible.mp4,,\n")
    installed = prefix / "share" / "rgbt-studio" / "assets"
    (installed / "models").mkdir(parents=True)
    monkeypatch.setattr(assets.metadata, "distribution", lambda name: metadata.PathDistribution(info))
    monkeypatch.setattr(assets, "SOURCE_ASSETS", site / "assets")
    monkeypatch.setattr(assets.sysconfig, "get_path", lambda name, scheme=None: str(tmp_path / "elsewhere"))
    monkeypatch.setattr(assets.sys, "prefix", str(tmp_path / "elsewhere"))
    assert assets.recorded_data_dir() == installed.parent.resolve()
    assert assets.assets_dir() == installed.resolve()
    (info / "RECORD").write_text("core/assets.py,,\n")  # an editable install records no data files
    assert assets.recorded_data_dir() is None


def test_no_installed_distribution_is_no_recorded_folder(monkeypatch):
    def missing(name):
        raise assets.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(assets.metadata, "distribution", missing)
    assert assets.recorded_data_dir() is None


@pytest.mark.parametrize("folder", ["assets", "configs", "docs"])
def test_the_wheel_declares_every_bundled_file(folder):
    """pyproject's data-files globs cover every file under assets/ (weights, demo), configs/
    (the real split, the project's boxes, the training configs) and docs/ (the manual the --help
    texts and the studio's tool tips name: a wheel had none of it) that a user needs, each under
    share/rgbt-studio/<the same relative path>."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = Path(assets.__file__).resolve().parents[1]
    data_files = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    declared = {p for target, patterns in data_files.items() for pattern in patterns for p in project.glob(pattern)
                if p.is_relative_to(project / folder)
                and Path(target) == assets.INSTALLED_DATA / p.parent.relative_to(project)}
    bundled = {p for p in (project / folder).rglob("*") if p.is_file()}
    assert bundled and bundled == declared


def test_a_regular_install_finds_the_manual(tmp_path, monkeypatch):
    """The --help texts name docs/*.md: an installed wheel finds its copy of the manual."""
    installed = tmp_path / "venv" / "share" / "rgbt-studio" / "docs"
    installed.mkdir(parents=True)
    (installed / "studio.md").write_text("# the studio\n")
    monkeypatch.setattr(assets, "PROJECT_ROOT", tmp_path / "site-packages")  # no docs/ beside the packages
    monkeypatch.setattr(assets.sysconfig, "get_path", lambda name, scheme=None: str(tmp_path / "venv"))
    monkeypatch.setattr(assets, "recorded_data_dir", lambda: None)
    assert assets.docs_dir() == installed
    assert assets.project_path("docs/studio.md") == installed / "studio.md"
