"""Settings that cannot be saved are said in the studio window's status bar, once.

``app.settings.unsaved_settings`` (0ff0d27) was only a line on stderr, which a studio started
from a desktop menu never shows: the user's changes were lost at the next start unsaid.
"""
from __future__ import annotations

import pytest

import app.settings as settings_module


@pytest.fixture(autouse=True)
def _nothing_said_yet(monkeypatch):
    monkeypatch.setattr(settings_module, "_unsaved", "")
    monkeypatch.setattr(settings_module, "_listeners", [])


def test_a_home_that_cannot_be_created_is_said_when_the_window_opens(qtbot, tmp_path, monkeypatch):
    from tests.app.conftest import new_window

    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "a-file" / "home"))
    window = new_window(qtbot)
    try:
        message = window.statusBar().currentMessage()
        assert message.startswith("settings are not saved this session") and "a-file" in message
    finally:
        window.close()


def test_a_studio_ini_that_cannot_be_written_later_is_said_once(qtbot, tmp_path, monkeypatch):
    from tests.app.conftest import new_window

    home = tmp_path / "home"
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(home))
    window = new_window(qtbot)
    try:
        assert "not saved" not in window.statusBar().currentMessage()
        (home / "studio.ini").unlink(missing_ok=True)
        (home / "studio.ini").mkdir(parents=True)  # a folder where the file should be
        window.settings.blend = True
        window.settings.save()
        assert "studio.ini cannot be written" in window.statusBar().currentMessage()
        window.statusBar().showMessage("something else")
        window.settings.save()
        assert window.statusBar().currentMessage() == "something else"
    finally:
        window.close()
