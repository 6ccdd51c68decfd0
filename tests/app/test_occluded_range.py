"""Q over a range of absent frames. A target hidden behind another person for 15 frames: with the
range shown, O marks them all absent (out of view) in one step, but Q, which tells an absent
frame "fully occluded" from "out of view" (LaSOT's full_occlusion.txt / out_of_view.txt), still
changed the frame shown alone: 15 frames took 15 presses with the range hidden. Now Q on an
absent frame inside a range shown changes every absent mark of the range the same way, one undo
step. Q on a box still marks its frame alone (over a range it would turn every tracked box into a
manual keyframe), and says why."""
from __future__ import annotations

import pytest


@pytest.fixture
def tracked_range(window, pair_files, synthetic, tmp_path):
    """Frames 1-24 tracked from a box on frame 1, frames 3-7 shown as a range, the frame shown 7."""
    window.open_pair(*pair_files, store=str(tmp_path / "q.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.goto(2)
    window.actions["range"].setChecked(True)
    window.goto(6)
    window.actions["range_end"].trigger()  # frames 3-7
    assert window.timeline.selected_range() == (2, 7)
    return window


def test_q_on_an_absent_frame_of_a_range_marks_the_range_fully_occluded(tracked_range):
    window = tracked_range
    document = window.document
    window.actions["absent"].trigger()  # the whole range absent
    assert all(document.record(f).absent for f in range(2, 7))
    window.goto(4)
    window.actions["occluded"].trigger()
    assert all(document.record(f).occluded and document.record(f).absent for f in range(2, 7))
    assert not document.record(7).occluded and not document.record(1).occluded
    message = window.statusBar().currentMessage()
    assert message.startswith("marked 5 absent frames fully occluded (3-7)"), message
    window.actions["occluded"].trigger()  # again: back to out of view, the range too
    assert not any(document.record(f).occluded for f in range(2, 7))
    assert window.statusBar().currentMessage().startswith("marked 5 absent frames out of view (3-7)")
    window.actions["undo"].trigger()  # one step
    assert all(document.record(f).occluded for f in range(2, 7))
    window.actions["undo"].trigger()
    assert not any(document.record(f).occluded for f in range(2, 7))
    assert all(document.record(f).absent for f in range(2, 7))


def test_q_over_a_range_leaves_its_boxes_alone_and_names_them(tracked_range):
    window = tracked_range
    document = window.document
    window.goto(3)
    window.actions["range"].setChecked(False)
    window.actions["absent"].trigger()  # frame 4 alone absent
    window.actions["range"].setChecked(True)
    window.goto(2)
    window.actions["range_start"].trigger()
    window.goto(6)
    window.actions["range_end"].trigger()
    window.goto(3)
    window.actions["occluded"].trigger()
    assert document.record(3).occluded and document.record(3).absent
    boxes = [f for f in (2, 4, 5, 6) if document.record(f).box is not None]
    assert boxes == [2, 4, 5, 6] and not any(document.record(f).occluded for f in boxes)
    message = window.statusBar().currentMessage()
    assert message.startswith("marked 1 absent frame fully occluded (3-7)"), message
    assert "4 frames holding a box are unchanged" in message


def test_q_on_a_box_in_a_range_says_why_it_marks_one_frame(tracked_range):
    window = tracked_range
    window.actions["occluded"].trigger()
    assert window.document.record(6).occluded and not window.document.record(5).occluded
    message = window.statusBar().currentMessage()
    assert message.startswith("frame 7 marked occluded; Q marks the frame shown alone, not the range (frames 3-7)")
    assert "keyframe" in message  # why: a range would make every tracked box a manual keyframe
