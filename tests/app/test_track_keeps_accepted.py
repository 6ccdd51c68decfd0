"""T keeps the teacher boxes the user accepted (found by the real-footage walkthrough): a
re-track from an earlier correction wrote tracker boxes over them without a word, while I, O
and the ground-truth import keep them or ask."""
from __future__ import annotations

import numpy as np

from core.annotations.records import Provenance


def _accept_at(window, frame, box):
    doc = window.document
    doc.store.put_proposals("teacher-run", [(frame, np.asarray(box, float), 0.7)])
    doc.reload_outputs()
    window.goto(frame)
    window.actions["accept"].trigger()
    assert doc.store.get(frame).provenance == Provenance.TEACHER


def test_t_from_an_earlier_frame_stops_before_an_accepted_teacher_box(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    doc = window.document
    accepted = synthetic.boxes[12] + np.array([3.0, 2.0, 0.0, 0.0])  # not where the tracker put it
    _accept_at(window, 12, accepted)
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])  # a correction, then T again
    window.actions["track"].trigger()
    kept = doc.store.get(12)
    assert kept.provenance == Provenance.TEACHER and np.allclose(kept.box, accepted)
    assert all(doc.store.get(f).provenance == Provenance.STUDENT for f in range(6, 12))  # re-tracked up to it
    assert window.statusBar().currentMessage() == ("6 frames tracked (done); it stopped before frame 13, which "
                                                   "holds a teacher box you accepted (T never replaces it)")


def test_t_just_before_an_accepted_box_says_why_nothing_is_tracked(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    _accept_at(window, 4, synthetic.boxes[4])
    window.goto(3)
    window.actions["track"].trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("nothing to track: the next frame (5) holds a teacher box you accepted")


def test_a_run_stops_at_a_box_accepted_while_it_goes():
    from app.jobs import keeps_tracking_out, tracking_stop
    from core.annotations.records import FrameAnnotation

    box = [1.0, 2.0, 10.0, 10.0]
    records = {0: FrameAnnotation(0, box, provenance="manual", keyframe=True),
               3: FrameAnnotation(3, box, provenance="student", confidence=0.5),
               7: FrameAnnotation(7, box, provenance="teacher", confidence=0.8),
               9: FrameAnnotation(9, box, provenance="manual", keyframe=True)}
    assert [keeps_tracking_out(records.get(f)) for f in (0, 1, 3, 7)] == [True, False, False, True]
    assert tracking_stop(records, 0, 20) == 7
    assert tracking_stop(records, 7, 20) == 9
    assert tracking_stop(records, 9, 20) == 20



def test_shift_a_says_how_many_boxes_it_accepted_and_which_it_kept(window, pair_files, synthetic, tmp_path):
    """Found on real footage: Shift+A over a range accepted the boxes with no word, and the
    status bar still read "select a range first" from the try before."""
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    doc = window.document
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])  # a manual keyframe among the proposals
    doc.store.put_proposals("teacher-run", [(f, np.asarray(synthetic.boxes[f], float), 0.6) for f in range(3, 8)])
    doc.reload_outputs()
    window.actions["accept_range"].trigger()  # no range yet
    assert window.statusBar().currentMessage().startswith("select a range first")
    window.timeline.show_range(2, 10)
    window.actions["accept_range"].trigger()
    assert [doc.store.get(f).provenance for f in range(3, 8)] == [Provenance.TEACHER] * 2 + [Provenance.MANUAL] + [
        Provenance.TEACHER] * 2
    assert window.statusBar().currentMessage() == ("accepted 4 teacher boxes in frames 3-10; kept 1 box you drew or "
                                                   "corrected there (the proposal dropped); Ctrl+Z undoes it")
    assert window.actions["undo"].text() == "Undo accept 4 teacher boxes"  # not the 5 proposals


def test_t_just_before_an_absent_mark_names_it(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "o.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.goto(6)
    window.actions["absent"].trigger()  # O: the target leaves the view on frame 7
    window.goto(5)
    window.actions["track"].trigger()
    assert window.statusBar().currentMessage().startswith(
        "nothing to track: the next frame (7) holds an absent mark (O: out of view), which T never replaces")
