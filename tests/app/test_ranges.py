"""A range shown on the timeline (Ctrl+R): I, O, Del, Shift+A and T over it, and opening another project."""
from __future__ import annotations


def test_a_range_shown_on_one_project_is_not_in_force_on_the_next(window, pair_files, tmp_path):
    """Ctrl+R at frame 20 of a project, then another, shorter one opened: the range stayed in
    force there, off screen and cut to its last frame, so I over the whole sequence said
    "needs two keyframes" with keyframes on frames 1 and 8."""
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    window.open_pair(*pair_files, store=str(tmp_path / "long.rgbt.sqlite"))
    window.goto(20)
    window.actions["range"].setChecked(True)
    assert window.timeline.selected_range() == (20, 24)
    short = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=8), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "short.rgbt.sqlite"), sequence=short))
    assert window.timeline.selected_range() is None and not window.actions["range"].isChecked()
    window.views.box_drawn.emit("visible", short.boxes[0])
    window.goto(7)
    window.views.box_drawn.emit("visible", short.boxes[7])
    window.goto(3)
    window.actions["interpolate"].trigger()
    assert window.document.record(3).provenance == "interpolated"
    assert all(window.document.record(f) is not None for f in range(8))


def test_i_with_a_range_between_two_keyframes_says_the_range_must_reach_them(window, pair_files, synthetic,
                                                                             tmp_path):
    """Keyframes on frames 3 and 20, a range shown over frames 8-17 (the bad stretch) and I:
    "nothing to interpolate: needs two keyframes" read as if the sequence had fewer than two."""
    window.open_pair(*pair_files, store=str(tmp_path / "ir.rgbt.sqlite"))
    for frame in (2, 19):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.goto(7)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(7, 17)
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage() == (
        "nothing to interpolate: frames 8-17 hold 0 kept boxes; I interpolates between the kept boxes inside the range "
        "(keyframes, boxes drawn, accepted or imported): move its edges onto one on each side ([ / ] there, or drag them)")
    # the words say what I does: it anchors on every kept box, not on keyframes alone
    assert window.actions["interpolate"].text().startswith("Interpolate between kept boxes")
    assert "keyframes and boxes drawn, accepted or imported" in window.actions["interpolate"].statusTip()
    window.timeline.show_range(2, 20)  # reaching both: interpolated
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage().startswith("interpolated 16 frames")


def test_o_again_on_a_range_marked_absent_says_how_to_lift_the_marks(window, pair_files, tmp_path):
    """O (Toggle absent) with a range marks the range absent; O again there said only "nothing
    to mark absent", as if O did nothing, with no word on how the marks come off."""
    window.open_pair(*pair_files, store=str(tmp_path / "oo.rgbt.sqlite"))
    window.goto(4)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(4, 9)
    window.actions["absent"].trigger()
    assert all(window.document.record(f).absent for f in range(4, 9))
    window.actions["absent"].trigger()
    assert window.statusBar().currentMessage() == (
        "frames 5-9: nothing to mark absent; 5 frames are absent already: Ctrl+Z undoes a range's marking, "
        "O without a range lifts one frame's mark (hide the range: Ctrl+R)")


def test_del_with_a_range_shown_deletes_the_ranges_tracked_boxes_as_o_marks_it(window, pair_files, synthetic,
                                                                             tmp_path):
    """A range shown over a stretch where the tracker drifted: O marked the whole range absent,
    but Del deleted only the current frame's box, without a word about the range. Del now acts
    on the range as O does (tracked and interpolated boxes; a drawn box and an absent mark
    kept), says so, and is one undo step."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "del.rgbt.sqlite"))
    store = window.document.store
    store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5) for f in range(1, 12)])
    window.document.reload()
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])
    window.goto(7)
    window.actions["absent"].trigger()
    window.goto(4)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(3, 9)
    window.actions["delete_box"].trigger()
    assert [f for f in range(1, 12) if window.document.record(f) is None] == [3, 4, 6, 8]
    assert window.document.record(5).provenance == "manual" and window.document.record(7).absent
    assert window.statusBar().currentMessage() == (
        "deleted 4 boxes in frames 4-9 (this frame's and the range's tracked or interpolated ones); kept 2 frames "
        "holding a box a person drew, accepted or imported, a keyframe or an absent mark; Ctrl+Z undoes it; Del "
        "without a range deletes one frame's box (hide the range: Ctrl+R)")
    window.actions["undo"].trigger()
    assert all(window.document.record(f) is not None for f in range(1, 12))
    window.goto(5)  # the box on screen goes, whatever it is (A's "delete the box (Del), then A")
    window.actions["delete_box"].trigger()
    assert [f for f in range(1, 12) if window.document.record(f) is None] == [3, 4, 5, 6, 8]
    window.actions["undo"].trigger()
    window.actions["range"].setChecked(False)  # without a range: this frame alone, as before
    window.goto(4)
    window.actions["delete_box"].trigger()
    assert window.document.record(4) is None and window.document.record(3) is not None


def test_shift_a_says_what_it_kept_by_kind(window, pair_files, synthetic, tmp_path):
    """Shift+A over a range holding a drawn box, an absent mark and an imported box among the
    proposals said "kept 3 manual boxes or keyframes", though only one was a box a person drew."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "sa.rgbt.sqlite"))
    store = window.document.store
    store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5) for f in range(1, 10)]
              + [FrameAnnotation(6, synthetic.boxes[6], provenance="imported")])
    store.put_proposals("test", [(f, synthetic.boxes[f] + 1.0, 0.9) for f in range(2, 8)])
    window.document.reload()
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    window.goto(5)
    window.actions["absent"].trigger()
    window.actions["range"].setChecked(True)
    window.timeline.show_range(2, 8)
    window.actions["accept_range"].trigger()
    assert window.statusBar().currentMessage() == (
        "accepted 3 teacher boxes in frames 3-8; kept 1 box you drew or corrected, 1 absent mark and 1 imported box "
        "there (the proposals dropped); Ctrl+Z undoes it")


def test_t_on_the_last_frame_of_a_range_does_not_run_past_it(window, pair_files, synthetic, tmp_path):
    """A range shown over frames 6-10 and a box drawn on frame 10, its last frame: T ran past the
    range, to the next keyframe or the end, re-tracking frames the range was shown to keep out."""
    window.open_pair(*pair_files, store=str(tmp_path / "rl.rgbt.sqlite"))
    window.goto(9)
    window.views.box_drawn.emit("visible", synthetic.boxes[9])
    window.actions["range"].setChecked(True)
    window.timeline.show_range(5, 10)
    window.actions["track"].trigger()
    assert window.document.record(10) is None and window.document.undo_stack.count() == 1
    assert window.statusBar().currentMessage() == (
        "nothing to track: frame 10 is the last of the range shown (frames 6-10), where T stops; hide the range "
        "(Ctrl+R) to track on")


def test_a_range_is_set_from_the_keyboard_and_named_in_the_status_bar(window, pair_files, tmp_path):
    """Keyboard only: Ctrl+R showed frames 6-35 (30 from the frame shown, cut to the end) and only a
    mouse drag on the timeline moved its edges; the status bar did not say which frames it held, so
    I, O, Del and Shift+A acted on frames the user could not name. [ and ] now start and end the
    range at the frame shown, and the status bar names it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.open_pair(*pair_files, store=str(tmp_path / "keys.rgbt.sqlite"))
    window.activateWindow()
    window.setFocus()
    window.goto(5)
    steps = [(Qt.Key.Key_BracketLeft, 5), (Qt.Key.Key_F, 6), (Qt.Key.Key_F, 7), (Qt.Key.Key_F, 8),
             (Qt.Key.Key_F, 9), (Qt.Key.Key_BracketRight, 9)]
    for key, frame in steps:
        QTest.keyClick(window, key)
        assert window.frame == frame
    assert window.timeline.selected_range() == (5, 10) and window.actions["range"].isChecked()
    assert window.statusBar().currentMessage() == ("range: frames 6-10 (5 frames); [ / ] start / end it at the "
                                                   "frame shown, or drag its edges; Ctrl+R hides it")
    window.actions["absent"].trigger()  # O over the range set by keys
    assert sorted(f for f, r in window.document.store.records().items() if r.absent) == [5, 6, 7, 8, 9]
    window.goto(7)
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)  # a later start keeps the end
    assert window.timeline.selected_range() == (7, 10)
    window.goto(2)
    QTest.keyClick(window, Qt.Key.Key_BracketRight)  # an end before the start: the range is that frame
    assert window.timeline.selected_range() == (2, 3)
    assert window.statusBar().currentMessage().startswith("range: frame 3 (1 frame); ")
    window.actions["range"].setChecked(False)
    assert window.timeline.selected_range() is None
    window.actions["accept_range"].trigger()  # Shift+A without a range names the keys that set one
    assert window.statusBar().currentMessage().startswith("select a range first ([ / ] at its first / last frame, "
                                                          "or Ctrl+R and drag its edges on the timeline)")
    window.goto(20)
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)  # no range shown: 30 frames from here, cut to the end
    assert window.timeline.selected_range() == (20, 24)
