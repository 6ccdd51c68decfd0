"""Ctrl+C / Ctrl+V copy the frame's box and paste it on the frame shown, as CVAT and DarkLabel do.

A target standing still, or one back where it was, needed its box drawn again (or typed with B);
Ctrl+C and Ctrl+V did nothing, without a word. The pasted box is a box the user placed: a manual
keyframe, one undo step; the copy also goes to the clipboard as "x,y,w,h" text."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from core.annotations.records import Provenance


def _opened(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))


def test_copy_then_paste_puts_the_box_on_another_frame(window, pair_files, synthetic, tmp_path):
    _opened(window, pair_files, tmp_path)
    box = np.array([10.0, 12.0, 30.0, 20.0])
    window.views.box_drawn.emit("visible", box)
    window.actions["copy_box"].trigger()
    assert "copied the box of frame 1" in window.statusBar().currentMessage()
    assert QApplication.clipboard().text() == "10,12,30,20"
    window.goto(7)
    steps = window.document.undo_stack.count()
    window.actions["paste_box"].trigger()
    record = window.document.record(7)
    assert record is not None and record.provenance == Provenance.MANUAL and record.keyframe
    assert np.allclose(record.box, box)
    assert window.document.undo_stack.count() == steps + 1
    assert "pasted the box of frame 1 on frame 8" in window.statusBar().currentMessage()
    window.actions["undo"].trigger()
    assert window.document.record(7) is None


def test_copy_and_paste_say_why_they_do_nothing(window, pair_files, synthetic, tmp_path):
    _opened(window, pair_files, tmp_path)
    window.actions["paste_box"].trigger()
    assert window.statusBar().currentMessage().startswith("nothing to paste")
    window.actions["copy_box"].trigger()
    assert window.statusBar().currentMessage().startswith("nothing to copy: frame 1 has no box")
    window.actions["absent"].trigger()
    window.actions["copy_box"].trigger()
    assert window.statusBar().currentMessage().startswith("nothing to copy: frame 1 is marked absent")


def test_a_paste_keeps_a_separate_thermal_box(window, pair_files, synthetic, tmp_path):
    _opened(window, pair_files, tmp_path)
    window.actions["separate_thermal"].setChecked(True)
    window.views.box_drawn.emit("visible", np.array([10.0, 12.0, 30.0, 20.0]))
    window.views.box_drawn.emit("thermal", np.array([14.0, 12.0, 30.0, 20.0]))
    window.actions["copy_box"].trigger()
    window.goto(3)
    window.actions["paste_box"].trigger()
    record = window.document.record(3)
    assert np.allclose(record.box, [10, 12, 30, 20]) and np.allclose(record.thermal_box, [14, 12, 30, 20])
