"""I in the window after T (audit defect): tracker boxes survive I without a range, an
absent keyframe does not blank the frames before it, the status bar says what happened,
and I stays one undo step."""
from __future__ import annotations

from core.annotations.records import Provenance


def _tracked(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "i.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    records = window.document.store.records()
    assert all(records[f].provenance == Provenance.STUDENT for f in range(1, len(synthetic)))
    return records


def test_i_after_an_absent_keyframe_keeps_the_tracked_boxes(window, pair_files, synthetic, tmp_path):
    tracked = _tracked(window, pair_files, synthetic, tmp_path)
    doc = window.document
    window.goto(20)
    window.actions["absent"].trigger()  # O: the target leaves the view on frame 21
    window.actions["interpolate"].trigger()  # I, no range
    after = doc.store.records()
    assert all(after[f] == tracked[f] for f in range(1, 20))  # the tracker boxes, not "absent"
    message = window.statusBar().currentMessage()
    assert message.startswith("nothing to interpolate") and "absent keyframe" in message
    window.actions["undo"].trigger()  # I changed nothing: undo takes back O
    assert doc.store.get(20) == tracked[20]


def test_i_fills_only_empty_frames_without_a_range_and_replaces_with_one(window, pair_files, synthetic,
                                                                          tmp_path):
    tracked = _tracked(window, pair_files, synthetic, tmp_path)
    doc = window.document
    for frame in (3, 4):  # two frames with no box between the keyframes
        window.goto(frame)
        window.actions["delete_box"].trigger()
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])  # a correction: manual keyframe
    window.actions["interpolate"].trigger()
    after = doc.store.records()
    assert [f for f in range(1, 10) if after[f].provenance == Provenance.INTERPOLATED] == [3, 4]
    assert all(after[f] == tracked[f] for f in (1, 2, 5, 6, 7, 8, 9))
    assert window.statusBar().currentMessage() == (
        "interpolated 2 frames (kept 7 tracked boxes; select a range to replace them)")
    window.timeline.show_range(0, 11)  # the user's range: tracker boxes inside are replaced
    window.actions["interpolate"].trigger()
    replaced = doc.store.records()
    assert all(replaced[f].provenance == Provenance.INTERPOLATED for f in range(1, 10))
    assert replaced[0].provenance == replaced[10].provenance == Provenance.MANUAL
    assert replaced[11] == tracked[11]  # outside the range
    assert window.statusBar().currentMessage() == "interpolated 9 frames"
    window.actions["undo"].trigger()  # one step back: the tracker boxes again
    assert doc.store.records() == after
