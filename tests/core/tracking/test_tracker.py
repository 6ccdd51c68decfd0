"""Tracker geometry, decoding, Kalman fallback and template update on synthetic input."""
from __future__ import annotations

import numpy as np
import pytest

from core.config import from_dict
from core.errors import ConfigError
from core.geometry import iou
from core.models.head import hann1d
from core.sequences.base import FramePair
from core.tracking.crop import crop_side, sample_target
from core.tracking.engines import TorchEngine
from core.tracking.kalman import filter_corners, predict_corner
from core.tracking.tracker import InitBoxError, Tracker, TrackerConfig


class FixedMaps:
    """An engine that returns hand-made maps whatever the input."""

    name, device, provider = "fixed", "cpu", "none"

    def __init__(self, score, size, offset):
        self.maps = (score[None, None], size[None], offset[None], score[None, None])
        self.calls = 0

    def run(self, z_v, z_t, x_v, x_t):
        self.calls += 1
        n = x_v.shape[0]  # 1 per tracked frame; 5 for the init frame's size calibration
        assert z_v.shape == (n, 3, 64, 64) and x_t.shape == (n, 3, 128, 128)
        assert z_v.dtype == np.float32
        return tuple(np.repeat(m, n, axis=0) for m in self.maps)


def _pair(index=0, size=(200, 150)):
    w, h = size
    gray = np.zeros((h, w), np.uint8)
    return FramePair(index, np.repeat(gray[..., None], 3, axis=2), gray)


def test_crop_geometry_maps_blob_back_exactly(oracle_net, moving_square):
    """Crop -> oracle decode in crop pixels -> CropGeometry back to image: sub-pixel exact."""
    seq = moving_square(num_frames=8)
    net = oracle_net()
    tracker = Tracker(TorchEngine(net, "cpu"), net.config)
    state = tracker.init(seq[0], seq.boxes[0])
    for i in range(1, len(seq)):
        step = tracker.track(seq[i], state)
        state = step.state
        # the square is 16 px on a 64 px search side -> 32 crop px: interpolation blurs < 0.5 px
        assert np.abs(step.box[:2] - seq.boxes[i, :2]).max() < 0.6, (i, step.box, seq.boxes[i])
        assert np.abs(step.box[2:] - seq.boxes[i, 2:]).max() < 1.5
        assert step.score_map.shape == (16, 16) and step.score_map.dtype == np.float32
        assert step.size_map.shape == (2, 16, 16) and step.offset_map.shape == (2, 16, 16)
        assert step.crop_geometry.output_size == 128
        assert 0.9 < step.confidence < 1.0
        assert step.state.step == i and step.frame_index == i


def test_crop_round_trip_is_exact():
    image = np.zeros((150, 200), np.uint8)
    box = np.array([37.0, 51.0, 23.0, 17.0])
    _, geometry = sample_target(image, box, 4.0, 128)
    np.testing.assert_allclose(geometry.crop_to_image(geometry.image_to_crop(box)), box, atol=1e-9)


def test_decode_on_hand_made_maps_maps_back_to_image():
    f = 16
    score = np.full((f, f), 0.01, np.float32)
    score[5, 9] = 0.8
    size = np.zeros((2, f, f), np.float32)
    size[:, 5, 9] = (0.25, 0.125)
    offset = np.zeros((2, f, f), np.float32)
    offset[:, 5, 9] = (0.5, 0.25)
    config = TrackerConfig.legacy(use_hann_window=False)

    class Geometry:  # bundled geometry without a network
        template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0

    tracker = Tracker(FixedMaps(score, size, offset), Geometry, config)
    init = np.array([80.0, 60.0, 20.0, 20.0])  # search side 80 px centred at (90, 70): origin (50, 30)
    step = tracker.track(_pair(1), tracker.init(_pair(0), init))
    g = step.crop_geometry
    assert (g.origin_x, g.origin_y, g.scale) == (50.0, 30.0, 128 / 80)
    cx, cy = (9 + 0.5) / 16 * 80 + 50, (5 + 0.25) / 16 * 80 + 30  # crop units -> image px
    w, h = 0.25 * 80, 0.125 * 80
    np.testing.assert_allclose(step.box, [cx - w / 2, cy - h / 2, w, h], atol=1e-6)
    assert step.confidence == pytest.approx(0.8)


@pytest.mark.parametrize("shift", [0.0, 0.5])
def test_the_search_crop_puts_the_box_on_a_cells_centre(shift):
    """With ``search_shift`` 0.5 the crop is centred half a score cell right of and below the
    box, so the box's centre falls on the centre of cell (7, 7) instead of the corner four cells
    share; a network that answers that cell's centre leaves the box where it was. Centred
    crops (0) put the box on the corner, and the same answer moves it by half a cell."""
    f = 16
    score = np.full((f, f), 0.01, np.float32)
    score[7, 7] = 0.8
    size = np.full((2, f, f), 0.25, np.float32)
    offset = np.full((2, f, f), 0.5, np.float32)

    class Geometry:
        template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0

    tracker = Tracker(FixedMaps(score, size, offset), Geometry, TrackerConfig.legacy(use_hann_window=False,
                                                                                     search_shift=shift))
    init = np.array([80.0, 60.0, 40.0, 40.0])  # search side 160 px, 10 px a cell, centred at (100, 80)
    step = tracker.track(_pair(1), tracker.init(_pair(0), init))
    g = step.crop_geometry
    assert (g.origin_x, g.origin_y) == (20.0 + 10.0 * shift, 0.0 + 10.0 * shift)
    expected = init + np.array([10.0 * (shift - 0.5), 10.0 * (shift - 0.5), 0.0, 0.0])  # half a cell behind at 0
    np.testing.assert_allclose(step.box, expected, atol=1e-6)


def test_the_search_shift_is_on_by_default_off_in_legacy_and_checked():
    assert TrackerConfig().search_shift == 0.5 and TrackerConfig.legacy().search_shift == 0.0
    for bad in (-0.1, 1.5):
        with pytest.raises(ConfigError, match="search_shift"):
            TrackerConfig(search_shift=bad)


@pytest.mark.parametrize("floor", ["drawn", "margin"])
def test_a_target_drawn_smaller_than_10_px_keeps_its_size(floor):
    """A drone drawn 6 x 4 px, and a network that reads it 6 x 4 px at the crop's centre: the
    default floor (the drawn box's sides, at most 10 px) leaves the box as drawn; OSTrack's 10 px
    floor ("margin", as in ``legacy``) raised it to 10 x 10 px, so the next crop was larger too."""
    f = 16
    init = np.array([100.0, 80.0, 6.0, 4.0])
    side = crop_side(init, 4.0)  # the search crop's side: 20 px
    score = np.full((f, f), 0.01, np.float32)
    score[7, 7] = 0.9
    size = np.zeros((2, f, f), np.float32)
    size[:, 7, 7] = (6.0 / side, 4.0 / side)
    offset = np.full((2, f, f), 0.5, np.float32)

    class Geometry:
        template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0

    config = TrackerConfig(box_floor=floor, size_calibration=0.0, online_filter_weight=0.0, pixel_match=0.0,
                           use_hann_window=False)
    tracker = Tracker(FixedMaps(score, size, offset), Geometry, config)
    state = tracker.init(_pair(0), init)
    for index in (1, 2, 3):
        step = tracker.track(_pair(index), state)
        state = step.state
    if floor == "drawn":
        np.testing.assert_allclose(step.box[2:], (6.0, 4.0), atol=0.05)
    else:  # raised to 10 px, and the larger crop then reads the target larger still
        assert step.box[2] >= 10.0 and step.box[3] >= 10.0
    assert TrackerConfig().box_floor == "drawn" and TrackerConfig.legacy().box_floor == "margin"
    with pytest.raises(ConfigError, match="box_floor"):
        TrackerConfig(box_floor="none")


def test_hann_window_prefers_the_centre():
    f = 16
    score = np.full((f, f), 0.01, np.float32)
    score[0, 0] = 0.9  # strong but at the crop's corner
    score[8, 8] = 0.6
    size = np.full((2, f, f), 0.1, np.float32)
    offset = np.zeros((2, f, f), np.float32)

    class Geometry:
        template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0

    init = np.array([80.0, 60.0, 20.0, 20.0])
    windowed = Tracker(FixedMaps(score, size, offset), Geometry, TrackerConfig.legacy())
    plain = Tracker(FixedMaps(score, size, offset), Geometry, TrackerConfig.legacy(use_hann_window=False))
    assert windowed.track(_pair(1), windowed.init(_pair(0), init)).confidence == pytest.approx(0.6)
    assert plain.track(_pair(1), plain.init(_pair(0), init)).confidence == pytest.approx(0.9)
    # With the default safeguards the confidence is the penalised score (size 0.1 of the
    # crop against the previous 0.25: a penalty below 1), still at the windowed centre peak.
    default = Tracker(FixedMaps(score, size, offset), Geometry)
    step = default.track(_pair(1), default.init(_pair(0), init))
    assert step.raw_confidence == pytest.approx(0.6) and step.confidence < 0.6
    h = hann1d(16)
    assert h[0] > 0 and h[7] == pytest.approx(h[8]) and h.max() < 1.0


def test_init_rejects_bad_boxes():
    class Geometry:
        template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0

    tracker = Tracker(FixedMaps(*(np.zeros((16, 16), np.float32),) * 1, np.zeros((2, 16, 16), np.float32),
                                np.zeros((2, 16, 16), np.float32)), Geometry)
    for bad in ([10, 10, 0, 5], [500, 10, 10, 10], [np.nan, 1, 2, 3], [1, 2, 3]):
        with pytest.raises(InitBoxError):
            tracker.init(_pair(0), bad)


def test_tracker_config_from_dict_and_validation():
    config = from_dict(TrackerConfig, {"kalman_fallback": True, "kalman": {"measurement_noise": 9.0}})
    assert config.kalman_fallback and config.kalman.measurement_noise == 9.0 and not config.template_update
    assert (config.template_update_threshold, config.kalman_score_threshold, config.kalman_history) == (0.91, 0.25, 16)
    for bad in ({"kalman_history": 0}, {"template_update_threshold": 1.5}, {"box_margin": -1}):
        with pytest.raises(ConfigError):
            from_dict(TrackerConfig, bad)
    with pytest.raises(ConfigError):
        from_dict(TrackerConfig, {"kalman_window": 3})


def test_kalman_predicts_constant_velocity():
    history = [(s, 10.0 + 3.0 * s, 20.0 - 2.0 * s) for s in range(8)]
    np.testing.assert_allclose(predict_corner(history, 12), [46.0, -4.0], atol=0.5)
    state, _, last = filter_corners(history)
    assert last == 7
    np.testing.assert_allclose(state[2:], [3.0, -2.0], atol=0.2)
    np.testing.assert_allclose(predict_corner(history[:1], 5), [10.0, 20.0])
    with pytest.raises(ValueError):
        filter_corners([])


def _track_all(tracker, seq, state) -> list:
    """The TrackSteps of frames 1.. of ``seq`` from ``state`` (the init on frame 0)."""
    steps = []
    for i in range(1, len(seq)):
        steps.append(tracker.track(seq[i], state))
        state = steps[-1].state
    return steps


def test_kalman_fallback_triggers_on_low_scores(oracle_net, moving_square):
    hidden = range(8, 12)
    seq = moving_square(num_frames=14, size=(220, 160), start=(30.0, 40.0), velocity=(4.0, 2.0), hidden=hidden)
    net = oracle_net()
    results = {}
    for on in (False, True):
        tracker = Tracker(TorchEngine(net, "cpu"), net.config, TrackerConfig(kalman_fallback=on))
        results[on] = _track_all(tracker, seq, tracker.init(seq[0], seq.boxes[0]))
    for on, steps in results.items():
        for step in steps:
            hidden_frame = step.frame_index in hidden
            if hidden_frame or on:
                assert (step.frame_confidence < 0.25) == hidden_frame
            assert step.fallback == (on and hidden_frame)
    # without the fallback the box collapses during the occlusion and the square is lost
    assert iou(results[False][-1].box, seq.boxes[-1]) < 0.1
    # with the fallback the box keeps moving with the square while it is hidden
    with_kf = np.array([s.box for s in results[True] if s.frame_index in hidden])
    truth = seq.boxes[list(hidden)]
    assert np.abs(with_kf[:, :2] - truth[:, :2]).max() < 2.0
    assert np.abs(with_kf[:, 2:] - 16).max() < 1.5  # size kept from the last confident box
    # and it finds the square again afterwards
    last = results[True][-1]
    assert iou(last.box, seq.boxes[-1]) > 0.8
    assert results[True][-1].state.score_history[-1] > 0.9
    assert len(results[True][-1].state.score_history) == 13


def test_kalman_history_window_limits_the_fallback(oracle_net, moving_square):
    seq = moving_square(num_frames=10, size=(220, 160), hidden=range(3, 10))
    net = oracle_net()
    tracker = Tracker(TorchEngine(net, "cpu"), net.config, TrackerConfig(kalman_fallback=True, kalman_history=3))
    fallbacks = [step.fallback for step in _track_all(tracker, seq, tracker.init(seq[0], seq.boxes[0]))]
    # confident corners at steps 0..2; with a 3-step window they expire after step 4
    assert fallbacks == [False, False, True, True, False, False, False, False, False]


def test_template_update_switch(oracle_net, moving_square):
    seq = moving_square(num_frames=5)
    for update, peak, expect in ((False, 0.99, 0), (True, 0.99, 4), (True, 0.9, 0)):
        net = oracle_net(peak=peak)
        tracker = Tracker(TorchEngine(net, "cpu"), net.config, TrackerConfig(template_update=update))
        state = first = tracker.init(seq[0], seq.boxes[0])
        for i in range(1, len(seq)):
            state = tracker.track(seq[i], state).state
        assert state.template_updates == expect
        same = state.template_visible is first.template_visible
        assert same == (expect == 0)
        if expect:
            # re-cut around the last box: equal to a fresh template crop there
            np.testing.assert_array_equal(state.template_thermal, tracker.template_crops(seq[4], state.box)[1])


def test_track_confidence_is_the_smoothed_frame_confidence(oracle_net, moving_square):
    hidden = range(6, 10)
    seq = moving_square(num_frames=14, size=(220, 160), start=(30.0, 40.0), velocity=(4.0, 2.0), hidden=hidden)
    net = oracle_net()
    runs = {}
    for smoothing in (0.0, 0.7):
        tracker = Tracker(TorchEngine(net, "cpu"), net.config, TrackerConfig(confidence_smoothing=smoothing))
        state = tracker.init(seq[0], seq.boxes[0])
        assert np.isnan(state.track_confidence)
        runs[smoothing] = _track_all(tracker, seq, state)
    plain, smooth = runs[0.0], runs[0.7]
    for a, b in zip(plain, smooth, strict=True):  # the boxes and the per-frame score do not change
        np.testing.assert_allclose(a.box, b.box)
        assert a.frame_confidence == pytest.approx(b.frame_confidence)
        assert a.confidence == pytest.approx(a.frame_confidence)
    expected = smooth[0].frame_confidence
    assert smooth[0].confidence == pytest.approx(expected)
    for step in smooth[1:]:
        expected = 0.7 * expected + 0.3 * step.frame_confidence
        assert step.confidence == pytest.approx(expected)
        assert step.state.track_confidence == pytest.approx(expected)
    # the smoothed confidence falls while the target is hidden, but not at once
    first_hidden = next(i for i, s in enumerate(smooth) if s.frame_index in hidden)
    assert smooth[first_hidden].frame_confidence < 0.25 < smooth[first_hidden].confidence
    assert smooth[first_hidden + 3].confidence < smooth[first_hidden - 1].confidence * 0.5


def test_confidence_smoothing_is_validated_and_off_in_the_legacy_loop():
    assert TrackerConfig.legacy().confidence_smoothing == 0.0
    for bad in (-0.1, 1.0):
        with pytest.raises(ConfigError, match="confidence_smoothing"):
            TrackerConfig(confidence_smoothing=bad)
