"""core.metrics.reference: the project's boxes against a reference (the studio's View > Compare
with ...), scored by core.metrics' own toolkit code over the compared frames."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation
from core.metrics import evaluate_arrays, get_protocol
from core.metrics.reference import PROTOCOL, compare_with_reference


def _box(x, y=10.0, w=20.0, h=20.0):
    return np.array([x, y, w, h], dtype=np.float64)


def _records(boxes: dict, provenance="student"):
    return {f: FrameAnnotation(f, None, absent=True, provenance=provenance) if b is None else
            FrameAnnotation(f, b, provenance=provenance) for f, b in boxes.items()}


def test_scores_are_the_protocols_over_the_compared_frames():
    reference = _records({f: _box(10.0) for f in range(12)}, "imported")
    project = _records({f: _box(10.0 + 4 * f) for f in range(9)})  # drifts away; frames 10-12 not tracked
    result = compare_with_reference(project, reference, 12)
    expected = evaluate_arrays(get_protocol(PROTOCOL), {"s": np.array([_box(10.0 + 4 * f) for f in range(9)])},
                               {"s": (np.array([_box(10.0)] * 9), None)})
    assert result.frames == 9 and result.not_in_project == 3
    assert result.success == pytest.approx(expected.scores["MSR"])
    assert result.precision == pytest.approx(expected.scores["MPR"])
    # IoU of two 20x20 boxes shifted by 4f px: (20 - 4f) / (20 + 4f) (0 from f = 5)
    want = [max(20 - 4 * f, 0) / (20 + 4 * f) for f in range(9)]
    np.testing.assert_allclose(result.iou[:9], want)
    assert np.isnan(result.iou[9:]).all()
    assert result.mean_iou == pytest.approx(np.mean(want))


@pytest.mark.parametrize("project, reference, iou, compared, counts", [
    # both absent: agreement, nothing scored, no curve
    (None, None, np.nan, False, dict(reference_absent=1)),
    # the project marks absent a frame the reference has a box on: scored (a miss), IoU 0
    (None, _box(10.0), 0.0, True, dict(project_absent_on_box=1, reference_boxes=1)),
    # a box where the reference says the target is not there: IoU 0, not scored
    (_box(10.0), None, 0.0, False, dict(box_on_absent=1, reference_absent=1)),
    (_box(10.0), _box(10.0), 1.0, True, dict(reference_boxes=1)),
])
def test_absent_marks_on_either_side(project, reference, iou, compared, counts):
    result = compare_with_reference(_records({0: project}), _records({0: reference}, "imported"), 1)
    assert (np.isnan(result.iou[0]) and np.isnan(iou)) or result.iou[0] == iou
    assert bool(result.compared[0]) == compared
    for name, value in counts.items():
        assert getattr(result, name) == value
    if not compared:
        assert result.success is None and result.frames == 0


def test_the_thermal_reference_box_counts_as_the_dual_modality_toolkits_count_it():
    """A misaligned pair's reference: the project's box on the thermal box scores (max over both)."""
    reference = {0: FrameAnnotation(0, _box(10.0), thermal_box=_box(50.0), provenance="imported")}
    result = compare_with_reference(_records({0: _box(50.0)}), reference, 1)
    assert result.iou[0] == 1.0 and result.precision == 1.0


def test_disagreements_come_worst_first_and_the_summary_names_the_worst():
    reference = _records({f: _box(10.0) for f in range(20)}, "imported")
    boxes = {f: _box(10.0) for f in range(20)}
    boxes[3] = _box(18.0)  # IoU 0.43: a mild one
    for f, x in ((10, 14.0), (11, 22.0), (12, 29.0)):
        boxes[f] = _box(x)  # IoU 0.67, 0.25, 0.03: the worst at frame 13 (1-based)
    boxes[16] = _box(36.0)  # 0.0, one frame
    runs = compare_with_reference(_records(boxes), reference, 20).disagreements()
    assert [(r.start, r.stop, r.worst) for r in runs] == [(16, 17, 16), (11, 13, 12), (3, 4, 3)]
    summary = compare_with_reference(_records(boxes), reference, 20).summary("the ground truth")
    assert summary.startswith("vs the ground truth (rgbt234 rules, 20 frames compared): success (AUC) ")
    assert "4 frames under IoU 0.5 in 3 stretches (worst frame 17, IoU 0.00)" in summary


def test_a_run_s_worst_frame_is_one_the_reference_has_a_box_on():
    """The demo tracked through its full occlusion (ground truth absent on frames 199-207) and lost
    after it: one run of IoU 0 from frame 195, whose first 0 was a frame the ground truth marks
    absent (not scored), where M showed no reference box."""
    boxes = {f: _box(10.0) for f in range(12)}
    reference = dict(boxes)
    for f in (4, 5):
        reference[f] = None  # the target hidden: the project's box there is not scored
    for f in range(4, 12):
        boxes[f] = _box(60.0)  # and the project lost it from frame 4 on
    result = compare_with_reference(_records(boxes), _records(reference, "imported"), 12)
    assert result.iou[4] == 0.0 and not result.compared[4]
    (run,) = result.disagreements()
    assert (run.start, run.stop, run.worst) == (4, 12, 6)  # the first scored frame of IoU 0
    every = {f: None for f in range(3)}  # a run of unscored frames only keeps its first
    only = compare_with_reference(_records({f: _box(10.0) for f in range(3)}), _records(every, "imported"), 3)
    assert [(r.start, r.stop, r.worst) for r in only.disagreements()] == [(0, 3, 0)]


def test_an_iou_just_under_the_threshold_is_not_written_as_the_threshold():
    from core.metrics.reference import iou_text

    assert iou_text(0.4996) == "0.49" and iou_text(0.5) == "0.50" and iou_text(0.0) == "0.00"
    assert iou_text(1.0) == "1.00" and iou_text(0.129) == "0.12" and iou_text(0.57) == "0.57" and iou_text(0.29) == "0.29"


def test_nothing_to_compare_is_said():
    reference = _records({f: _box(10.0) for f in range(5)}, "imported")
    result = compare_with_reference({}, reference, 5)
    assert result.frames == 0 and result.success is None
    assert result.summary("the ground truth") == ("no frame to compare with the ground truth: the project has no box "
                                                  "on any of its 5 frames with a box (track or draw first)")


def test_box_arrays_kept_frame_by_frame_equal_ones_made_afresh():
    from core.metrics.reference import BoxArrays

    records = _records({0: _box(1.0), 1: None, 2: _box(3.0), 3: _box(4.0)})
    arrays = BoxArrays.of(records, 5)
    records[1] = FrameAnnotation(1, _box(9.0), thermal_box=_box(19.0))  # absent -> a box with a thermal box
    records[2] = FrameAnnotation(2, None, absent=True)  # a box -> absent
    del records[3]  # deleted
    records[9] = FrameAnnotation(9, _box(5.0))  # past the end: left out
    arrays.update(records, [1, 2, 3, 9])
    fresh = BoxArrays.of(records, 5)
    for name in ("visible", "thermal", "has_box", "absent"):
        np.testing.assert_array_equal(getattr(arrays, name), getattr(fresh, name))
    assert arrays.thermal[1][0] == 19.0 and arrays.absent[2] and not arrays.has_box[3]
