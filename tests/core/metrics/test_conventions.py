"""Hand-computed cases for every convention of every protocol (values worked out in comments)."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.metrics import PROTOCOLS, evaluate_arrays, frame_errors, get_protocol
from core.metrics.toolkit_geometry import (
    centre_error,
    inclusive_iou,
    matlab_colon,
    matlab_round,
    normalized_centre_error,
    round_corners,
)

B = [10.0, 10.0, 10.0, 10.0]  # a 10x10 GT box at (10, 10)


def _eval(protocol, results, gt_v, gt_i=None):
    return evaluate_arrays(get_protocol(protocol), {"s": np.array(results, float)},
                           {"s": (np.array(gt_v, float), None if gt_i is None else np.array(gt_i, float))})


def test_geometry_inclusive_iou_and_centres():
    # columns 0..9 vs 5..14: 5 shared columns x 10 rows = 50; union 100 + 100 - 50
    assert inclusive_iou([[0, 0, 10, 10]], [[5, 0, 10, 10]])[0] == pytest.approx(1 / 3)
    # disjoint boxes, and touching ones (x2 = 9 vs x1 = 10): 0
    assert inclusive_iou([[0, 0, 10, 10]], [[10, 0, 10, 10]])[0] == 0.0
    assert centre_error([[15, 14, 10, 10]], [B])[0] == pytest.approx(np.hypot(5, 4))
    # normalized by GT w, h: (5/10, 4/20)
    assert normalized_centre_error([[15, 14, 10, 20]], [[10, 10, 10, 20]])[0] == pytest.approx(np.hypot(0.5, 0.2))


def test_matlab_round_and_colon():
    assert list(matlab_round([0.5, 1.5, 2.5, -0.5])) == [1.0, 2.0, 3.0, -1.0]  # numpy gives 0, 2, 2, -0
    t = matlab_colon(0, 0.05, 1)
    assert len(t) == 21 and t[0] == 0.0 and t[-1] == 1.0
    assert len(matlab_colon(0, 0.02, 1)) == 51 and len(matlab_colon(0, 0.01, 0.5)) == 51
    # corners x1 = 14.6 -> 15, x2 = 24.6 -> 25, so w = 10
    assert list(round_corners([[14.6, 10.0, 10.0, 10.4]])[0]) == [15.0, 10.0, 10.0, 10.0]


# LasHeR: 5 frames; frame 3 GT is 0,0,0,0 (absent).
LASHER_GT = [B, B, [0, 0, 0, 0], B, B]
LASHER_RES = [
    [50, 50, 10, 10],  # frame 1: replaced by the GT -> ce 0, IoU 1
    B,                 # perfect
    [90, 90, 10, 10],  # invalid GT: ce -1 (hit), IoU -1 (miss)
    [10, 10, 0, 10],   # w = 0: replaced by the previous row (90,90): miss everywhere
    [15, 10, 10, 10],  # ce 5 (hit), normalized 0.5 (miss), IoU 1/3
]


def test_lasher_rules_by_hand():
    r = _eval("lasher", LASHER_RES, LASHER_GT)
    assert r.protocol == "lasher" and set(r.scores) == {"PR", "NPR", "SR"}
    # PR@20: frames 1, 2, 3 (invalid = hit), 5 -> 4/5; invalid frames as failures would give 3/5
    assert r.scores["PR"] == pytest.approx(4 / 5)
    # NPR@0.2: frames 1, 2, 3 -> 3/5
    assert r.scores["NPR"] == pytest.approx(3 / 5)
    # SR, overlaps (1, 1, -1, 0, 1/3), hit = IoU > t over 0:0.05:1:
    # t = 0..0.30 (7 values): 3 hits; t = 0.35..0.95 (13): 2; t = 1: 0 -> 47 / (5*21).
    # With >= instead: t=0 gives 4 and t=1 gives 2 -> 50/105: the rule moves SR.
    assert r.scores["SR"] == pytest.approx(47 / 105)
    assert r.scores["SR"] != pytest.approx(50 / 105)
    assert r.curves["PR"].thresholds[-1] == 50 and len(r.curves["PR"].values) == 51
    assert len(r.curves["NPR"].values) == 51 and len(r.curves["SR"].values) == 21


def test_lasher_truncates_and_replaces_nan():
    gt = [B, B, B]
    res = [B, [12, 10, 10, 10], [np.nan] * 4, [500, 500, 10, 10]]  # 4th row cut (GT has 3)
    r = _eval("lasher", res, gt)
    assert r.scores["PR"] == 1.0  # NaN -> previous row (ce 2)
    # RGBT234 keeps the NaN: a miss, 2/3; no replacement, no first-frame rule
    assert _eval("rgbt234", res, gt).scores["MPR"] == pytest.approx(2 / 3)


def test_pytracking_lasher_is_a_different_convention():
    r = _eval("pytracking-lasher", LASHER_RES, LASHER_GT)
    assert r.protocol == "pytracking-lasher"
    # same frames: frame 1 = GT, w = 0 replaced; but the invalid frame FAILS PR (inf), passes
    # NPR (-1), fails SR, and only the 4 valid frames are in the denominator.
    # PR: frames 1, 2, 5 -> 3/4 (official 4/5). NPR: frames 1, 2, 3 -> 3/4 (official 3/5).
    assert r.scores["PR"] == pytest.approx(3 / 4)
    assert r.scores["NPR"] == pytest.approx(3 / 4)
    # overlaps (1, 1, -1, 0, 1/3): same 47 hits as the toolkit, over 4*21 instead of 5*21
    assert r.scores["SR"] == pytest.approx(47 / 84)


def test_rgbt234_max_over_modalities_mean_over_sequences():
    gt_v = [B, B, B]
    gt_i = [[14, 10, 10, 10]] * 3  # infrared GT 4 px to the right
    res = [
        [14, 10, 10, 10],  # matches the infrared GT: ce 0, IoU 1 (no first-frame rule)
        [31, 10, 10, 10],  # ce_v 21 (miss at 20), ce_i 17 (hit); IoU 0 with both
        B,                 # perfect on visible
        [900, 900, 5, 5], [900, 900, 5, 5],  # beyond the GT length: cut
    ]
    r = _eval("rgbt234", res, gt_v, gt_i)
    assert r.scores["MPR"] == 1.0  # visible only would be 2/3
    assert _eval("rgbt234", res, gt_v).scores["MPR"] == pytest.approx(2 / 3)
    # IoU max (1, 0, 1): 2 hits for t = 0..0.95 (20 thresholds), 0 at t = 1 -> 40/63
    assert r.scores["MSR"] == pytest.approx(40 / 63)
    # mean over sequences: add a 1-frame sequence that misses -> (1 + 0)/2, not pooled 3/4
    two = evaluate_arrays(get_protocol("rgbt234"),
                          {"a": np.array(res, float), "b": np.array([[100, 100, 10, 10]], float)},
                          {"a": (np.array(gt_v, float), np.array(gt_i, float)), "b": (np.array([B]), None)})
    assert two.scores["MPR"] == pytest.approx(0.5)
    assert [s.scores["MPR"] for s in two.sequences] == [1.0, 0.0]


def test_rgbt210_has_rgbt234_rules():
    p, q = get_protocol("rgbt210"), get_protocol("rgbt234")
    assert (p.precision_at, p.success_thresholds, p.first_frame_gt) == (q.precision_at, q.success_thresholds, q.first_frame_gt)
    # no invalid-GT rule: a 0,0,0,0 GT row is a miss for both MPR and MSR
    r = _eval("rgbt210", [B, B], [B, [0, 0, 0, 0]])
    assert r.scores["MPR"] == 0.5


def test_gtot_rounding_strict_pooling_trapezoid():
    gt = {"a": (np.array([B, B]), np.array([B, B])), "b": (np.array([B]), np.array([B]))}
    res = {"a": np.array([[14.6, 10, 10, 10], B]), "b": np.array([[30, 30, 10, 10]])}
    r = evaluate_arrays(get_protocol("gtot"), res, gt)
    assert r.protocol == "gtot"
    # a/1 rounds to (15,10,10,10): ce 5, a miss with strict < 5; a/2 hit; b miss.
    # Pooled: 1/3. (Mean over sequences would be 0.25; without rounding ce 4.6 -> 2/3;
    # with <= the rounded frame hits -> 2/3.)
    assert r.scores["MPR"] == pytest.approx(1 / 3)
    # overlaps: a/1 1/3, a/2 1, b 0; over t = 0:0.02:1 the IoU-1 frame hits k = 0..49, the
    # 1/3 frame hits k = 0..16. Trapezoid areas 0.02*49.5 = 0.99 and 0.02*16.5 = 0.33,
    # pooled over 3 frames -> 1.32/3 = 0.44 (the plain mean of the curve would be 67/153).
    assert r.scores["MSR"] == pytest.approx(0.44)
    assert len(r.curves["MSR"].values) == 51


def test_gtot_ties_at_5px_depend_on_rounding_and_strictness():
    gt = {"a": (np.array([B]), None)}
    plain = get_protocol("gtot")
    r = evaluate_arrays(plain, {"a": np.array([[14.4, 10, 10, 10]])}, gt)  # rounds to 14: ce 4, hit
    assert r.scores["MPR"] == 1.0
    r = evaluate_arrays(plain, {"a": np.array([[15.0, 10, 10, 10]])}, gt)  # ce exactly 5: miss
    assert r.scores["MPR"] == 0.0
    r = evaluate_arrays(get_protocol("rgbt234"), {"a": np.array([[30.0, 10, 10, 10]])}, gt)  # ce 20 with <=: hit
    assert r.scores["MPR"] == 1.0


def test_vtuav_subsamples_every_tenth_result():
    gt = np.array([B, B, B])
    res = np.tile([[400.0, 400, 10, 10]], (25, 1))
    res[[0, 10, 20]] = B  # the frames that carry GT rows
    r = evaluate_arrays(get_protocol("vtuav"), {"s": res}, {"s": (gt, gt)})
    assert r.scores["MPR"] == 1.0 and r.sequences[0].frames == 3
    assert evaluate_arrays(get_protocol("rgbt234"), {"s": res}, {"s": (gt, gt)}).scores["MPR"] == pytest.approx(1 / 3)


def test_short_results_are_failures_and_noted():
    r = _eval("lasher", [B], [B, B, B, B])
    # frame 1 = GT (hit); the 3 missing frames are NaN, replaced by the previous row (frame 1)
    assert r.scores["PR"] == 1.0 and any("3 frames without a result: the last result row is carried" in n
                                         for n in r.notes)
    assert not any("invalid prediction" in n for n in r.notes)  # padding is not the tracker's invalid rows
    r = _eval("rgbt234", [B], [B, B, B, B])
    assert r.scores["MPR"] == pytest.approx(1 / 4) and any("counted as failures" in n for n in r.notes)


NAN = [np.nan] * 4


@pytest.mark.parametrize("protocol, results, gt_frames, note", [
    ("lasher", [B, B], 1, "1 result row beyond the 1 ground-truth frame ignored"),
    ("lasher", [B] * 4, 2, "2 result rows beyond the 2 ground-truth frames ignored"),
    ("rgbt234", [B], 2, "1 frame without a result counted as failures"),
    ("rgbt234", [B], 4, "3 frames without a result counted as failures"),
    ("lasher", [B, NAN, B], 3, "1 invalid prediction replaced by the previous frame's"),
    ("lasher", [B, NAN, NAN], 3, "2 invalid predictions replaced by the previous frame's"),
    # rgbt234 keeps such rows as failures; it said nothing of them (lasher notes its replacements)
    ("rgbt234", [B, NAN, B], 3, "1 result row without a valid box (NaN, or w or h <= 0) scored as it is (this protocol does not replace them)"),
    ("rgbt234", [B, [5, 5, -3, 4], NAN], 3, "2 result rows without a valid box (NaN, or w or h <= 0) scored as they are (this protocol does not replace them)"),
    ("lasher", [B, [5, 5, np.inf, 4], B], 3, "1 result row with an infinite value scored as a miss"),
])
def test_result_notes_count_in_words(protocol, results, gt_frames, note):
    """The notes said "1 result row(s)", "1 frame(s) without a result", "1 invalid prediction(s)"."""
    from core.metrics.frames import prepare_predictions

    _, notes = prepare_predictions(get_protocol(protocol), np.array(results, float), np.array([B] * gt_frames))
    assert notes == [note]


def test_frame_errors_marks_invalid_gt():
    fe = frame_errors(get_protocol("lasher"), "s", np.array(LASHER_RES), np.array(LASHER_GT))
    assert fe.centre_error[2] == -1 and fe.overlap[2] == -1 and fe.counted.all()
    # a GT row with x = 0 is invalid for the toolkit too ("any value <= 0")
    fe = frame_errors(get_protocol("lasher"), "s", np.array([B, B]), np.array([B, [0, 5, 10, 10]]))
    assert fe.overlap[1] == -1


def test_every_protocol_named_and_unknown_rejected():
    assert set(PROTOCOLS) == {"lasher", "rgbt234", "rgbt210", "gtot", "vtuav", "pytracking-lasher"}
    with pytest.raises(ConfigError, match="unknown evaluation protocol"):
        get_protocol("otb")
    with pytest.raises(ConfigError, match="no ground truth"):
        evaluate_arrays(get_protocol("lasher"), {"x": np.array([B])}, {})
