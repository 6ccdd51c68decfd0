"""I names the boxes it does not count as keyframes (real-pair session, 0111_1716: Shift+A took the
teacher's boxes on frames 91-120, a correction made 126 a keyframe; I over the range 120-126 said
"nothing to interpolate: frames 120-126 hold 1 keyframe", with the accepted box on 120 in plain
sight and no word that K makes it one)."""
from __future__ import annotations

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
    return window.document


def test_i_over_a_range_names_the_accepted_box_and_k(window, pair_files, synthetic, tmp_path):
    doc = _session(window, pair_files, synthetic, tmp_path)
    window.timeline.show_range(6, 11)  # frames 7-11: the last accepted box, tracked ones, the correction
    window.actions["interpolate"].trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("nothing to interpolate: frames 7-11 hold 1 keyframe (the teacher box you "
                              "accepted on frame 7 is not one: K there makes it one); "), message
    window.goto(6)
    window.actions["keyframe"].trigger()  # as told
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage().startswith("interpolated 3 frames")
    assert [doc.record(f).provenance for f in (7, 8, 9)] == [Provenance.INTERPOLATED] * 3


def test_i_without_a_range_counts_them(window, pair_files, synthetic, tmp_path):
    _session(window, pair_files, synthetic, tmp_path)
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage() == (
        "nothing to interpolate: needs two keyframes (the 4 teacher boxes you accepted in frames 4-7 are not "
        "keyframes: K on one makes it one)")
