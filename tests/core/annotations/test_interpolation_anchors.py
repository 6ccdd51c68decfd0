"""I anchors on every box it keeps: boxes a person drew, accepted from the teacher or imported.

Before, only keyframes and manual boxes were anchors. With keyframes on frames 0 and 20 and the
teacher's box accepted on frame 10 (the tracker had drifted there), I over the range drew the line
from 0 to 20 and kept the accepted box, so the box went x 9, 50, 11 on frames 9-11; an imported ground
truth of one row per 10 frames (VTUAV's) had nothing to interpolate ("needs two keyframes")."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.interpolation import is_anchor, plan_interpolation
from core.annotations.records import FrameAnnotation, Provenance, absent


def box(frame, x, provenance=Provenance.STUDENT, **kw):
    return FrameAnnotation(frame, np.array([x, 20.0, 30.0, 40.0]), provenance=provenance, **kw)


@pytest.mark.parametrize("kind", [Provenance.TEACHER, Provenance.IMPORTED])
def test_the_path_goes_through_an_accepted_or_imported_box_between_two_keyframes(kind):
    records = {f: box(f, x=float(f), confidence=0.5) for f in range(1, 20)}  # a tracker's run
    records[0] = box(0, x=0.0, provenance=Provenance.MANUAL, keyframe=True)
    records[20] = box(20, x=20.0, provenance=Provenance.MANUAL, keyframe=True)
    records[10] = box(10, x=50.0, provenance=kind)  # accepted from the teacher, or imported
    plan = plan_interpolation(records, 0, 20)
    filled = {r.frame: r.box[0] for r in plan.records}
    assert sorted(filled) == [f for f in range(1, 20) if f != 10]  # the kept box is never replaced
    assert filled[9] == pytest.approx(45.0) and filled[11] == pytest.approx(47.0)  # beside it: near it
    assert [filled[f] for f in (1, 5)] == pytest.approx([5.0, 25.0])  # 0 -> 50 over frames 0-10
    assert [filled[f] for f in (15, 19)] == pytest.approx([35.0, 23.0])  # 50 -> 20 over frames 10-20
    assert plan.message() == "interpolated 18 frames"
    assert records[10].box[0] == 50.0 and records[10].provenance == kind  # inputs untouched


def test_a_sparse_imported_ground_truth_is_filled_between_its_rows():
    records = {f: box(f, x=float(f), provenance=Provenance.IMPORTED) for f in (0, 10, 20)}
    plan = plan_interpolation(records)
    assert [r.frame for r in plan.records] == [*range(1, 10), *range(11, 20)]
    assert all(r.provenance == Provenance.INTERPOLATED for r in plan.records)
    assert plan.message() == "interpolated 18 frames"


def test_an_accepted_box_between_absent_marks_is_no_frame_out_of_view():
    """The target is in view on the accepted box's frame: the frames beside it stay unknown, as between
    any box and an absent mark (before, they were marked absent, out of view on both sides)."""
    records = {0: absent(0, keyframe=True), 5: absent(5, keyframe=True), 2: box(2, x=5.0, provenance=Provenance.TEACHER)}
    plan = plan_interpolation(records, replace_tracked=True)
    assert plan.records == [] and plan.beside_absent == 3


def test_what_is_an_anchor():
    assert is_anchor(box(0, 1.0, Provenance.MANUAL)) and is_anchor(box(0, 1.0, Provenance.TEACHER))
    assert is_anchor(box(0, 1.0, Provenance.IMPORTED)) and is_anchor(box(0, 1.0, keyframe=True))
    assert is_anchor(absent(0, keyframe=True))
    assert not is_anchor(box(0, 1.0)) and not is_anchor(box(0, 1.0, Provenance.INTERPOLATED))
