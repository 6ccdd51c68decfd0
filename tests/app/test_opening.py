"""Opening projects: threaded open, drops and Open recent, actions waiting for a project, read-only folders."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt


def test_threaded_open_shows_the_first_frame(qtbot, pair_files, tmp_path):
    from app.main_window import MainWindow
    from app.settings import StudioSettings

    win = MainWindow(StudioSettings.load())  # real worker threads
    qtbot.addWidget(win)
    # generous timeouts: the waits end at the signal, and a 2-core machine under load took over 10 s
    with qtbot.waitSignal(win.project_opened, timeout=60000):
        win.open_pair(*pair_files, store=str(tmp_path / "th.rgbt.sqlite"))
    assert win.pair is not None and win.pair.index == 0
    with qtbot.waitSignal(win.frame_shown, timeout=30000):
        win.goto(5)
    assert win.pair.index == 5
    win.views.box_drawn.emit("visible", np.array([10.0, 10.0, 20.0, 20.0]))
    with qtbot.waitSignal(win.tracking.ended, timeout=120000):
        win.actions["track"].trigger()
    assert len(win.document.store.records()) == 24 - 5
    win.close()


def test_drop_two_videos_opens_the_pair_and_recent_reopens_it(window, pair_files, tmp_path):
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDropEvent

    visible, thermal = pair_files
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(thermal)), QUrl.fromLocalFile(str(visible))])  # thermal first
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.document is not None
    assert window.document.store.get_meta("sources") == [str(visible.resolve()), str(thermal.resolve())]
    actions = window.recent_menu.actions()
    assert actions and actions[0].text() == f"{visible.parent.name} (visible.mp4 + thermal.mp4)"
    first = window.document
    actions[0].trigger()
    assert window.document is not first and window.document.num_frames == 24


def test_project_actions_wait_for_a_project(window, pair_files, tmp_path):
    from app.main_window import DOCUMENT_ACTIONS

    assert window.document is None  # a fresh window, nothing opened yet
    assert not any(window.actions[name].isEnabled() for name in DOCUMENT_ACTIONS if name in window.actions.by_name)
    assert not window.actions["undo"].isEnabled() and window.actions["open_pair"].isEnabled()
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    assert all(window.actions[name].isEnabled() for name in ("track", "export", "absent", "improve"))


def test_a_dataset_folder_no_one_may_write_keeps_its_project_out_also_for_root(window, pair_files, tmp_path,
                                                                                monkeypatch):
    """A dataset folder of mode r-xr-xr-x opened by the studio run as root (a container): root
    may write anywhere (``os.access`` says so), and the project, its lock and journal files
    went into the dataset; they go to the studio's home, as for any read-only folder."""
    import os
    import shutil
    from pathlib import Path

    from core.annotations.project_paths import studio_home

    dataset = tmp_path / "dataset"
    dataset.mkdir()
    visible, thermal = (Path(shutil.copy(p, dataset / Path(p).name)) for p in pair_files)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: True if mode & os.W_OK else real_access(path, mode))
    dataset.chmod(0o555)
    try:
        window.open_pair(visible, thermal)
        assert window.document is not None, window.statusBar().currentMessage()
        assert Path(window.document.store.path).parent == studio_home() / "projects"
        assert sorted(p.name for p in dataset.iterdir()) == sorted([visible.name, thermal.name])
        assert "read-only" in window.statusBar().currentMessage()
    finally:
        if window.document is not None:
            window.document.close()
            window.document = None
        dataset.chmod(0o755)


def test_open_recent_leaves_out_projects_whose_sources_are_gone(window, pair_files, tmp_path):
    """A sequence folder opened once and then deleted (or moved) stayed in File > Open recent, at
    every start; choosing it said only "sequence folder does not exist". The menu is built as File
    opens and lists only projects whose sources are there; the settings keep the entry (a disk
    that is not mounted now comes back)."""
    import shutil

    from app.menus import fill_recent_menu
    from app.settings import Recent

    gone = tmp_path / "walk-3"
    gone.mkdir()
    window.settings.add_recent(Recent("sequence", (str(gone),)))
    window.settings.add_recent(Recent("pair", tuple(str(p) for p in pair_files)))
    file_menu = window.menuBar().actions()[0].menu()  # File
    fill_recent_menu(window)  # as after opening a project
    assert [a.text() for a in window.recent_menu.actions()] == [f"{pair_files[0].parent.name} "
                                                                "(visible.mp4 + thermal.mp4)", "walk-3"]
    shutil.rmtree(gone)
    file_menu.aboutToShow.emit()  # File opened again, after the folder was deleted
    assert [a.text() for a in window.recent_menu.actions()] == [f"{pair_files[0].parent.name} "
                                                                "(visible.mp4 + thermal.mp4)"]
    assert window.recent_menu.isEnabled()
    assert [r.paths for r in window.settings.recent][1] == (str(gone),)
    window.settings.recent = [Recent("sequence", (str(gone),))]
    file_menu.aboutToShow.emit()
    assert window.recent_menu.actions() == [] and not window.recent_menu.isEnabled()
    # the project database named with --project moved or deleted: choosing the entry would have
    # started an empty project in its place
    kept = tmp_path / "kept.rgbt.sqlite"
    kept.write_bytes(b"")
    window.settings.recent = [Recent("pair", tuple(str(p) for p in pair_files), store=str(tmp_path / "moved.rgbt.sqlite")),
                              Recent("pair", tuple(str(p) for p in pair_files), store=str(kept))]
    file_menu.aboutToShow.emit()
    assert [a.toolTip() for a in window.recent_menu.actions()] == [" | ".join(str(p) for p in pair_files)]
    assert len(window.recent_menu.actions()) == 1
