"""Undo and redo of an edit on a frame other than the one shown go to it and name it.

Delete a box on frame 4, play on to the end, Ctrl+Z: the status bar said "undone: delete 1 box"
and the view stayed on the last frame, so nothing on screen changed and the user could not tell
what came back, or where (CVAT goes to the frame of the action undone)."""
from __future__ import annotations


def _opened_with_boxes(window, pair_files, synthetic, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    qtbot.wait(20)
    for frame in (3, 10):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])


def test_undo_of_an_edit_elsewhere_goes_to_its_frame(window, pair_files, synthetic, tmp_path, qtbot):
    _opened_with_boxes(window, pair_files, synthetic, tmp_path, qtbot)
    window.goto(3)
    window.actions["delete_box"].trigger()
    assert window.document.record(3) is None
    window.goto(20)
    window.actions["undo"].trigger()
    assert window.document.record(3) is not None
    assert window.frame == 3
    message = window.statusBar().currentMessage()
    assert message.startswith("undone: delete 1 box") and "frame 4" in message, message
    window.goto(15)
    window.actions["redo"].trigger()
    assert window.document.record(3) is None and window.frame == 3
    assert "frame 4" in window.statusBar().currentMessage()


def test_undo_on_the_frame_shown_stays_there(window, pair_files, synthetic, tmp_path, qtbot):
    _opened_with_boxes(window, pair_files, synthetic, tmp_path, qtbot)
    assert window.frame == 10
    window.actions["undo"].trigger()
    assert window.frame == 10 and window.document.record(10) is None


def test_undo_of_a_step_over_many_frames_names_them(window, pair_files, synthetic, tmp_path, qtbot):
    _opened_with_boxes(window, pair_files, synthetic, tmp_path, qtbot)
    window.actions["interpolate"].trigger()  # frames 5-10 (numbered from 1) get boxes, one step
    window.goto(22)
    window.actions["undo"].trigger()
    assert window.document.record(5) is None
    assert window.frame == 9  # the nearest frame the undo changed
    assert "frames 5-10" in window.statusBar().currentMessage(), window.statusBar().currentMessage()
