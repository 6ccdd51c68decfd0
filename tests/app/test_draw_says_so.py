"""A box drawn or moved replaces an earlier edit's message in the status bar: "deleted ...; Ctrl+Z
undoes it" stayed up after a box was drawn on another frame, and Ctrl+Z then undid the new box."""
from __future__ import annotations


def test_drawing_a_box_replaces_an_earlier_edits_message(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "d.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["delete_box"].trigger()
    assert window.statusBar().currentMessage().startswith("deleted")
    window.goto(4)
    window.views.box_drawn.emit("visible", synthetic.boxes[4])
    assert window.statusBar().currentMessage() == "frame 5: box drawn, a keyframe; Ctrl+Z undoes it"
    window.views.box_edited.emit("visible", synthetic.boxes[4] + 2)
    assert window.statusBar().currentMessage() == "frame 5: box moved, a keyframe; Ctrl+Z undoes it"
    assert window.document.record(4).keyframe
