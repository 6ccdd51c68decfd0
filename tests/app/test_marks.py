"""Marks on one frame: K on an absent frame, O twice bringing the box back."""
from __future__ import annotations


def test_k_on_an_absent_frame_says_why_nothing_changed(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "ka.rgbt.sqlite"))
    window.goto(4)
    window.actions["absent"].trigger()
    window.statusBar().clearMessage()
    window.actions["keyframe"].trigger()
    assert window.statusBar().currentMessage() == (
        "Toggle keyframe: frame 5 holds an absent mark (O: out of view), which is always a keyframe; O lifts it")
    assert window.document.record(4).absent and window.document.undo_stack.count() == 1


def test_o_twice_brings_the_box_back(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "o.rgbt.sqlite"))
    doc = window.document
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    drawn = doc.store.get(3)
    window.actions["absent"].trigger()
    assert doc.store.get(3).absent
    window.actions["absent"].trigger()  # O again: the box it had, not an empty frame
    assert doc.store.get(3) == drawn
    window.goto(5)
    window.actions["absent"].trigger()  # a frame that had no box: O, O leaves it empty as before
    window.actions["absent"].trigger()
    assert doc.store.get(5) is None
    window.actions["undo"].trigger()
    assert doc.store.get(5).absent
    # a box marked absent, then deleted: O, O on the empty frame does not bring back the old box
    window.goto(3)
    window.actions["absent"].trigger()
    window.actions["delete_box"].trigger()
    window.actions["absent"].trigger()
    window.actions["absent"].trigger()
    assert doc.store.get(3) is None


def test_o_twice_brings_the_box_back_after_a_reopen(window, pair_files, synthetic, tmp_path):
    store = str(tmp_path / "o.rgbt.sqlite")
    window.open_pair(*pair_files, store=store)
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    drawn = window.document.store.get(3)
    window.actions["absent"].trigger()
    window.open_pair(*pair_files, store=store)  # closed and opened again: the memory is in the project
    assert window.document.store.get(3).absent
    window.goto(3)
    window.actions["absent"].trigger()
    assert window.document.store.get(3) == drawn
