"""The project database deleted or replaced by another program while the studio has it open.

SQLite keeps writing into the file it opened: after a delete every later edit went into a file
no folder lists any more, and closing the window lost the whole day's work without a word;
after a replace (a sync tool, a backup restored over it) the edits went into the old file."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


def _boxes(path):
    from core.annotations.store import AnnotationStore

    store = AnnotationStore.open(path, read_only=True)
    try:
        return store.records()
    finally:
        store.close()


@pytest.mark.parametrize("deleted", [("",), ("", "-wal", "-shm")], ids=["the file", "with its journal"])
def test_a_deleted_project_is_written_again_with_everything_on_the_next_edit(window, pair_files, synthetic,
                                                                          tmp_path, deleted):
    path = tmp_path / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    for frame in (0, 1):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    for suffix in deleted:
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    window.goto(2)
    window.views.box_drawn.emit("visible", synthetic.boxes[2])
    assert path.exists()
    assert "was deleted" in window.statusBar().currentMessage()
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    window.goto(4)
    window.views.box_drawn.emit("visible", synthetic.boxes[4])
    window.actions["undo"].trigger()  # the undo stack goes on in the file written again
    assert window.document.undo_stack.count() == 5
    window.close()
    assert sorted(_boxes(path)) == [0, 1, 2, 3]


def test_a_replaced_project_is_left_alone_and_the_work_goes_beside_it(window, pair_files, synthetic, tmp_path):
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore

    path = tmp_path / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    other_path = tmp_path / "other.rgbt.sqlite"
    other = AnnotationStore.open(other_path)
    other.put([FrameAnnotation(9, synthetic.boxes[9], provenance="manual", keyframe=True)])
    other.close()
    os.replace(other_path, path)  # a backup restored over the open project
    window.goto(1)
    window.views.box_drawn.emit("visible", synthetic.boxes[1])
    message = window.statusBar().currentMessage()
    assert "replaced" in message
    assert window.settings.recent[0].store.endswith(".rgbt.sqlite") and "-recovered-" in window.settings.recent[0].store
    window.close()
    assert sorted(_boxes(path)) == [9]  # the other file is not written over
    recovered = [p for p in tmp_path.glob("day*.rgbt.sqlite") if p != path]
    assert len(recovered) == 1 and recovered[0].name in message
    assert sorted(_boxes(recovered[0])) == [0, 1]


def test_a_project_deleted_with_its_folder_goes_to_the_studio_home(window, pair_files, synthetic, tmp_path,
                                                                   monkeypatch):
    import shutil

    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    shutil.rmtree(folder)
    window.goto(1)
    window.views.box_drawn.emit("visible", synthetic.boxes[1])
    message = window.statusBar().currentMessage()
    assert "deleted with its folder" in message, message
    recovered = list((tmp_path / "home" / "projects").glob("day-recovered-*.rgbt.sqlite"))
    assert len(recovered) == 1 and str(recovered[0]) in message
    window.close()
    assert sorted(_boxes(recovered[0])) == [0, 1]


def test_a_deleted_project_is_written_again_only_once_no_job_holds_the_store(window, pair_files, synthetic,
                                                                           tmp_path):
    """While a tracking run (or an export) writes through the store it was given, closing that store
    under it failed the run: the copy waits for the run's end, the next edit, or the close."""
    path = tmp_path / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    path.unlink()
    store = window.document.store
    window.document.store_in_use = lambda: True
    window.goto(1)
    window.views.box_drawn.emit("visible", synthetic.boxes[1])
    assert window.document.store is store and not path.exists()
    asked = []
    window.ask_hook = lambda title, text, choices: asked.append(text) or "OK"
    window.close()  # the jobs are stopped by then; as the window goes, a question, not a dialog left with it
    assert sorted(_boxes(path)) == [0, 1]
    assert len(asked) == 1 and "was deleted while open" in asked[0]


def test_a_project_deleted_during_a_run_is_written_again_at_its_end_in_a_dialog(window, pair_files, synthetic,
                                                                             tmp_path, monkeypatch):
    """Deleted while T ran: the run's end wrote it again, but its summary ("10 frames tracked (done)")
    replaced the status bar's line at once, so the user never read that the file had been deleted."""
    import app.controllers.tracking as tracking
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress

    path = tmp_path / "day.rgbt.sqlite"

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        for frame in (1, 2, 3):
            if frame == 2:
                path.unlink()  # another program deletes the project while the run goes on
            command = SetRecords([FrameAnnotation(frame, synthetic.boxes[frame], provenance="student",
                                                  confidence=0.5)], label="track")
            command.apply(store)
            applied.append(command)
            yield Progress(frame, 23, f"frame {frame + 1}")
        return 3

    monkeypatch.setattr(tracking, "track_job", job)
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert "tracked" in window.statusBar().currentMessage()
    assert window.file_box.isVisible() and "was deleted while open" in window.file_box.text()
    window.close()
    assert sorted(_boxes(path)) == [0, 1, 2, 3]


def test_a_copy_that_cannot_be_written_says_so_and_keeps_the_window_working(window, pair_files, synthetic,
                                                                           tmp_path, monkeypatch):
    """Disk full as the deleted project is written again: one dialog says so and to export; the
    window's store stays open (the work is still in it, for the export), never closed with its copy gone."""
    import errno

    import app.project_file

    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    path = tmp_path / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    path.unlink()

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.project_file.os, "link", full)
    window.goto(1)
    window.views.box_drawn.emit("visible", synthetic.boxes[1])
    assert len(shown) == 1 and "export the annotations" in shown[0][1] and "No space left" in shown[0][1]
    assert not list(tmp_path.glob("*.part"))
    window.goto(2)
    window.views.box_drawn.emit("visible", synthetic.boxes[2])  # still written, to the open store
    assert len(shown) == 1 and sorted(window.document.store.records()) == [0, 1, 2]
    target = tmp_path / "saved-lasher"
    window.export("lasher", target)
    assert (target / "visible.txt").read_text().split()[2] != "0,0,0,0"


def test_a_deleted_project_is_written_again_within_seconds_without_an_edit(window, pair_files, synthetic, tmp_path,
                                                                          qtbot):
    """Deleted while the user only looked (no edit, no close): a crash, a kill or a power cut before the
    next edit lost the whole project, which SQLite held only in the deleted file."""
    path = tmp_path / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    path.unlink()
    qtbot.waitUntil(path.exists, timeout=6000)
    assert sorted(_boxes(path)) == [0]
    assert window.file_box.isVisible()


def test_a_deleted_project_on_a_file_system_without_hard_links_is_written_again(window, pair_files, synthetic,
                                                                               tmp_path, monkeypatch):
    """A USB stick (FAT) has no hard links: the copy goes in place by a rename."""
    import errno

    import app.project_file

    def no_links(*_args):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(app.project_file.os, "link", no_links)
    path = tmp_path / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    path.unlink()
    window.goto(1)
    window.views.box_drawn.emit("visible", synthetic.boxes[1])
    assert "was deleted" in window.statusBar().currentMessage() and not list(tmp_path.glob("*.part"))
    window.close()
    assert sorted(_boxes(path)) == [0, 1]


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("how", ["renamed", "folder moved"])
def test_a_project_moved_while_open_is_followed_not_copied(window, pair_files, synthetic, tmp_path, how):
    """Renamed, or moved with its folder (a dataset reorganised while the studio was open): the same file,
    elsewhere. Left alone, closing the studio left every commit since SQLite's last checkpoint in
    <old name>-wal, missing from the moved project; taken for deleted, it was copied (two diverging
    projects). It is followed there."""
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "day.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    if how == "renamed":
        moved = folder / "day-old.rgbt.sqlite"
        path.rename(moved)
    else:
        folder.rename(tmp_path / "moved")
        moved = tmp_path / "moved" / "day.rgbt.sqlite"
    window.goto(1)
    window.views.box_drawn.emit("visible", synthetic.boxes[1])
    message = window.statusBar().currentMessage()
    assert "was moved or renamed while open" in message and str(moved) in message, message
    assert Path(window.document.path) == moved
    assert not path.exists() and not list(tmp_path.rglob("*recovered*"))
    window.close()
    assert sorted(_boxes(moved)) == [0, 1]  # SQLite left the commits since its last checkpoint in <old name>-wal
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
