"""The first export of footage on a read-only share is offered in a folder the user knows (real
session: otb-crossing from a read-only dataset folder offered
"$RGBT_STUDIO_HOME/projects/otb-crossing-lasher", beside the studio's project databases in its hidden
~/.rgbt-studio, and the next Open sequence folder... picker then opened in there)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def read_only_pair(pair_files, tmp_path, monkeypatch):
    folder = tmp_path / "share"
    folder.mkdir()
    copies = tuple(Path(shutil.copy(p, folder / Path(p).name)) for p in pair_files)
    real_access = os.access

    def access(path, mode, *args, **kwargs):  # the share: read-only, also for root
        if mode & os.W_OK and Path(path).resolve() == folder.resolve():
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return copies


def _offered(window, monkeypatch):
    from app.dialogs import export_dialog

    shown = []

    def look(dialog):
        shown.append(Path(dialog.target.text()))
        return False

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", look)
    window.ask_export()
    return shown[0]


def test_read_only_footage_is_exported_by_default_where_the_last_picker_ended(window, read_only_pair, tmp_path,
                                                                              monkeypatch):
    from core.annotations.project_paths import studio_home

    window.open_pair(*read_only_pair)
    assert Path(window.document.path).parent == studio_home() / "projects"
    (tmp_path / "exports").mkdir()
    window.settings.remember_folder(tmp_path / "exports")
    assert _offered(window, monkeypatch).parent == tmp_path / "exports"
    window.settings.remember_folder(read_only_pair[0].parent)  # the share itself: not there, home
    assert _offered(window, monkeypatch).parent == Path.home()


def test_writable_footage_is_exported_beside_its_project(window, pair_files, tmp_path, monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "p" / "w.rgbt.sqlite"))
    window.settings.remember_folder(tmp_path)
    assert _offered(window, monkeypatch).parent == tmp_path / "p"
