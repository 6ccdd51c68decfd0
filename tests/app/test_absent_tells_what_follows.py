"""O on one frame where the target left, with the tracker's boxes after it (it went on over the
background): the frame was marked and nothing said that the frames after it still held those
boxes, so they stayed labels of a target not there, exported as such (CVAT's "outside" holds
from that frame on; here only a range marks several frames). The status bar now names them
and how to mark them too."""
from __future__ import annotations

from core.annotations.records import Provenance


def _tracked(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "o.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert window.document.record(23).provenance == Provenance.STUDENT


def test_o_says_which_tracked_boxes_follow_the_absent_frame(window, pair_files, synthetic, tmp_path):
    _tracked(window, pair_files, synthetic, tmp_path)
    window.goto(15)
    window.actions["keyframe"].trigger()  # frame 16: a keyframe the run after the absent frame stops at
    window.goto(9)
    window.actions["absent"].trigger()
    assert window.document.record(9).absent
    message = window.statusBar().currentMessage()
    assert message.startswith("frame 10 marked absent; frames 11-15 after it still hold tracked boxes"), message
    assert message.endswith(": [ here, ] on frame 15, then O marks them absent too"), message
    window.actions["range_start"].trigger()  # as the message says: [ here, ] on frame 15, O
    window.goto(14)
    window.actions["range_end"].trigger()
    window.actions["absent"].trigger()
    assert all(window.document.record(f).absent for f in range(9, 15))
    assert not window.document.record(15).absent


def test_o_says_nothing_more_where_no_tracked_box_follows(window, pair_files, synthetic, tmp_path):
    _tracked(window, pair_files, synthetic, tmp_path)
    window.goto(23)  # the last frame
    window.actions["absent"].trigger()
    assert "still hold" not in window.statusBar().currentMessage()
    window.actions["absent"].trigger()  # O again brings the box back: nothing about the frames after
    assert not window.document.record(23).absent
    assert "still hold" not in window.statusBar().currentMessage()
