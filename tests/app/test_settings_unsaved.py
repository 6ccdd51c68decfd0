"""A studio home that cannot be created, or a studio.ini that cannot be written: the studio runs
without saving its settings, and says so once.

``StudioSettings.qsettings`` created the home folder unguarded: a read-only ``$HOME`` (or a
``$RGBT_STUDIO_HOME`` under a file) made ``rgbt-studio studio`` exit at start ("Error: ...: a part
of the path is not a folder"), though settings are conveniences. A studio.ini that could not be
written lost every change without a word. (Made here with a file, or a folder, in the way: the
tests may run as root, whom a folder's permissions do not stop.)
"""
from __future__ import annotations

import pytest

import app.settings as settings_module
from app.settings import StudioSettings, unsaved_settings


@pytest.fixture(autouse=True)
def _nothing_said_yet(monkeypatch):
    monkeypatch.setattr(settings_module, "_unsaved", "")


def test_a_home_that_cannot_be_created_gives_defaults_and_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "a-file").write_text("")
    home = tmp_path / "a-file" / ".rgbt-studio"
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(home))
    settings = StudioSettings.load()
    assert settings.colormap == StudioSettings().colormap and settings.recent == []
    settings.blend = True
    settings.save()
    StudioSettings.load().save()
    said = [line for line in capsys.readouterr().err.splitlines() if "settings" in line]
    assert len(said) == 1 and str(home) in said[0] and "not saved" in said[0]
    assert unsaved_settings().startswith("settings are not saved this session") and str(home) in unsaved_settings()
    assert not home.exists()


def test_a_studio_ini_that_cannot_be_written_is_said_once(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / "studio.ini").mkdir(parents=True)  # a folder where the file should be
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(home))
    settings = StudioSettings.load()
    settings.blend = True
    settings.save()
    settings.follow_target = True
    settings.save()
    said = [line for line in capsys.readouterr().err.splitlines() if "settings" in line]
    assert len(said) == 1 and "studio.ini cannot be written" in said[0]


def test_a_writable_home_says_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    settings = StudioSettings.load()
    settings.blend = True
    settings.save()
    assert StudioSettings.load().blend is True
    assert unsaved_settings() == "" and "settings" not in capsys.readouterr().err
