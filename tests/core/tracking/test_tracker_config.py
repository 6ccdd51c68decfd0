"""``TrackerConfig.streams``: what the network is fed (``core.sequences.base.as_streams``)."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.tracking.tracker_config import TrackerConfig


def test_streams_present_one_stream_as_one_stream_footage_opens():
    import cv2

    from core.sequences.base import FramePair, as_streams

    rng = np.random.default_rng(0)
    pair = FramePair(3, rng.integers(0, 256, (8, 10, 3), dtype=np.uint8), rng.integers(0, 256, (8, 10), dtype=np.uint8))
    assert as_streams(pair, "both") is pair
    thermal = as_streams(pair, "thermal")
    assert thermal.index == 3 and thermal.visible.shape == (8, 10, 3)
    assert all(np.array_equal(thermal.visible[..., c], pair.thermal) for c in range(3))
    assert np.array_equal(thermal.thermal, pair.thermal)
    visible = as_streams(pair, "visible")
    assert np.array_equal(visible.visible, pair.visible)
    assert np.array_equal(visible.thermal, cv2.cvtColor(pair.visible, cv2.COLOR_RGB2GRAY))
    with pytest.raises(ValueError, match="streams"):
        as_streams(pair, "infrared")


def test_unknown_streams_are_refused():
    with pytest.raises(ConfigError, match="TrackerConfig.streams"):
        TrackerConfig(streams="infrared")
    from core.trackers import TrackerChoice

    with pytest.raises(ConfigError, match="unknown streams"):
        TrackerChoice("student", streams="infrared")


class RecordingEngine:
    """Returns a peak at the centre and records the inputs the tracker fed it."""

    name, device, provider = "recording", "cpu", "none"

    def __init__(self):
        self.inputs = []

    def run(self, z_v, z_t, x_v, x_t):
        self.inputs.append((z_v.copy(), z_t.copy(), x_v.copy(), x_t.copy()))
        n = x_v.shape[0]
        score = np.zeros((n, 1, 16, 16), np.float32)
        score[:, :, 8, 8] = 0.9
        return score, np.full((n, 2, 16, 16), 0.25, np.float32), np.full((n, 2, 16, 16), 0.5, np.float32)


@pytest.mark.parametrize("streams", ["both", "thermal", "visible"])
def test_the_tracker_feeds_the_network_the_chosen_streams(streams):
    from types import SimpleNamespace

    import cv2

    from core.sequences.base import FramePair
    from core.tracking.crop import normalize_thermal, normalize_visible, sample_target
    from core.tracking.tracker import Tracker

    rng = np.random.default_rng(1)
    pair = FramePair(0, rng.integers(0, 256, (120, 160, 3), dtype=np.uint8), rng.integers(0, 256, (120, 160), dtype=np.uint8))
    model = SimpleNamespace(template_size=64, search_size=128, feature_size=16, template_factor=2.0, search_factor=4.0)
    engine = RecordingEngine()
    tracker = Tracker(engine, model, TrackerConfig(streams=streams, size_calibration=0.0, online_filter_weight=0.0,
                                                  search_shift=0.0))
    box = np.array([60.0, 40.0, 20.0, 24.0])
    state = tracker.init(pair, box)
    tracker.track(FramePair(1, pair.visible, pair.thermal), state)
    _, _, x_v, x_t = engine.inputs[-1]
    visible, _ = sample_target(pair.visible, box, 4.0, 128)
    thermal, _ = sample_target(pair.thermal, box, 4.0, 128)
    expected = {"both": (normalize_visible(visible), normalize_thermal(thermal)),
                "thermal": (normalize_visible(np.repeat(thermal[..., None], 3, axis=2)), normalize_thermal(thermal)),
                "visible": (normalize_visible(visible),
                            normalize_thermal(cv2.cvtColor(visible, cv2.COLOR_RGB2GRAY)))}[streams]
    np.testing.assert_allclose(x_v[0], expected[0], atol=1e-5)
    # the luminance of the resampled crop and the resampled luminance differ by rounding: one grey level
    np.testing.assert_allclose(x_t[0], expected[1], atol=1.01 / 255 / 0.226)
    if streams == "thermal":  # the template is cut from the same stream
        template, _ = sample_target(pair.thermal, box, 2.0, 64)
        np.testing.assert_allclose(state.template_visible, normalize_visible(np.repeat(template[..., None], 3, axis=2)),
                                   atol=1e-5)


def test_the_pair_correlation_switch_sets_a_useful_weight_or_zero():
    """``switched_options(pair_correlation=...)`` (the studio's setting, ``track --pair-correlation``):
    on is ``PAIR_CORRELATION_WEIGHT`` (> 0 even when the default is off), off is 0; left out, the
    switch gives the ``TrackerConfig`` default; the other switches are not touched."""
    from core.tracking.tracker_config import PAIR_CORRELATION_WEIGHT, switched_options

    base = dict(distractor_memory=False, online_filter=True)
    on = switched_options(**base, pair_correlation=True)
    off = switched_options(**base, pair_correlation=False)
    assert on["pair_correlation"] == PAIR_CORRELATION_WEIGHT > 0 and off["pair_correlation"] == 0.0
    assert {k: v for k, v in on.items() if k != "pair_correlation"} == {
        k: v for k, v in off.items() if k != "pair_correlation"}
    assert TrackerConfig(**off).pair_correlation == 0.0 and TrackerConfig(**on).pair_correlation == PAIR_CORRELATION_WEIGHT
    assert TrackerConfig(**switched_options(**base)) == TrackerConfig()  # the switches' defaults are the config's


def test_the_review_threshold_depends_on_whether_the_footage_has_two_streams():
    from core.sequences.base import SequenceInfo
    from core.tracking.tracker_config import LOW_CONFIDENCE, LOW_CONFIDENCE_PAIRS, low_confidence_for

    pair = SequenceInfo("p", "video-pair", 10, 64, 48)
    assert low_confidence_for(pair) == LOW_CONFIDENCE_PAIRS == 0.4  # the same as one stream's since the eighteenth session
    assert low_confidence_for(SequenceInfo("t", "vot-tir", 10, 64, 48, thermal_only=True)) == LOW_CONFIDENCE == 0.4
    assert low_confidence_for(SequenceInfo("v", "otb", 10, 64, 48, visible_only=True)) == LOW_CONFIDENCE
    assert low_confidence_for(None) == LOW_CONFIDENCE
