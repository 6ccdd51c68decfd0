"""Defects a first-time user met on real footage (the walkthrough of 2026-12-06)."""
from __future__ import annotations


def test_n_says_when_it_wraps_back_to_the_first_frame_needing_attention(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])  # frame 2 needs a look: the annotation stops there
    window.statusBar().clearMessage()
    window.actions["attention"].trigger()
    assert window.frame == 1 and "back to" not in window.statusBar().currentMessage()
    window.goto(10)
    window.actions["attention"].trigger()
    assert window.frame == 1
    assert "no frame after 11 needs attention" in window.statusBar().currentMessage()
    assert "frame 2" in window.statusBar().currentMessage()


def test_k_q_and_del_on_a_frame_without_a_box_say_why_nothing_happened(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    window.goto(3)
    for action, text in (("keyframe", "Toggle keyframe"), ("occluded", "Toggle occluded"), ("delete_box", "Delete box")):
        window.statusBar().clearMessage()
        window.actions[action].trigger()
        message = window.statusBar().currentMessage()
        assert message.startswith(f"{text}: frame 4 has no box") and "O marks the target absent" in message
        assert window.document.record(3) is None and not window.document.undo_stack.canUndo()
