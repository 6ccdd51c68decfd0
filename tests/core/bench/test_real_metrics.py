"""bench accuracy --real's per-frame measures on constructed cases: the confidence ROC AUC, the
runaway share, the box jitter, the one-step diagnostic and the review flags (``core.bench.real_metrics``)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from core.bench.real_metrics import (
    box_jitter,
    confidence_auc,
    one_step_errors,
    one_step_summary,
    review_flags,
    roc_auc,
    runaway_frames,
    runaway_share,
)


def _pairwise_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auc_constructed_cases():
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert roc_auc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]) == 0.5  # constant confidence says nothing
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75  # the classic 4-point example
    assert np.isnan(roc_auc([0.1, 0.2], [1, 1])) and np.isnan(roc_auc([0.1, 0.2], [0, 0]))
    assert np.isnan(roc_auc([], []))
    # non-finite scores are dropped with their labels
    assert roc_auc([0.9, np.nan, 0.1], [1, 0, 0]) == 1.0
    with pytest.raises(ValueError):
        roc_auc([0.1, 0.2], [1])


def test_auc_matches_pairwise_counting_with_many_ties():
    rng = np.random.default_rng(3)
    for _ in range(20):
        scores = rng.integers(0, 5, size=40) / 4.0  # heavy ties
        labels = rng.random(40) < 0.4
        if labels.all() or not labels.any():
            continue
        assert roc_auc(scores, labels) == pytest.approx(_pairwise_auc(scores.tolist(), labels.tolist()), abs=1e-12)


def test_confidence_auc_uses_iou_half_and_skips_absent_frames():
    gt = np.array([[10, 10, 20, 20]] * 4 + [[np.nan] * 4], dtype=float)
    predicted = np.array([[10, 10, 20, 20], [12, 10, 20, 20], [60, 60, 20, 20], [70, 10, 20, 20], [0, 0, 5, 5]], float)
    confidence = np.array([0.9, 0.8, 0.3, 0.2, 0.99])  # the absent frame's high score must not count
    assert confidence_auc(confidence, predicted, gt) == 1.0
    assert confidence_auc(np.array([0.2, 0.3, 0.8, 0.9, 0.0]), predicted, gt) == 0.0


def test_runaway_share_constructed():
    gt = np.array([[0, 0, 10, 10]] * 5 + [[np.nan] * 4, [0, 0, 0, 0]], dtype=float)
    predicted = np.array([[0, 0, 10, 10],     # same
                          [0, 0, 20, 20],     # exactly 4x: not a runaway
                          [0, 0, 20.1, 20],   # just over 4x
                          [0, 0, 100, 100],   # frame-sized
                          [np.nan] * 4,       # no box: no area
                          [0, 0, 500, 500],   # absent target: not counted
                          [0, 0, 500, 500]], dtype=float)
    flags = runaway_frames(predicted, gt)
    assert flags.tolist() == [False, False, True, True, False, False, False]
    share, count, valid = runaway_share(predicted, gt)
    assert (count, valid) == (2, 5) and share == pytest.approx(0.4)
    share, count, valid = runaway_share(predicted[5:], gt[5:])
    assert np.isnan(share) and (count, valid) == (0, 0)
    with pytest.raises(ValueError):
        runaway_frames(predicted[:3], gt)


def test_one_step_errors_and_medians():
    gt = np.array([[0, 0, 30, 40], [10, 10, 30, 40], [0, 0, 10, 10]], dtype=float)
    predicted = np.array([[3, 4, 30, 40],    # centre off by 5 px, diagonal 50
                          [10, 10, 60, 20],  # width 2x, height 0.5x, centre (+15, -10)
                          [np.nan] * 4], dtype=float)
    errors = one_step_errors(predicted, gt)
    assert errors["centre_px"].tolist() == pytest.approx([5.0, np.hypot(15, 10)])
    assert errors["centre_norm"][0] == pytest.approx(0.1)
    assert errors["width_ratio"].tolist() == [1.0, 2.0] and errors["height_ratio"].tolist() == [1.0, 0.5]
    summary = one_step_summary(errors)
    assert summary["frames"] == 2 and summary["width_ratio"] == 1.5
    empty = one_step_summary(one_step_errors(np.zeros((0, 4)), np.zeros((0, 4))))
    assert empty["frames"] == 0 and np.isnan(empty["centre_px"])


def _walk(frames: int, side: float = 40.0) -> np.ndarray:
    """(frames, 4) a square target walking 3 px right per frame."""
    return np.array([[100.0 + 3 * t, 50.0, side, side] for t in range(frames)])


def test_jitter_is_zero_for_a_steady_offset_and_the_jump_for_a_sawtooth():
    gt = _walk(8)
    steady = gt + np.array([4.0, -2.0, 0.0, 0.0])  # the same offset on every frame
    assert box_jitter(steady, gt) == (pytest.approx(0.0), 7)
    sawtooth = gt.copy()
    sawtooth[::2, 0] += 4.0  # 4 px right of the target on even frames, on it on odd ones
    jitter, steps = box_jitter(sawtooth, gt)
    assert steps == 7 and jitter == pytest.approx(4.0 / 40.0)


def test_jitter_leaves_out_steps_off_the_target_and_absent_frames():
    gt = _walk(6)
    predicted = gt.copy()
    predicted[1, 1] += 2.0                       # a 2 px step in and out: steps 0-1 and 1-2
    predicted[3] = [400.0, 400.0, 40.0, 40.0]    # lost on frame 3: steps 2-3 and 3-4 left out
    gt[5] = np.nan                               # absent on frame 5: step 4-5 left out
    jitter, steps = box_jitter(predicted, gt)
    assert steps == 2 and jitter == pytest.approx(2.0 / 40.0)
    assert box_jitter(np.full((3, 4), np.nan), _walk(3)) == (pytest.approx(float("nan"), nan_ok=True), 0)
    with pytest.raises(ValueError, match="jitter"):
        box_jitter(predicted[:4], gt)


def test_review_flags_against_failed_frames():


    gt = np.array([[10, 10, 20, 20]] * 6 + [[0, 0, 0, 0]], dtype=float)  # the last row: absent
    on, off = [10, 10, 20, 20], [60, 60, 20, 20]
    predicted = np.array([on, on, on, off, off, on, off], dtype=float)
    confidence = np.array([0.9, 0.35, 0.5, 0.2, 0.5, 0.1, 0.0])
    flags = review_flags(confidence, np.full(7, 0.4), predicted, gt)
    # valid frames 0-5; failed 3, 4; flagged (< 0.4) 1, 3, 5
    assert flags["frames"] == 6 and flags["flagged"] == pytest.approx(0.5)
    assert flags["precision"] == pytest.approx(1 / 3) and flags["recall"] == pytest.approx(0.5)
    assert flags["f1"] == pytest.approx(0.4)
    # per-frame thresholds: a pair's 0.3 does not flag frame 1
    pair = review_flags(confidence, np.full(7, 0.3), predicted, gt)
    assert pair["flagged"] == pytest.approx(2 / 6) and pair["precision"] == pytest.approx(0.5)
    none = review_flags(np.ones(7), np.full(7, 0.3), predicted, gt)
    assert none["flagged"] == 0.0 and math.isnan(none["precision"]) and math.isnan(none["f1"])

