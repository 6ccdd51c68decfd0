"""The reported centre matched on the drawn target's pixels (``core.tracking.pixel_match``,
``TrackerConfig.pixel_match``): what it measures, when it moves the box, and what it leaves alone."""
from __future__ import annotations

import math
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking import pixel_match
from core.tracking.tracker import Tracker
from core.tracking.tracker_config import PIXEL_MATCH_WEIGHT, TrackerConfig
from tests.core.tracking.test_pair_correlation import CentredEngine

MODEL = SimpleNamespace(template_size=64, search_size=128, feature_size=16, template_factor=2.0, search_factor=4.0)
WIDTH, HEIGHT = 320, 240


def _texture(seed: int, shape) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = cv2.GaussianBlur(rng.random(shape).astype(np.float32), (0, 0), 2.5)
    return ((image - image.min()) / (np.ptp(image) + 1e-6) * 255).astype(np.uint8)


def _scene(index: int, centre, size=(24, 60), *, two_streams=True, blind_visible=False) -> tuple[FramePair, np.ndarray]:
    """A pair with a textured target of ``size`` (w, h) at the sub-pixel ``centre`` (x, y) on a
    textured background, drawn by warping so that the centre need not be a whole pixel.
    ``two_streams`` False: the thermal frame is the visible one's luminance (a visible-only
    sequence). ``blind_visible``: the visible frame is new noise every frame (smoke)."""
    w, h = size
    target = _texture(7, (h, w))
    background = _texture(8, (HEIGHT, WIDTH)) // 3
    shift = np.float32([[1, 0, centre[0] - w / 2.0], [0, 1, centre[1] - h / 2.0]])
    placed = cv2.warpAffine(target, shift, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    mask = cv2.warpAffine(np.ones((h, w), np.float32), shift, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    gray = (background * (1 - mask) + placed * mask).astype(np.uint8)
    thermal = (255 - gray) if two_streams else gray
    visible = np.repeat(gray[..., None], 3, axis=2)
    if blind_visible:
        visible = np.repeat(_texture(100 + index, (HEIGHT, WIDTH))[..., None], 3, axis=2)
    box = np.array([centre[0] - w / 2.0, centre[1] - h / 2.0, w, h], dtype=np.float64)
    return FramePair(index, visible, thermal), box


@pytest.mark.parametrize("two_streams", [True, False])
def test_the_match_measures_a_sub_pixel_shift(two_streams):
    first, box = _scene(0, (150.0, 120.0), two_streams=two_streams)
    kept = pixel_match.start(first, box, two_streams)
    assert len(kept.planes) == (2 if two_streams else 1)
    moved, truth = _scene(1, (153.4, 117.7), two_streams=two_streams)
    found = pixel_match.match(kept, moved, box, reach=0.3)
    assert found.score > 0.9
    assert found.shift == pytest.approx((3.4, -2.3), abs=0.35)
    refined = pixel_match.refined(box, found, 1.0, (0.6, 0.9))
    assert refined[2:] == pytest.approx(box[2:])  # the size is never changed
    assert np.abs(refined[:2] - truth[:2]).max() < 0.35


def test_a_blind_visible_stream_is_left_out_when_the_feed_is_thermal():
    first, box = _scene(0, (150.0, 120.0))
    kept = pixel_match.start(first, box, True)
    smoke, _ = _scene(1, (154.0, 121.0), blind_visible=True)
    both = pixel_match.match(kept, smoke, box, reach=0.3, feed="both")
    thermal = pixel_match.match(kept, smoke, box, reach=0.3, feed="thermal")
    assert thermal.score > 0.9 > both.score
    assert thermal.shift == pytest.approx((4.0, 1.0), abs=0.35)


def test_the_share_ramps_with_the_score_and_a_poor_match_moves_nothing():
    gate = (0.6, 0.9)
    assert pixel_match.share(0.5, 1.0, gate) == 0.0
    assert pixel_match.share(0.75, 1.0, gate) == pytest.approx(0.5)
    assert pixel_match.share(0.95, 0.8, gate) == pytest.approx(0.8)
    assert pixel_match.share(float("nan"), 1.0, gate) == 0.0
    box = np.array([10.0, 20.0, 30.0, 40.0])
    poor = pixel_match.PixelMatch((5.0, -5.0), 0.4)
    assert pixel_match.refined(box, poor, 1.0, gate) == pytest.approx(box)


def test_a_flat_target_or_an_unusable_box_is_not_matched():
    flat = FramePair(0, np.full((HEIGHT, WIDTH, 3), 90, np.uint8), np.full((HEIGHT, WIDTH), 90, np.uint8))
    box = np.array([100.0, 100.0, 20.0, 40.0])
    kept = pixel_match.start(flat, box, False)
    textured, _ = _scene(1, (110.0, 120.0), two_streams=False)
    found = pixel_match.match(kept, textured, box, reach=0.3)
    assert math.isnan(found.score) and found.shift == (0.0, 0.0)
    assert pixel_match.refined(box, found, 1.0, (0.6, 0.9)) == pytest.approx(box)
    first, good = _scene(0, (150.0, 120.0))
    kept = pixel_match.start(first, good, True)
    for bad in ([np.nan, 1.0, 20.0, 20.0], [10.0, 10.0, 0.0, 20.0]):
        assert math.isnan(pixel_match.match(kept, first, bad, reach=0.3).score)


def test_the_option_is_on_by_default_off_in_legacy_and_checked():
    assert TrackerConfig().pixel_match == PIXEL_MATCH_WEIGHT > 0
    assert TrackerConfig.legacy().pixel_match == 0.0
    with pytest.raises(ConfigError, match="pixel_match"):
        TrackerConfig(pixel_match=1.5)
    with pytest.raises(ConfigError, match="pixel_match_reach"):
        TrackerConfig(pixel_match_reach=0.0)
    for gate in ((0.9, 0.6), (-2.0, 0.5), (0.5,), (0.5, 1.5)):
        with pytest.raises(ConfigError, match="pixel_match_gate"):
            TrackerConfig(pixel_match_gate=gate)


def _centre(box) -> np.ndarray:
    return np.asarray(box[:2]) + np.asarray(box[2:]) / 2.0


def _track(config: TrackerConfig, drift: float, frames: int = 8):
    """A target that moves right by ``drift`` px a frame, tracked by a network that always says
    "where it was" (the centre cell, offset 0): (steps, truths)."""
    tracker = Tracker(CentredEngine(), MODEL, config)
    pair, box = _scene(0, (120.0, 120.0))
    state = tracker.init(pair, box)
    steps, truths = [], []
    for index in range(1, frames):
        pair, truth = _scene(index, (120.0 + drift * index, 120.0))
        step = tracker.track(pair, state)
        state = step.state
        steps.append(step)
        truths.append(truth)
    return steps, truths


def test_the_tracker_reports_the_matched_centre_and_keeps_its_own_box_for_the_search():
    base = dict(size_calibration=0.0, online_filter_weight=0.0, pair_correlation=0.0, search_shift=0.0)
    matched, truths = _track(TrackerConfig(**base), drift=0.0, frames=4)
    for step, truth in zip(matched, truths, strict=True):
        assert step.pixel_match > 0.8
        assert np.abs(_centre(step.box) - _centre(truth)).max() < 1.0
    moving, truths = _track(TrackerConfig(**base), drift=1.5, frames=5)
    plain, _ = _track(TrackerConfig(**base, pixel_match=0.0), drift=1.5, frames=5)
    for frame, (with_match, without, truth) in enumerate(zip(moving, plain, truths, strict=True), start=1):
        # the network's box stays behind (about 1.5 px more each frame); the reported one is on the target
        assert abs(_centre(without.box) - _centre(truth))[0] > 1.5 * frame - 1.0
        assert abs(_centre(with_match.box) - _centre(truth))[0] < 1.0
        assert math.isnan(without.pixel_match)
        # the loop's own box (the next search's centre) is not moved by the match
        assert with_match.state.box == pytest.approx(without.state.box)
        assert with_match.box[2:] == pytest.approx(without.box[2:])


def test_no_match_where_the_loop_holds_the_box():
    config = TrackerConfig(size_calibration=0.0, online_filter_weight=0.0, pair_correlation=0.0,
                           lost_threshold=0.95, hold_when_lost=True)  # the engine's 0.9 counts as lost
    steps, _ = _track(config, drift=2.0, frames=4)
    for step in steps:
        assert step.lost and math.isnan(step.pixel_match)
        assert step.box == pytest.approx(step.state.box)
