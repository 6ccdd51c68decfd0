"""The aspect bound on two-stream pairs (``TrackerConfig.pair_max_aspect_change``): the box keeps
the drawn box's shape on a real pair, and single-modality footage keeps the looser bound."""
from __future__ import annotations

import math
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.tracker import Tracker
from core.tracking.tracker_config import PAIR_MAX_ASPECT_CHANGE, TrackerConfig
from tests.core.tracking.test_tracker_config import RecordingEngine

MODEL = SimpleNamespace(template_size=64, search_size=128, feature_size=16, template_factor=2.0, search_factor=4.0)


class SquareEngine(RecordingEngine):
    """Peak at the centre cell with no offset; size 0.25 x 0.25 of the crop."""

    def run(self, z_v, z_t, x_v, x_t):
        score, size, offset = super().run(z_v, z_t, x_v, x_t)
        return score, size, np.zeros_like(offset)


TALL = np.array([140.0, 80.0, 24.0, 60.0])  # a standing person: aspect 0.4


def _pair(index: int, one_stream: bool) -> FramePair:
    rng = np.random.default_rng(index)
    visible = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)
    thermal = cv2.cvtColor(visible, cv2.COLOR_RGB2GRAY) if one_stream else rng.integers(0, 256, (240, 320), dtype=np.uint8)
    return FramePair(index, visible, thermal)


def _last_box(one_stream: bool, frames: int = 40, **overrides) -> np.ndarray:
    """The box after ``frames`` frames of a network that always sizes the target as a square of
    the crop's implied area (size 0.25 x 0.25 of a crop 4x the box's side): the pull toward
    square that the trained networks show on real pairs."""
    config = dict(size_calibration=0.0, online_filter_weight=0.0, pair_correlation=0.0, size_lr=1.0,
                  size_lr_by_score=False, search_shift=0.0)
    config.update(overrides)
    tracker = Tracker(SquareEngine(), MODEL, TrackerConfig(**config))
    state = tracker.init(_pair(0, one_stream), TALL)
    assert state.two_streams is not one_stream
    for index in range(1, frames):
        state = tracker.track(_pair(index, one_stream), state).state
    return state.box


def _aspect(box) -> float:
    return float(box[2] / box[3])


def test_the_option_is_checked_and_legacy_has_no_bound():
    assert TrackerConfig().pair_max_aspect_change == PAIR_MAX_ASPECT_CHANGE == 1.0
    assert TrackerConfig.legacy().pair_max_aspect_change == math.inf
    with pytest.raises(ConfigError, match="pair_max_aspect_change"):
        TrackerConfig(pair_max_aspect_change=0.9)


def test_on_a_two_stream_pair_the_box_keeps_the_drawn_shape():
    box = _last_box(one_stream=False)
    assert _aspect(box) == pytest.approx(_aspect(TALL), rel=1e-6)
    assert box[2] * box[3] == pytest.approx(TALL[2] * TALL[3], rel=0.05)  # the area is the network's


def test_one_stream_footage_keeps_the_looser_bound():
    """Visible-only footage (thermal = the visible frame's luminance): the box drifts toward square
    up to ``max_aspect_change`` (1.5) of the drawn aspect, as before."""
    box = _last_box(one_stream=True)
    assert _aspect(box) == pytest.approx(_aspect(TALL) * 1.5, rel=1e-3)


def test_the_pair_bound_is_the_users_to_loosen():
    box = _last_box(one_stream=False, pair_max_aspect_change=1.2)
    assert _aspect(box) == pytest.approx(_aspect(TALL) * 1.2, rel=1e-3)
    loose = _last_box(one_stream=False, pair_max_aspect_change=math.inf, max_aspect_change=math.inf)
    assert _aspect(loose) == pytest.approx(1.0, abs=0.02)  # nothing bounds the pull toward square


def test_the_users_switch_maps_to_the_bound():
    from core.tracking.tracker_config import MAX_ASPECT_CHANGE, pair_aspect_bound, switched_options

    assert pair_aspect_bound(None) == pair_aspect_bound(True) == PAIR_MAX_ASPECT_CHANGE
    assert pair_aspect_bound(False) == MAX_ASPECT_CHANGE == TrackerConfig().max_aspect_change
    options = switched_options(distractor_memory=False, online_filter=True, pair_shape=False)
    assert TrackerConfig(**options).pair_max_aspect_change == MAX_ASPECT_CHANGE
    assert TrackerConfig(**switched_options(distractor_memory=False, online_filter=True)) == TrackerConfig()
