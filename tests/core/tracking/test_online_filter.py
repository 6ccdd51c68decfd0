"""The online correlation filter: it learns the target against its surroundings and keeps the
loop on the target when a look-alike outscores it in the network's score map."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.online_filter import RESPONSE_CLIP, fuse, learn, respond, spectrum
from core.tracking.tracker import Tracker, TrackerConfig

F, C = 16, 8
RNG = np.random.default_rng(7)
TARGET = RNG.normal(size=C).astype(np.float32)
LOOK_ALIKE = RNG.normal(size=C).astype(np.float32)
BACKGROUND = (0.05 * RNG.normal(size=(C, F, F))).astype(np.float32)


def _features(**blocks) -> np.ndarray:
    """(C, F, F) background with a pattern on the 2x2 cells whose top-left is each (row, col)."""
    features = BACKGROUND.copy()
    for name, (row, col) in blocks.items():
        features[:, row:row + 2, col:col + 2] += {"target": TARGET, "alike": LOOK_ALIKE}[name][:, None, None]
    return features


def test_the_filter_answers_where_the_target_moved_and_not_on_a_look_alike():
    learned = learn(spectrum(_features(target=(7, 7), alike=(2, 7))), (7.5, 7.5), sigma=0.5)
    assert respond(learned, spectrum(_features(target=(7, 7), alike=(2, 7))))[7:9, 7:9].max() == pytest.approx(1.0, abs=0.05)
    moved = respond(learned, spectrum(_features(target=(10, 4), alike=(2, 7))))
    row, col = np.unravel_index(int(np.argmax(moved)), moved.shape)
    assert (row, col) in {(10, 4), (10, 5), (11, 4), (11, 5)}  # on the target's cells, wherever it went
    assert moved[2:4, 7:9].max() < 0.5 * moved.max()  # the look-alike it learned beside is answered low
    assert moved.dtype == np.float32 and moved.shape == (F, F)
    assert 0.0 <= moved.min() and moved.max() <= RESPONSE_CLIP


def test_update_averages_at_the_rate_and_keeps_the_old_filter():
    first = learn(spectrum(_features(target=(7, 7))), (7.5, 7.5), sigma=0.5)
    second_alone = learn(spectrum(_features(target=(3, 3))), (3.5, 3.5), sigma=0.5)
    kept = learn(spectrum(_features(target=(3, 3))), (3.5, 3.5), sigma=0.5, previous=first, rate=0.0)
    replaced = learn(spectrum(_features(target=(3, 3))), (3.5, 3.5), sigma=0.5, previous=first, rate=1.0)
    assert np.allclose(kept.numerator, first.numerator) and np.allclose(kept.denominator, first.denominator)
    assert np.allclose(replaced.numerator, second_alone.numerator)
    half = learn(spectrum(_features(target=(3, 3))), (3.5, 3.5), sigma=0.5, previous=first, rate=0.5)
    assert np.allclose(half.numerator, 0.5 * first.numerator + 0.5 * second_alone.numerator, atol=1e-5)
    assert not np.shares_memory(half.numerator, first.numerator)


def test_fuse_reranks_the_score_map_by_the_weight():
    score = np.array([[0.7, 0.6]], np.float32)
    response = np.array([[0.0, 1.0]], np.float32)
    assert np.allclose(fuse(score, response, 0.0), score)
    assert np.allclose(fuse(score, response, 0.5), [[0.35, 0.6]])


class Geometry:  # the bundled crop geometry, no network
    template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0


class LookAlikeEngine:
    """Init: the target's pattern at the crop centre. Frame 1: the target scores 0.8 at cell
    (8, 8) and a look-alike 0.6 at (3, 8); frame 2: the target moves to (10, 8) and scores
    0.6, the look-alike 0.7. Features put each pattern on the 2x2 cells ending at its peak
    cell (offsets are 0, so a box centre lies half a cell before its peak cell)."""

    name, device, provider = "scripted", "cpu", "none"

    def __init__(self, init_runs_network: bool = True):
        self.calls = 0 if init_runs_network else 1  # without calibration or filter, init runs no network

    def run(self, z_v, z_t, x_v, x_t):
        n = x_v.shape[0]
        score = np.full((F, F), 0.01, np.float32)
        if self.calls == 0:
            features = _features(target=(7, 7))
        elif self.calls == 1:
            score[8, 8], score[3, 8] = 0.8, 0.6
            features = _features(target=(7, 7), alike=(2, 7))
        else:
            score[10, 8], score[3, 8] = 0.6, 0.7
            features = _features(target=(9, 7), alike=(2, 7))
        self.calls += 1
        size = np.full((n, 2, F, F), 0.25, np.float32)
        return (np.repeat(score[None, None], n, 0), size, np.zeros((n, 2, F, F), np.float32),
                np.repeat(features[None], n, 0))


def _pair(index):
    gray = np.zeros((480, 640), np.uint8)
    return FramePair(index, np.repeat(gray[..., None], 3, axis=2), gray)


def _track(config):
    tracker = Tracker(LookAlikeEngine(config.online_filter_weight > 0), Geometry, config)
    state = tracker.init(_pair(0), np.array([300.0, 200.0, 40.0, 40.0]))
    steps = []
    for k in (1, 2):
        steps.append(tracker.track(_pair(k), state))
        state = steps[-1].state
    return steps


def test_the_loop_stays_on_the_target_when_a_look_alike_outscores_it():
    base = dict(use_hann_window=False, size_calibration=0.0, search_shift=0.0)  # maps drawn in a crop centred on the box
    plain = _track(TrackerConfig(**base, online_filter_weight=0.0))
    online = _track(TrackerConfig(**base, online_filter_weight=0.5))
    centre_y = lambda step: step.box[1] + step.box[3] / 2  # noqa: E731
    cell_px = 4 * 40 / F
    assert plain[0].state.online_filter is None
    assert centre_y(plain[0]) == pytest.approx(centre_y(online[0]))  # frame 1: the same box
    assert centre_y(plain[1]) == pytest.approx(220.0 - 5 * cell_px)  # the plain argmax jumped
    assert centre_y(online[1]) == pytest.approx(220.0 + 2 * cell_px)  # the filter kept the target
    assert online[1].frame_confidence == pytest.approx(0.6)  # the confidence is still the network's
    assert online[1].filter_response > 0.5 and np.isnan(plain[1].filter_response)
    assert online[1].state.online_filter is not online[0].state.online_filter  # learned on a confident frame


def test_a_frame_below_the_learning_score_leaves_the_filter_as_it_was():
    steps = _track(TrackerConfig(use_hann_window=False, size_calibration=0.0, online_filter_weight=0.5,
                                 online_filter_min_score=0.9))
    assert steps[0].state.online_filter is steps[1].state.online_filter


def test_an_engine_without_features_tracks_without_the_filter():
    class NoFeatures(LookAlikeEngine):
        def run(self, *crops):
            return super().run(*crops)[:3]

    tracker = Tracker(NoFeatures(), Geometry, TrackerConfig(use_hann_window=False, size_calibration=0.0,
                                                            online_filter_weight=0.5))
    state = tracker.init(_pair(0), np.array([300.0, 200.0, 40.0, 40.0]))
    assert state.online_filter is None
    assert tracker.track(_pair(1), state).state.online_filter is None


def test_online_filter_settings_are_checked():
    for field, value in (("online_filter_weight", 1.5), ("online_filter_rate", -0.1),
                         ("online_filter_min_score", 2.0), ("online_filter_sigma", 0.0),
                         ("online_filter_weight", float("nan"))):
        with pytest.raises(ConfigError, match=field):
            TrackerConfig(**{field: value})


def test_features_with_no_energy_give_a_silent_flat_response():
    """A blank crop (or random weights) gave numpy's 'invalid value encountered in divide' during
    `track` and a NaN filter; it is now a flat zero response, without a warning."""
    import warnings

    blank = spectrum(np.zeros((8, 16, 16), np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        online_filter = learn(blank, (7.5, 7.5), 0.5)
        response = respond(online_filter, blank)
    assert np.isfinite(online_filter.denominator).all() and (response == 0).all()
