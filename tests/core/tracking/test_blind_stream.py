"""``streams = "auto"``: the blind-visible measure (``core.tracking.blind_stream``) and the
tracker that switches its feed on it."""
from __future__ import annotations

import math
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from core.bench.veil import VisibleVeil
from core.errors import ConfigError
from core.sequences.base import FramePair, as_streams, has_one_stream
from core.tracking.blind_stream import fine_structure, measure, next_feed, smoothed, thermal_as_visible
from core.tracking.crop import normalize_thermal, normalize_visible, sample_target
from core.tracking.tracker import Tracker
from core.tracking.tracker_config import TrackerConfig
from tests.core.tracking.test_tracker_config import RecordingEngine

MODEL = SimpleNamespace(template_size=64, search_size=128, feature_size=16, template_factor=2.0, search_factor=4.0)
BOX = np.array([60.0, 40.0, 20.0, 24.0])


def _texture(seed: int, shape=(120, 160)) -> np.ndarray:
    """(H, W) uint8 natural-ish texture: blurred noise with a few hard edges."""
    rng = np.random.default_rng(seed)
    image = cv2.GaussianBlur(rng.random(shape).astype(np.float32), (0, 0), 1.2)
    image = (image - image.min()) / (np.ptp(image) + 1e-6) * 160 + 40
    image[30:70, 50:90] += 40
    return np.clip(image, 0, 255).astype(np.uint8)


def _pair(index: int, visible_keep: float | None = None) -> FramePair:
    """A registered pair whose two streams differ (visible: one texture in colour, thermal:
    another); ``visible_keep`` veils the visible frame as ``bench --veil-visible`` does."""
    visible = np.stack([_texture(1), _texture(2), _texture(3)], axis=2)
    pair = FramePair(index, visible, _texture(4))
    return VisibleVeil(visible_keep).apply(pair) if visible_keep else pair


def _crops(pair: FramePair):
    visible, _ = sample_target(pair.visible, BOX, 4.0, 128)
    thermal, _ = sample_target(pair.thermal, BOX, 4.0, 128)
    return normalize_visible(visible), normalize_thermal(thermal)


def test_a_veiled_visible_stream_measures_blind_and_a_clean_one_does_not():
    config = TrackerConfig()
    clean = measure(*_crops(_pair(0)), config.blind_min_energy)
    veiled = measure(*_crops(_pair(0, visible_keep=0.12)), config.blind_min_energy)
    assert clean.ratio > config.blind_leave
    assert veiled.ratio < config.blind_enter
    assert veiled.thermal == pytest.approx(clean.thermal)  # the thermal stream is untouched
    # a flat thermal crop gives nothing to compare with
    flat = np.full((3, 128, 128), 0.2, np.float32)
    assert math.isnan(measure(_crops(_pair(0))[0], flat, config.blind_min_energy).ratio)


def test_fine_structure_ignores_a_smooth_veil_and_sees_texture():
    """A veil's field (bench: a 60-level swing over 16 px cells, 88 % of it at keep 0.12) has
    little fine structure next to a texture of three times its contrast."""
    smooth = cv2.resize(np.random.default_rng(0).random((10, 10)).astype(np.float32) * 53, (128, 128),
                        interpolation=cv2.INTER_CUBIC)
    textured = _texture(5, (128, 128)).astype(np.float32)
    assert fine_structure(smooth) < 0.1 * fine_structure(textured)


def test_the_thermal_look_is_built_from_the_thermal_crop_exactly():
    pair = _pair(0)
    _, x_t = _crops(pair)
    fed, _ = sample_target(as_streams(pair, "thermal").visible, BOX, 4.0, 128)
    np.testing.assert_allclose(thermal_as_visible(x_t), normalize_visible(fed), atol=1e-6)


def test_a_stream_derived_from_the_other_is_not_a_second_look():
    rng = np.random.default_rng(2)
    visible = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    luminance = cv2.cvtColor(visible, cv2.COLOR_RGB2GRAY)
    assert has_one_stream(FramePair(0, visible, luminance))  # a visible-only sequence
    assert has_one_stream(FramePair(0, np.repeat(luminance[..., None], 3, 2), luminance))  # thermal-only
    assert not has_one_stream(FramePair(0, visible, rng.integers(0, 256, (40, 48), dtype=np.uint8)))


def test_the_feed_switches_with_hysteresis_and_the_ratio_is_smoothed():
    assert next_feed("both", 0.3, 0.35, 0.5) == "thermal"
    assert next_feed("thermal", 0.45, 0.35, 0.5) == "thermal"  # between the two: stays
    assert next_feed("thermal", 0.55, 0.35, 0.5) == "both"
    assert next_feed("both", 0.45, 0.35, 0.5) == "both"
    assert next_feed("thermal", math.nan, 0.35, 0.5) == "thermal"
    assert smoothed(math.nan, 0.2, 0.7) == 0.2
    assert smoothed(1.0, math.nan, 0.7) == 1.0
    assert smoothed(1.0, 0.0, 0.7) == pytest.approx(0.7)
    with pytest.raises(ConfigError, match="blind_enter"):
        TrackerConfig(blind_enter=0.6, blind_leave=0.5)


class FeatureEngine(RecordingEngine):
    """The recording engine's peak at the centre, plus a feature map that depends on the
    visible input (so a look's online filter is its own)."""

    def run(self, z_v, z_t, x_v, x_t):
        outputs = super().run(z_v, z_t, x_v, x_t)
        feature = np.stack([cv2.resize(x_v[k, 0], (16, 16), interpolation=cv2.INTER_AREA)[None].repeat(4, 0)
                            for k in range(x_v.shape[0])])
        return (*outputs, feature.astype(np.float32))


def _auto_tracker() -> tuple[Tracker, FeatureEngine]:
    engine = FeatureEngine()
    # the feed switching alone: the correlation blend (on by default on two-stream pairs) would move
    # the box the fake engine gives, and with it the crops the blindness is measured on
    return Tracker(engine, MODEL, TrackerConfig(streams="auto", pair_correlation=0.0, search_shift=0.0)), engine


def test_auto_feeds_the_thermal_look_while_the_visible_stream_is_blind_and_both_again_after():
    tracker, engine = _auto_tracker()
    state = tracker.init(_pair(0), BOX)
    assert state.feed == "both" and state.resting is not None and state.resting.feed == "thermal"
    assert len(engine.inputs) == 2  # one init batch per look
    both_template = state.template_visible
    feeds = []
    for index in range(1, 16):
        step = tracker.track(_pair(index, visible_keep=0.12 if index < 8 else None), state)
        state = step.state
        feeds.append(step.feed)
        _, _, x_v, x_t = engine.inputs[-1]
        expected_v = thermal_as_visible(x_t[0]) if step.feed == "thermal" else _crops(_pair(index))[0]
        if step.feed == "thermal":
            np.testing.assert_allclose(x_v[0], expected_v, atol=1e-6)
            np.testing.assert_allclose(engine.inputs[-1][0][0], thermal_as_visible(engine.inputs[-1][1][0]),
                                       atol=1e-6)  # the thermal look's template
        else:
            assert not np.allclose(x_v[0], thermal_as_visible(x_t[0]), atol=1e-3)
    # the running ratio needs a few veiled frames to fall, and a few clean ones to rise again
    # (smoothing 0.7: two veiled frames to fall below 0.45, four clean ones to rise above 0.6;
    # frames 8-10 are clean but the ratio is between the two thresholds)
    assert feeds == ["both"] + ["thermal"] * 9 + ["both"] * 5
    assert state.feed == "both" and state.template_visible is both_template  # the looks swapped back


def test_auto_starts_on_the_thermal_look_when_the_init_frame_is_already_blind():
    tracker, _ = _auto_tracker()
    state = tracker.init(_pair(0, visible_keep=0.12), BOX)
    assert state.feed == "thermal" and state.resting.feed == "both"
    assert state.blind_ratio < tracker.config.blind_enter
    np.testing.assert_allclose(state.template_visible, thermal_as_visible(state.template_thermal), atol=1e-6)
    assert state.online_filter is not None and state.resting.online_filter is not None
    assert not np.allclose(state.online_filter.numerator, state.resting.online_filter.numerator)


def test_while_the_visible_stream_is_blind_the_correlation_searches_the_thermal_stream_alone(monkeypatch):
    """With the correlation on (the default), a frame fed the thermal look searches the thermal
    stream's response alone; a frame fed both searches both (``Tracker`` / ``PairCorrelation.search``)."""
    from core.tracking.correlation import CorrelationTracker
    from core.tracking.pair_correlation import PairCorrelation

    calls = []
    search = PairCorrelation.search

    def recording(self, pair, state, previous_box, thermal_only=False):
        calls.append(thermal_only)
        step = search(self, pair, state, previous_box, thermal_only)
        if thermal_only:  # the thermal stream's own correlation, the same template cells
            alone = CorrelationTracker(self.thermal_tracker.config)
            own = alone.track(pair, type(state)(state.template[1:], np.asarray(previous_box, dtype=np.float64),
                                                state.frame_index, state.frame_size))
            np.testing.assert_allclose(step.state.box, own.state.box, atol=1e-4)
            assert step.confidence == pytest.approx(own.confidence, abs=1e-4)
        return step

    monkeypatch.setattr(PairCorrelation, "search", recording)
    tracker = Tracker(FeatureEngine(), MODEL, TrackerConfig(streams="auto"))
    state = tracker.init(_pair(0), BOX)
    feeds = []
    for index in range(1, 12):
        step = tracker.track(_pair(index, visible_keep=0.12 if index < 8 else None), state)
        state = step.state
        feeds.append(step.feed)
    assert "thermal" in feeds and "both" in feeds
    # each frame's search follows the feed that frame was measured for
    assert calls == [feed == "thermal" for feed in feeds]
    assert tracker.pair_correlation.thermal_tracker.config.modalities == "thermal"
    assert tracker.pair_correlation.tracker.config.modalities == "both"


def test_auto_on_single_modality_footage_is_exactly_both():
    visible = _pair(0).visible
    one_stream = [FramePair(i, visible, cv2.cvtColor(visible, cv2.COLOR_RGB2GRAY)) for i in range(4)]
    runs = {}
    for streams in ("both", "auto"):
        engine = FeatureEngine()
        tracker = Tracker(engine, MODEL, TrackerConfig(streams=streams))
        state = tracker.init(one_stream[0], BOX)
        assert state.resting is None and state.feed == "both"
        boxes = []
        for pair in one_stream[1:]:
            step = tracker.track(pair, state)
            state = step.state
            boxes.append(step.box)
        runs[streams] = (np.array(boxes), len(engine.inputs))
    np.testing.assert_array_equal(runs["auto"][0], runs["both"][0])
    assert runs["auto"][1] == runs["both"][1]  # no second init batch


def test_the_track_command_says_how_many_frames_went_to_the_thermal_stream():
    from core.commands.track import _auto_streams_note

    assert _auto_streams_note([], 9) == ("streams auto: both streams on all 9 tracked frames "
                                         "(the visible stream was never blind)")
    assert _auto_streams_note([3, 4, 7], 9) == ("streams auto: the thermal stream alone on 3 of 9 tracked frames "
                                                "(visible measured blind; first at frame 4, last at 8)")


def test_auto_is_the_default_everywhere_the_streams_are_chosen():
    """The tracker, the ``track`` and ``bench accuracy`` options and the bench's contenders default
    to "auto", as the studio's settings do (``tests/app/test_loop_settings.py``). Since the
    eighteenth session: on the real RGB-T smoke window it lifted every network, and it left the
    six clear windows and the synthetic split as they were."""
    from core.cli import build_parser
    from core.trackers import TrackerChoice
    from core.tracking.tracker_config import DEFAULT_STREAMS, TrackerConfig

    assert DEFAULT_STREAMS == "auto" and TrackerConfig().streams == "auto"
    assert TrackerConfig.legacy().streams == "auto"  # auto is "both" on one-stream footage
    parser = build_parser()
    assert parser.parse_args(["track", "v.mp4", "t.mp4", "--init", "1,1,5,5", "--out", "b.txt"]).streams == "auto"
    assert parser.parse_args(["bench", "accuracy", "--real"]).streams == "auto"
    assert TrackerChoice("student").streams == "auto"
