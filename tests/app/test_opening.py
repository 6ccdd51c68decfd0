"""Opening projects: threaded open, drops and Open recent, actions waiting for a project, read-only folders."""
from __future__ import annotations

from pathlib import Path

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

    from app.menus import open_recent

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
    actions[0].trigger()  # the project open: kept as it is, with its undo history (test_open_recent_same_project)
    assert window.document is first and "already open" in window.statusBar().currentMessage()
    dropped = window.settings.recent[0]
    window.open_pair(visible, thermal, store=str(tmp_path / "other.rgbt.sqlite"))
    second = window.document
    assert second is not first
    open_recent(window, dropped)  # another project open: the recent entry reopens the dropped pair's
    assert window.document is not second and window.document.path == first.path
    assert window.document.num_frames == 24


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


def _close_error_boxes() -> None:
    """Close the error dialogs a refused open left on screen (later tests look for theirs)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox) and box.isVisible():
            box.close()


def test_footage_opened_with_another_footages_project_is_refused(window, pair_files, synthetic, tmp_path):
    """``studio walk-4/... --project walk-3.rgbt.sqlite`` (a name mistyped): walk-3's boxes were shown
    over walk-4's frames, and the project was rebound to walk-4 without a word (reopened, it opened
    walk-4, its own footage forgotten). Refused with one message naming the project's footage, while
    that footage is there; the project is left as it was."""
    from core.annotations.store import AnnotationStore
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    store = tmp_path / "walk-3.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(store))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])
    other = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=12), seed=9)
    folder = tmp_path / "walk-4"
    folder.mkdir()
    visible, thermal = run_to_end(write_video_pair(other, folder / "visible.mp4", folder / "thermal.mp4"))
    window.open_pair(visible, thermal, store=str(store))
    error = str(window.last_error)
    assert error.startswith(str(store)) and f"is the project of {pair_files[0].resolve()}" in error
    assert "its 2 annotated frames were made on that footage" in error
    assert window.document is None or window.document.num_frames == 24  # walk-4 is not shown with them
    _close_error_boxes()
    window.close()
    with AnnotationStore.open(store) as kept:
        assert kept.get_meta("sources") == [str(p.resolve()) for p in pair_files] and kept.count() == 2


def test_a_project_follows_its_footage_when_the_footage_moved(qtbot, tmp_path):
    """The footage's folder renamed: opening the renamed footage with its project re-links the project
    and says so (its boxes are that footage's); footage of another length is refused."""
    from core.annotations.store import AnnotationStore
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair
    from tests.app.conftest import new_window

    sequence = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=12), seed=4)
    old = tmp_path / "day1"
    old.mkdir()
    run_to_end(write_video_pair(sequence, old / "visible.mp4", old / "thermal.mp4"))
    store = tmp_path / "day1.rgbt.sqlite"
    first = new_window(qtbot)
    first.open_pair(old / "visible.mp4", old / "thermal.mp4", store=str(store))
    first.views.box_drawn.emit("visible", sequence.boxes[0])
    first.close()
    moved = old.rename(tmp_path / "day1-archived")
    shorter = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=8), seed=4)
    elsewhere = tmp_path / "day2"
    elsewhere.mkdir()
    run_to_end(write_video_pair(shorter, elsewhere / "visible.mp4", elsewhere / "thermal.mp4"))
    second = new_window(qtbot)
    second.open_pair(elsewhere / "visible.mp4", elsewhere / "thermal.mp4", store=str(store))
    assert second.document is None and "(12 frames), which is no longer there" in str(second.last_error)
    _close_error_boxes()
    second.open_pair(moved / "visible.mp4", moved / "thermal.mp4", store=str(store))
    assert second.document is not None and sorted(second.document.records) == [0]
    message = second.statusBar().currentMessage()
    assert f"project re-linked to this footage from {(old / 'visible.mp4').resolve()} + " in message
    assert message.endswith(f"{(old / 'thermal.mp4').resolve()} (gone))")
    second.close()
    with AnnotationStore.open(store) as kept:
        assert kept.get_meta("sources") == [str((moved / n).resolve()) for n in ("visible.mp4", "thermal.mp4")]


def test_a_folder_copied_with_its_project_opens_with_it(qtbot, tmp_path):
    """A sequence folder copied with the project beside it (a backup, a variant to try things on),
    both copies on disk: the copy opens with the project beside it, which now names the copy."""
    import shutil

    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair
    from tests.app.conftest import new_window

    sequence = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=12), seed=6)
    original = tmp_path / "walk"
    original.mkdir()
    run_to_end(write_video_pair(sequence, original / "visible.mp4", original / "thermal.mp4"))
    first = new_window(qtbot)
    first.open_pair(original / "visible.mp4", original / "thermal.mp4")  # its project beside it
    first.views.box_drawn.emit("visible", sequence.boxes[0])
    first.close()
    copy = Path(shutil.copytree(original, tmp_path / "backup" / "walk"))  # same name: its project comes along
    second = new_window(qtbot)
    second.open_pair(copy / "visible.mp4", copy / "thermal.mp4")
    assert second.last_error is None and sorted(second.document.records) == [0]
    assert Path(second.document.path).parent == copy
    assert f"project re-linked to this footage from {(original / 'visible.mp4').resolve()}" in (
        second.statusBar().currentMessage())
    second.close()


def test_open_recent_tells_apart_sequences_of_one_name(window, tmp_path):
    """The Anti-UAV footage and its GOT-10k and LaSOT exports (each folder named antiuav-4) were
    three "antiuav-4" lines in File > Open recent, told apart only by hovering; entries whose names
    collide now say the folder they are in."""
    from app.menus import fill_recent_menu
    from app.settings import Recent

    folders = [tmp_path / "real" / "antiuav-4", tmp_path / "antiuav-4-got10k" / "antiuav-4", tmp_path / "walk-3"]
    for folder in folders:
        folder.mkdir(parents=True)
        window.settings.add_recent(Recent("sequence", (str(folder),)))
    fill_recent_menu(window)
    assert [a.text() for a in window.recent_menu.actions()] == [
        "walk-3", f"antiuav-4 (in {folders[1].parent})", f"antiuav-4 (in {folders[0].parent})"]


def test_file_open_one_video_opens_it_as_one_stream(window, tmp_path, monkeypatch):
    """One video of one stream could be opened from the command line or by a drop, but not from the
    File menu: Open sequence folder picks folders only, and Open pair wants two sources."""
    import cv2
    import numpy as np

    video = tmp_path / "GOPR0042.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (64, 48))
    rng = np.random.default_rng(0)
    for _ in range(5):
        writer.write(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8))
    writer.release()
    asked = []

    def pick(_parent, caption, _folder, filters):
        asked.append((caption, filters))
        return str(video), None  # the path chosen, no names the picker could not show

    monkeypatch.setattr("app.window_dialogs.pick_file", pick)
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    window.actions["open_video"].trigger()
    assert asked and "*.avi" in asked[0][1]
    assert window.document is not None and window.document.info.visible_only and len(window.document.sequence) == 5
