"""I interpolates from the teacher's boxes the user accepted (real-pair session, 0111_1716: Shift+A
took the teacher's boxes on frames 91-120, a correction made 126 a keyframe; I over the range 120-126
said "nothing to interpolate: frames 120-126 hold 1 keyframe", with the accepted box on 120 in plain
sight: the accepted box was no anchor, and K on it, which made it a manual box, was needed first)."""
from __future__ import annotations

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance


def _session(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "u.rgbt.sqlite"))
    boxes = synthetic.boxes
    window.document.store.put([FrameAnnotation(f, boxes[f], provenance=Provenance.STUDENT, confidence=0.5)
                               for f in range(1, 12)]
                              + [FrameAnnotation(f, boxes[f], provenance=Provenance.TEACHER, confidence=0.8)
                                 for f in range(3, 7)])
    window.document.reload()
    window.goto(10)
    window.views.box_drawn.emit("visible", boxes[10])  # the correction: a manual keyframe
    return window.document, boxes


def test_i_over_a_range_interpolates_from_the_accepted_box(window, pair_files, synthetic, tmp_path):
    doc, boxes = _session(window, pair_files, synthetic, tmp_path)
    window.timeline.show_range(6, 11)  # frames 7-11: the last accepted box, tracked ones, the correction
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage().startswith("interpolated 3 frames"), window.statusBar().currentMessage()
    assert [doc.record(f).provenance for f in (7, 8, 9)] == [Provenance.INTERPOLATED] * 3
    np.testing.assert_allclose(doc.record(8).box, (np.asarray(boxes[6]) + np.asarray(boxes[10])) / 2)
    assert doc.record(6).provenance == Provenance.TEACHER and not doc.record(6).keyframe  # kept as accepted


def test_i_without_a_range_keeps_the_tracked_boxes_between_them(window, pair_files, synthetic, tmp_path):
    _session(window, pair_files, synthetic, tmp_path)
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage() == (
        "nothing to interpolate: kept 3 tracked boxes; select a range to replace them")
