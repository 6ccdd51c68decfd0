"""A on a frame a person annotated, the view after refining all low-confidence frames, and
closing the window during a tracking run (found by the walkthrough of 2026-12-06)."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.records import Provenance


def _proposal(window, frame, box):
    doc = window.document
    doc.store.put_proposals("teacher-run", [(frame, np.asarray(box, float), 0.7)])
    doc.reload_outputs()


@pytest.mark.parametrize("mark, said", [
    ("draw", "frame 6 holds a box you drew or corrected, which A never replaces"),
    ("absent", "frame 6 holds an absent mark (O: out of view), which A never replaces"),
])
def test_a_on_a_frame_a_person_annotated_keeps_the_proposal_and_says_why(window, pair_files, synthetic, tmp_path,
                                                                         mark, said):
    """A dropped the teacher's proposal without a word when the frame held a manual box."""
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    doc = window.document
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])
    if mark == "absent":
        window.actions["absent"].trigger()
    before = doc.store.get(5)
    proposed = synthetic.boxes[5] + np.array([4.0, 3.0, 0.0, 0.0])
    _proposal(window, 5, proposed)
    undo_index = doc.undo_stack.index()
    window.actions["accept"].trigger()
    kept = doc.store.get(5)
    assert kept.provenance == before.provenance and kept.absent == before.absent
    assert 5 in doc.store.proposals() and 5 in doc.proposals  # still shown, to compare or take
    assert doc.undo_stack.index() == undo_index  # no empty undo step
    message = window.statusBar().currentMessage()
    assert message.startswith(f"nothing accepted: {said}") and "delete the box (Del), then A" in message
    window.actions["delete_box"].trigger()  # the way the message gives
    window.actions["accept"].trigger()
    taken = doc.store.get(5)
    assert taken.provenance == Provenance.TEACHER and np.allclose(taken.box, proposed)
    assert window.statusBar().currentMessage().startswith("accepted the teacher's box on frame 6")
