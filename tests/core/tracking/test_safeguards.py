"""Inference safeguards on constructed score maps: scale penalty, damping, bounds, loss handling."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.safeguards import bound_size, damp_size, peak_to_sidelobe, size_change_penalty
from core.tracking.tracker import Tracker, TrackerConfig

F = 16


class Geometry:  # the bundled crop geometry, no network
    template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0


class ScriptedMaps:
    """An engine whose maps come from ``make(call_index)``; records the search crops' sizes."""

    name, device, provider = "scripted", "cpu", "none"

    def __init__(self, make):
        self.make, self.calls = make, 0

    def run(self, z_v, z_t, x_v, x_t):
        score, size, offset = self.make(self.calls)
        self.calls += 1
        n = x_v.shape[0]  # 5 for the init frame's size calibration
        return np.repeat(score[None, None], n, 0), np.repeat(size[None], n, 0), np.repeat(offset[None], n, 0)


def _maps(peak=(8, 8), peak_score=0.8, wh=(0.25, 0.25), background=0.01):
    score = np.full((F, F), background, np.float32)
    score[peak] = peak_score
    size = np.zeros((2, F, F), np.float32)
    size[0], size[1] = wh
    return score, size, np.zeros((2, F, F), np.float32)


def _pair(index=0, size=(640, 480)):
    gray = np.zeros((size[1], size[0]), np.uint8)
    return FramePair(index, np.repeat(gray[..., None], 3, axis=2), gray)


def test_penalty_is_one_for_the_same_size_and_falls_with_change():
    size = np.zeros((2, 2, 2), np.float32)
    size[:, 0, 0] = (0.25, 0.25)   # same as before
    size[:, 0, 1] = (0.5, 0.5)     # twice the size
    size[:, 1, 0] = (0.5, 0.125)   # same area, aspect x4
    size[:, 1, 1] = (1.0, 1.0)     # four times
    penalty = size_change_penalty(size, (0.25, 0.25), k=0.04)
    assert penalty[0, 0] == pytest.approx(1.0)
    assert penalty[1, 1] < penalty[0, 1] < penalty[0, 0]
    assert penalty[1, 0] < penalty[0, 0]
    assert np.all(size_change_penalty(size, (0.25, 0.25), k=0.0) == 1.0)


def test_penalty_picks_the_cell_that_keeps_the_size():
    """Two equal peaks; the one predicting a 4x box loses to the one keeping the size."""
    score, size, offset = _maps(peak=(8, 6), wh=(1.0, 1.0))
    score[8, 10] = 0.8
    size[:, 8, 10] = (0.25, 0.25)
    config = TrackerConfig(use_hann_window=False, max_size_change=math.inf, size_lr=1.0, size_calibration=0.0)
    tracker = Tracker(ScriptedMaps(lambda _: (score, size, offset)), Geometry, config)
    box = np.array([300.0, 200.0, 20.0, 20.0])  # search side 80 px: 0.25 of it is 20 px
    step = tracker.track(_pair(1), tracker.init(_pair(0), box))
    center_x = step.box[0] + step.box[2] / 2
    assert center_x > 310.0  # the right-hand peak (column 10)
    assert step.box[2] == pytest.approx(20.0)
    assert step.confidence == pytest.approx(0.8, rel=1e-5)


def test_damping_and_bounds():
    np.testing.assert_allclose(damp_size((10, 10), (30, 10), rate=0.5, max_change=math.inf), (20, 10))
    np.testing.assert_allclose(damp_size((10, 10), (30, 10), rate=1.0, max_change=1.1), (11, 10))
    np.testing.assert_allclose(damp_size((10, 10), (30, 30), rate=0.0, max_change=2.0), (10, 10))
    np.testing.assert_allclose(bound_size((100, 5), (20, 20), (640, 480), max_ratio=4.0), (80, 5))
    np.testing.assert_allclose(bound_size((900, 900), (400, 400), (640, 480), max_ratio=4.0), (640, 480))


def test_a_network_that_always_draws_a_frame_sized_box_cannot_run_away():
    """Legacy loop: the box fills the frame in a few frames; default loop: it grows at most
    max_size_change per frame and stops at max_size_ratio of the initial box."""
    grow = lambda _: _maps(wh=(0.9, 0.9), peak_score=0.9)  # noqa: E731 - 3.6x the box every frame
    box = np.array([300.0, 200.0, 20.0, 20.0])
    results = {}
    # the fake maps answer the crop's centre: the default loop with the crop centred on the box
    for name, config in (("legacy", TrackerConfig.legacy()), ("default", TrackerConfig(search_shift=0.0))):
        tracker = Tracker(ScriptedMaps(grow), Geometry, config)
        state = tracker.init(_pair(0), box)
        widths = []
        for i in range(1, 40):
            step = tracker.track(_pair(i), state)
            state = step.state
            widths.append(step.box[2])
        results[name] = widths
    assert results["legacy"][5] > 400  # runaway
    bound = TrackerConfig().max_size_ratio * 20
    assert max(results["default"]) == pytest.approx(bound)  # reached the bound and stopped there
    assert results["default"][-1] == pytest.approx(bound)
    ratios = np.array(results["default"][1:]) / np.array(results["default"][:-1])
    assert ratios.max() <= 1.1 + 1e-9


def test_lost_target_holds_size_and_widens_the_search():
    """Confidence below lost_threshold: size held, search factor grows per lost frame up
    to max_search_factor; a confident frame brings the factor back."""
    scripts = [_maps(peak_score=0.05, wh=(0.5, 0.5))] * 6 + [_maps(peak_score=0.9)]
    engine = ScriptedMaps(lambda i: scripts[min(i, len(scripts) - 1)])
    config = TrackerConfig(lost_threshold=0.3, lost_search_growth=0.25, max_search_factor=6.0, size_calibration=0.0,
                           online_filter_weight=0.0)  # init runs no network: the script starts at frame 1
    tracker = Tracker(engine, Geometry, config)
    box = np.array([300.0, 200.0, 20.0, 20.0])
    state = tracker.init(_pair(0), box)
    factors, sides = [], []
    for i in range(1, 8):
        factors.append(tracker.search_factor(state))
        step = tracker.track(_pair(i), state)
        sides.append(step.crop_geometry.output_size / step.crop_geometry.scale)
        if i <= 6:
            assert step.lost and step.box[2] == pytest.approx(20.0)
        state = step.state
    assert factors[:4] == pytest.approx([4.0, 5.0, 6.0, 6.0])
    assert sides[1] == pytest.approx(100.0, abs=1.0)  # 5 x sqrt(20 * 20)
    assert not step.lost and state.lost_frames == 0
    assert tracker.search_factor(state) == 4.0


def test_hold_when_lost_keeps_the_position():
    engine = ScriptedMaps(lambda _: _maps(peak=(2, 2), peak_score=0.05))
    tracker = Tracker(engine, Geometry, TrackerConfig(lost_threshold=0.3, hold_when_lost=True))
    box = np.array([300.0, 200.0, 20.0, 20.0])
    step = tracker.track(_pair(1), tracker.init(_pair(0), box))
    np.testing.assert_allclose(step.box, box)


def test_the_hold_switch_holds_below_its_threshold_and_follows_a_confident_peak_again():
    """``switched_options(hold_when_lost=True)`` (the studio's and ``track --hold-when-lost``'s
    switch): a peak off the centre scoring under ``HOLD_THRESHOLD`` leaves the box where it was,
    however long; the first one above it moves the box there again."""
    from core.tracking.tracker_config import HOLD_THRESHOLD, switched_options

    scores = [0.05, HOLD_THRESHOLD - 0.01, 0.02, HOLD_THRESHOLD + 0.2]
    engine = ScriptedMaps(lambda i: _maps(peak=(8, 12), peak_score=scores[min(max(i - 1, 0), len(scores) - 1)]))
    options = switched_options(distractor_memory=False, online_filter=False, hold_when_lost=True)
    tracker = Tracker(engine, Geometry, TrackerConfig(**options))
    box = np.array([300.0, 200.0, 20.0, 20.0])
    state = tracker.init(_pair(0), box)
    for i, score in enumerate(scores, 1):
        step = tracker.track(_pair(i), state)
        state = step.state
        if score < HOLD_THRESHOLD:
            assert step.lost and np.allclose(step.box, box), i
    assert not step.lost and step.box[0] > box[0] + 5  # the peak sits right of the centre: followed
    off = switched_options(distractor_memory=False, online_filter=False)
    assert off["lost_threshold"] == 0.0 and off["hold_when_lost"] is False
    assert TrackerConfig(**off) == TrackerConfig(online_filter_weight=0.0)


def test_peak_to_sidelobe():
    flat = np.full((F, F), 0.1, np.float32)
    assert peak_to_sidelobe(flat, 8, 8) == 0.0
    sharp = flat.copy()
    sharp[8, 8] = 0.9
    sharp += np.random.default_rng(0).normal(0, 0.01, sharp.shape).astype(np.float32)
    assert peak_to_sidelobe(sharp, 8, 8) > 20


@pytest.mark.parametrize("field, value", [("scale_penalty_k", -1.0), ("size_lr", 1.5), ("max_size_change", 0.5),
                                          ("max_size_ratio", 0.9), ("lost_threshold", 2.0),
                                          ("lost_search_growth", -0.1), ("max_search_factor", 0.0),
                                          ("kalman_history", 0), ("box_margin", -1.0), ("confidence_smoothing", 1.0),
                                          ("window_influence", 1.2), ("distractor_radius", 0.0),
                                          ("scale_penalty_k", float("nan")), ("size_lr", float("nan"))])
def test_bad_settings_are_named(field, value):
    with pytest.raises(ConfigError, match=field):
        TrackerConfig(**{field: value})


def test_aspect_bound_keeps_the_area_and_the_initial_shape():
    from core.tracking.safeguards import bound_aspect

    wh = bound_aspect((40.0, 40.0), (20.0, 40.0), max_change=1.5)  # initial aspect 0.5, square asked
    assert wh[0] / wh[1] == pytest.approx(0.75)
    assert wh[0] * wh[1] == pytest.approx(1600.0)
    np.testing.assert_allclose(bound_aspect((30.0, 40.0), (20.0, 40.0), 1.5), (30.0, 40.0))
    np.testing.assert_allclose(bound_aspect((80.0, 10.0), (20.0, 40.0), math.inf), (80.0, 10.0))


class BatchedMaps:
    """An engine giving every crop of a batch the same maps (peak at the centre cell)."""

    name, device, provider = "batched", "cpu", "none"

    def __init__(self, wh):
        self.wh, self.batches = wh, []

    def run(self, z_v, z_t, x_v, x_t):
        n = x_v.shape[0]
        self.batches.append(n)
        score, size, offset = _maps(wh=self.wh)
        return (np.repeat(score[None, None], n, 0), np.repeat(size[None], n, 0), np.repeat(offset[None], n, 0))


def test_size_calibration_measures_the_networks_bias_on_the_init_frame_and_divides_it_out():
    """The network sizes a 20 x 20 target 24 x 18 (search side 80 px: 0.3 x 0.225 of it).
    Calibrated, the bias is (1.2, 0.9) and an undamped box keeps the true size."""
    engine = BatchedMaps(wh=(0.3, 0.225))
    config = TrackerConfig(use_hann_window=False, size_lr=1.0, size_lr_by_score=False, max_size_change=math.inf,
                           size_calibration=1.0)
    tracker = Tracker(engine, Geometry, config)
    box = np.array([300.0, 200.0, 20.0, 20.0])
    state = tracker.init(_pair(0), box)
    assert engine.batches == [5]  # the centred crop and four shifted by a quarter side, one batch
    np.testing.assert_allclose(state.size_bias, (1.2, 0.9), rtol=1e-5)
    step = tracker.track(_pair(1), state)
    np.testing.assert_allclose(step.box[2:], (20.0, 20.0), rtol=1e-4)
    assert step.size_map[0, 8, 8] == pytest.approx(0.3)  # the network's own map is reported unchanged

    uncalibrated = Tracker(BatchedMaps(wh=(0.3, 0.225)), Geometry,
                           dataclasses.replace(config, size_calibration=0.0, online_filter_weight=0.0))
    plain = uncalibrated.init(_pair(0), box)
    assert plain.size_bias == (1.0, 1.0) and uncalibrated.engine.batches == []
    filter_only = Tracker(BatchedMaps(wh=(0.3, 0.225)), Geometry, dataclasses.replace(config, size_calibration=0.0))
    assert filter_only.init(_pair(0), box).size_bias == (1.0, 1.0)
    assert filter_only.engine.batches == [1]  # the online filter learns from the centred crop alone
    np.testing.assert_allclose(uncalibrated.track(_pair(1), plain).box[2:], (24.0, 18.0), rtol=5e-3)


def test_size_calibration_is_partial_and_bounded():
    box = np.array([300.0, 200.0, 20.0, 20.0])
    half = Tracker(BatchedMaps(wh=(0.3, 0.225)), Geometry, TrackerConfig(use_hann_window=False, size_calibration=0.5))
    np.testing.assert_allclose(half.init(_pair(0), box).size_bias, (1.2 ** 0.5, 0.9 ** 0.5), rtol=1e-5)
    wild = Tracker(BatchedMaps(wh=(1.0, 0.05)), Geometry, TrackerConfig(use_hann_window=False, size_calibration=1.0))
    np.testing.assert_allclose(wild.init(_pair(0), box).size_bias, (1.5, 1 / 1.5), rtol=1e-5)
    with pytest.raises(ConfigError, match="size_calibration"):
        TrackerConfig(size_calibration=1.5)


def test_size_bias_is_the_geometric_mean_ratio_scaled_and_clamped():
    from core.tracking.safeguards import size_bias

    measured = np.array([[24.0, 18.0], [26.0, 18.0], [22.0, 18.0]])
    full = size_bias(measured, (20.0, 20.0), strength=1.0, limit=1.5)
    expected_w = np.exp(np.mean(np.log([1.2, 1.3, 1.1])))
    np.testing.assert_allclose(full, (expected_w, 0.9), rtol=1e-9)
    np.testing.assert_allclose(size_bias(measured, (20.0, 20.0), strength=0.0, limit=1.5), (1.0, 1.0))
    np.testing.assert_allclose(size_bias([[100.0, 0.0]], (20.0, 20.0), strength=1.0, limit=1.5), (1.5, 1 / 1.5))


def test_window_influence_blends_the_hann_window_toward_flat_and_follows_the_config():
    tracker = Tracker(ScriptedMaps(lambda k: _maps()), Geometry, TrackerConfig())
    hann = tracker.window.copy()
    assert hann.shape == (F, F) and hann.min() < 0.05 and hann.max() > 0.95
    tracker.config = dataclasses.replace(tracker.config, window_influence=0.0)
    assert np.allclose(tracker.window, 1.0)
    tracker.config = dataclasses.replace(tracker.config, window_influence=0.75)
    assert np.allclose(tracker.window, 0.25 + 0.75 * hann)
    tracker.config = dataclasses.replace(tracker.config, use_hann_window=False)
    assert tracker.window is None
    with pytest.raises(ConfigError, match="window_influence"):
        TrackerConfig(window_influence=1.5)
