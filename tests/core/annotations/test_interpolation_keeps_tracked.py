"""I after tracking (audit defect): absent keyframes and tracker boxes are not overwritten.

The audit: a box on frame 1, T tracks 150 frames, O on frame 125, I without a range:
frames 2-124 became interpolated *absent* records (123 tracker boxes lost).
"""
from __future__ import annotations

import pytest

from core.annotations.interpolation import interpolate_keyframes, plan_interpolation
from core.annotations.records import FrameAnnotation, Provenance, absent


def box(frame, x=10.0, provenance=Provenance.STUDENT, **kw):
    return FrameAnnotation(frame, [x, 20.0, 30.0, 40.0], provenance=provenance, **kw)


def tracked_then_absent():
    """Frame index 0: manual keyframe; 1..149 tracker boxes; 124: O (absent manual keyframe)."""
    records = {0: box(0, provenance=Provenance.MANUAL, keyframe=True)}
    records.update({f: box(f, x=10.0 + f, confidence=0.9) for f in range(1, 150)})
    records[124] = FrameAnnotation(124, None, absent=True, provenance=Provenance.MANUAL, keyframe=True)
    return records


def test_audit_scenario_leaves_tracker_boxes_and_says_why():
    records = tracked_then_absent()
    assert interpolate_keyframes(records) == []  # nothing between a box and an absent keyframe
    plan = plan_interpolation(records)
    assert plan.beside_absent == 123
    assert plan.message().startswith("nothing to interpolate: ") and "absent keyframe" in plan.message()
    # with a range (the user's choice) the same gap is still left alone: no box turns absent
    assert plan_interpolation(records, 0, 124, replace_tracked=True).records == []
    assert records[50].provenance == Provenance.STUDENT and not records[50].absent  # inputs untouched


def test_no_range_keeps_tracker_boxes_and_fills_the_rest():
    records = {0: box(0, x=0.0, provenance=Provenance.MANUAL, keyframe=True),
               10: box(10, x=100.0, provenance=Provenance.MANUAL, keyframe=True)}
    records.update({f: box(f, x=99.0) for f in (2, 3)})  # tracker
    records[5] = box(5, x=7.0, provenance=Provenance.INTERPOLATED)  # an earlier I
    records[7] = box(7, x=7.0, provenance=Provenance.TEACHER)  # accepted: human-checked
    records[8] = box(8, x=7.0, provenance=Provenance.IMPORTED)
    plan = plan_interpolation(records)
    assert [r.frame for r in plan.records] == [1, 4, 5, 6, 9]
    # 7 (teacher) and 8 (imported) are anchors (test_interpolation_anchors): 0 -> 7 over 0-7, 7 -> 100 over 8-10
    assert [r.box[0] for r in plan.records] == [1.0, 4.0, 5.0, 6.0, 53.5]
    assert plan.kept_tracked == 2
    assert plan.message() == "interpolated 5 frames (kept 2 tracked boxes; select a range to replace them)"
    ranged = plan_interpolation(records, 0, 10, replace_tracked=True)
    assert [r.frame for r in ranged.records] == [1, 2, 3, 4, 5, 6, 9]  # never 7 (teacher) nor 8 (imported)
    assert ranged.kept_tracked == 0 and ranged.message() == "interpolated 7 frames"
    # the default follows the range: bounded means the user chose to replace tracker boxes
    assert interpolate_keyframes(records) == plan.records
    assert interpolate_keyframes(records, 0, 10) == ranged.records


def test_only_tracked_frames_between_keyframes_says_so():
    records = {0: box(0, provenance=Provenance.MANUAL, keyframe=True),
               3: box(3, x=40.0, provenance=Provenance.MANUAL, keyframe=True)}
    records.update({f: box(f) for f in (1, 2)})
    plan = plan_interpolation(records)
    assert plan.records == []
    assert plan.message() == "nothing to interpolate: kept 2 tracked boxes; select a range to replace them"
    assert plan_interpolation({0: records[0]}).message() == ("nothing to interpolate: needs two kept boxes "
                                                            "(keyframes, or boxes drawn, accepted or imported)")


@pytest.mark.parametrize("between, marked", [
    ({}, [1, 2, 3, 4]),  # empty frames: out of view on both sides
    ({2: "student", 3: "interpolated"}, [1, 4]),  # existing boxes are never turned absent
])  # an accepted box there is a present anchor: test_interpolation_anchors
def test_between_two_absent_keyframes_only_empty_frames_become_absent(between, marked):
    records = {0: absent(0, keyframe=True), 5: absent(5, keyframe=True)}
    records.update({f: box(f, provenance=Provenance(p)) for f, p in between.items()})
    plan = plan_interpolation(records, replace_tracked=True)
    assert [r.frame for r in plan.records] == marked
    assert all(r.absent and r.provenance == Provenance.INTERPOLATED for r in plan.records)
    assert plan.message() == f"marked {len(marked)} frames absent between absent keyframes"
    again = {**records, **{r.frame: r for r in plan.records}}
    assert plan_interpolation(again).records == []  # a second I changes nothing


def test_an_earlier_absent_interpolation_gets_boxes_between_two_box_keyframes():
    """Frames damaged by the old rule (interpolated absent) are filled once both ends hold boxes."""
    records = {0: box(0, x=0.0, provenance=Provenance.MANUAL, keyframe=True),
               2: box(2, x=20.0, provenance=Provenance.MANUAL, keyframe=True),
               1: absent(1, provenance=Provenance.INTERPOLATED)}
    (filled,) = plan_interpolation(records).records
    assert filled.frame == 1 and not filled.absent and filled.box[0] == 10.0


def test_one_frame_and_one_box_are_counted_in_the_singular():
    """The status bar read 'interpolated 1 frames' and 'kept 1 tracked boxes; ... replace them'."""
    records = {0: box(0, x=0.0, provenance=Provenance.MANUAL, keyframe=True),
               3: box(3, x=30.0, provenance=Provenance.MANUAL, keyframe=True),
               1: box(1, x=99.0)}  # a tracker box
    assert plan_interpolation(records).message() == ("interpolated 1 frame (kept 1 tracked box; select a range to "
                                                     "replace it)")
    gap = {0: FrameAnnotation(0, None, absent=True, provenance=Provenance.MANUAL, keyframe=True),
           2: FrameAnnotation(2, None, absent=True, provenance=Provenance.MANUAL, keyframe=True)}
    assert plan_interpolation(gap).message() == "marked 1 frame absent between absent keyframes"
