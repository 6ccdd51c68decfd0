"""O over a range says how many of its frames were absent already (real-pair session, 0111_1716: O on
frame 140, then [ there, ] on 151 and O said "marked 11 frames absent (140-151)", twelve frames,
which read as a miscount)."""
from __future__ import annotations


def test_o_over_a_range_counts_the_frames_absent_already(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()  # tracked boxes on frames 2-24
    window.goto(12)
    window.actions["absent"].trigger()  # O on frame 13: the target left
    window.timeline.show_range(12, 24)
    window.actions["absent"].trigger()  # O over frames 13-24
    assert window.statusBar().currentMessage() == (
        "marked 11 frames absent (13-24; 1 was absent already); Ctrl+Z undoes it")
