"""File > Import boxes from a file...: a user's own labels or another tool's pre-labels onto the
footage. Before, the studio imported only the ground truth its sequence folder ships: a
colleague's labels, a CVAT / MOT export or ``track --out`` results could not be loaded to check
and correct, except by renaming them into a dataset layout beside the frames."""
from __future__ import annotations

import numpy as np


def _answers(*replies):
    """An ``ask_hook`` answering the studio's questions in turn, recording their titles."""
    asked = []

    def hook(title, text, choices):
        asked.append((title, text, choices))
        return replies[len(asked) - 1]
    hook.asked = asked
    return hook


def test_checked_labels_from_a_file_become_imported_boxes(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    window.views.box_drawn.emit("visible", synthetic.boxes[0] + 1.0)  # a box the user drew on frame 1
    rows = "".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes[:8])
    path = tmp_path / "labels.csv"
    path.write_text("x,y,w,h\n" + rows.replace(rows.splitlines()[4], "0,0,0,0"))
    window.ask_hook = _answers("Checked labels")
    window.imports.import_box_file(str(path))
    assert window.statusBar().currentMessage() == (
        "imported 7 frames of checked labels from labels.csv, one row per frame (1 absent); the file's 8 rows end "
        "before the footage's 24 frames: frames 9-24 get no box from it; kept 1 box you drew or "
        "corrected on the frame the file also has (1); T does not replace imported boxes")
    assert document.record(0).provenance == "manual"
    assert document.record(1).provenance == "imported"
    np.testing.assert_allclose(document.record(1).box, synthetic.boxes[1], atol=0.01)
    assert document.record(4).absent and document.record(8) is None
    window.actions["undo"].trigger()  # one step
    assert document.record(1) is None and document.record(0).provenance == "manual"


def test_pre_labels_of_one_mot_object_are_machine_boxes_that_tracking_replaces(window, pair_files, synthetic,
                                                                               tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    lines = [f"{f + 1},3,{x:.1f},{y:.1f},{w:.1f},{h:.1f},1,-1,-1,-1" for f, (x, y, w, h) in
             enumerate(synthetic.boxes[:6])]
    lines += ["2,9,1,1,5,5,1,-1,-1,-1", "40,3,1,1,5,5,1,-1,-1,-1"]  # another object; a frame past the end (24)
    path = tmp_path / "gt.txt"
    path.write_text("\n".join(lines) + "\n")
    window.ask_hook = hook = _answers("Pre-labels to correct")
    chosen = []
    window.choose_hook = lambda title, text, items: chosen.append((title, text, items)) or "id 3"
    window.imports.import_box_file(str(path))
    assert [title for title, _text, _choices in hook.asked] == ["Import boxes as"]
    assert chosen == [("Which object?", "gt.txt holds 2 objects (ids 3, 9); the studio labels one: choose its id.",
                       ["id 3", "id 9"])]  # a list: a MOT file of 30 objects offered only its first 8 as buttons
    assert window.statusBar().currentMessage() == (
        "imported 6 frames of pre-labels from gt.txt, frame-numbered rows; 1 row past the footage's last frame (24) "
        "left out; T replaces them from the frame it starts on")
    record = document.record(2)
    assert record.provenance == "student" and not record.keyframe
    np.testing.assert_allclose(record.box, synthetic.boxes[2], atol=0.06)


def test_a_bad_file_is_one_error_and_changes_nothing(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = tmp_path / "bad.txt"
    path.write_text("1,2,3,4\n5,6,x,8\n")
    window.ask_hook = _answers("Checked labels")
    window.imports.import_box_file(str(path))
    assert str(window.last_error) == f"{path}, line 2: not a number in '5,6,x,8'"
    assert not window.document.records


def test_cancel_imports_nothing(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = tmp_path / "labels.txt"
    path.write_text("10,10,20,20\n")
    window.ask_hook = _answers("Cancel")
    window.imports.import_box_file(str(path))
    assert window.statusBar().currentMessage() == "boxes not imported"
    assert window.document.record(0) is None


def test_the_action_is_in_the_file_menu_with_its_key(window, pair_files, tmp_path):
    action = window.actions["import_boxes"]
    assert action.shortcut().toString() == "Ctrl+I"
    assert not action.isEnabled()  # nothing to import onto yet
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    assert action.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()


def _drop(window, path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))


def test_a_box_file_dropped_on_open_footage_imports_it(window, pair_files, synthetic, tmp_path):
    """A .csv dropped on the window said 'drop one sequence folder, one video, ...'; it now imports
    its boxes onto the footage shown, and before any footage is open says to open it first."""
    path = tmp_path / "boxes.csv"
    path.write_text("".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes[:3]))
    _drop(window, path)
    assert window.document is None
    assert window.statusBar().currentMessage() == (
        "boxes.csv: open the footage first, then drop its box file on it to import the boxes")
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    window.ask_hook = _answers("Checked labels")
    _drop(window, path)
    assert window.statusBar().currentMessage().startswith("imported 3 frames of checked labels from boxes.csv")
    assert window.document.record(2).provenance == "imported"


def test_every_box_file_the_import_dialog_lists_can_be_dropped(window, pair_files, synthetic, tmp_path):
    """File > Import boxes lists *.mot files, but a .mot dropped on open footage said "drop one
    sequence folder, ... or a box file (.txt, .csv) on open footage" and imported nothing."""
    path = tmp_path / "gt.mot"
    path.write_text("".join(f"{f + 1},1,{x:.2f},{y:.2f},{w:.2f},{h:.2f},1,1,1\n"
                            for f, (x, y, w, h) in enumerate(synthetic.boxes[:3])))
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    window.ask_hook = _answers("Checked labels")
    _drop(window, path)
    assert window.statusBar().currentMessage().startswith("imported 3 frames of checked labels from gt.mot")


def test_an_import_during_a_tracking_run_waits_for_its_end(qtbot, pair_files, synthetic, tmp_path, monkeypatch):
    """Boxes imported while a run went on (seen: pre-labels onto the demo mid-run) were written
    between the run's batches; undoing the run, then the import, left frames of the undone run
    in the project (the import's undo put back the run's boxes it had replaced)."""
    from tests.app.conftest import slow_track_job, window_running

    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, (1, 2)), pair_files,
                            str(tmp_path / "run.rgbt.sqlite"))
    path = tmp_path / "late.txt"
    path.write_text("".join(f"{f + 1},{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n"
                            for f, (x, y, w, h) in enumerate(synthetic.boxes[:6]) if f >= 1))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 2, timeout=20000)
    window.ask_hook = _answers("Pre-labels to correct")
    window.imports.import_box_file(str(path))
    assert window.statusBar().currentMessage() == ("a tracking run is going on: Esc stops it, then Ctrl+I imports "
                                                   "the boxes")
    assert not window.ask_hook.asked and window.tracking.busy
    window.actions["stop"].trigger()
    qtbot.waitUntil(lambda: not window.tracking.busy, timeout=20000)
    window.close()
