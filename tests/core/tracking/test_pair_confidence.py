"""The correlation's resemblance joins the track confidence on two-stream pairs
(``TrackerConfig.pair_confidence``, ``core.tracking.pair_correlation.pair_evidence``): the reported
confidence changes there and nowhere else, and the boxes never do."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.sequences.base import FramePair
from core.tracking.pair_correlation import pair_evidence
from core.tracking.tracker import Tracker
from core.tracking.tracker_config import TrackerConfig
from tests.core.tracking.test_pair_correlation import MODEL, CentredEngine, _scene


def test_pair_evidence_is_the_geometric_mean_or_the_score_alone():
    assert pair_evidence(0.36, 0.25) == pytest.approx(0.3)
    assert pair_evidence(0.5, float("nan")) == 0.5  # no correlation this frame
    assert pair_evidence(0.5, 1.4) == pytest.approx(math.sqrt(0.5))  # clipped to 1
    assert pair_evidence(0.5, -0.2) == 0.0 and pair_evidence(-0.1, 0.5) == 0.0
    assert TrackerConfig().pair_confidence and not TrackerConfig.legacy().pair_confidence


def _steps(config: TrackerConfig, one_stream: bool = False, frames: int = 6):
    tracker = Tracker(CentredEngine(), MODEL, config)
    def pair_at(index, side, centre=(160.0, 120.0)):
        pair, box = _scene(index, side, centre)
        if one_stream:
            pair = FramePair(index, np.repeat(pair.thermal[..., None], 3, axis=2), pair.thermal)
        return pair, box
    pair, box = pair_at(0, 64.0)
    state = tracker.init(pair, box)
    steps = []
    for index in range(1, frames):
        # the target changes look: a different texture seed moves the correlation below 1
        step = tracker.track(pair_at(index, 64.0 * 0.97 ** index, (160.0 + 2 * index, 120.0))[0], state)
        state = step.state
        steps.append(step)
    return steps


def test_on_a_pair_the_confidence_follows_both_cues_and_the_boxes_stay():
    base = dict(size_calibration=0.0, online_filter_weight=0.0)
    joined = _steps(TrackerConfig(**base))
    alone = _steps(TrackerConfig(**base, pair_confidence=False))
    smoothing = TrackerConfig().confidence_smoothing
    expected = float("nan")
    for with_ncc, without in zip(joined, alone, strict=True):
        np.testing.assert_array_equal(with_ncc.box, without.box)
        assert with_ncc.frame_confidence == without.frame_confidence  # the loop's own score is untouched
        assert 0.0 < with_ncc.pair_correlation < 1.0
        evidence = math.sqrt(with_ncc.frame_confidence * with_ncc.pair_correlation)
        expected = evidence if math.isnan(expected) else smoothing * expected + (1 - smoothing) * evidence
        assert with_ncc.confidence == pytest.approx(expected)
        assert with_ncc.confidence != pytest.approx(without.confidence)


def test_one_stream_footage_reports_the_networks_confidence():
    base = dict(size_calibration=0.0, online_filter_weight=0.0)
    for joined, alone in zip(_steps(TrackerConfig(**base), one_stream=True),
                             _steps(TrackerConfig(**base, pair_confidence=False), one_stream=True), strict=True):
        assert math.isnan(joined.pair_correlation)
        assert joined.confidence == alone.confidence
