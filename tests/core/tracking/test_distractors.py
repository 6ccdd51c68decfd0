"""Distractor memory: the loop keeps to the target when a look-alike beside it wins one frame."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.distractors import choose_peak, local_peaks, remember_distractors
from core.tracking.tracker import Tracker, TrackerConfig

F = 16


class Geometry:  # the bundled crop geometry, no network
    template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0


class TwoPeaks:
    """An engine whose score map has the peaks ``frames[call]`` ({cell: score}); every cell
    predicts a box a quarter of the crop (the init box's size), no offset."""

    name, device, provider = "scripted", "cpu", "none"

    def __init__(self, frames):
        self.frames, self.calls = frames, 0

    def run(self, z_v, z_t, x_v, x_t):
        score = np.full((F, F), 0.01, np.float32)
        for cell, value in self.frames[min(self.calls, len(self.frames) - 1)].items():
            score[cell] = value
        self.calls += 1
        n = x_v.shape[0]
        size = np.full((n, 2, F, F), 0.25, np.float32)
        return np.repeat(score[None, None], n, 0), size, np.zeros((n, 2, F, F), np.float32)


def _pair(index):
    gray = np.zeros((480, 640), np.uint8)
    return FramePair(index, np.repeat(gray[..., None], 3, axis=2), gray)


def test_local_peaks_are_the_3x3_maxima_above_the_ratio_strongest_first():
    r = np.zeros((F, F), np.float32)
    r[8, 8], r[8, 9], r[3, 8], r[12, 2] = 0.8, 0.7, 0.6, 0.2
    assert local_peaks(r, 0.5) == [(8, 8), (3, 8)]  # (8, 9) is the shoulder of (8, 8); (12, 2) too weak
    assert local_peaks(r, 0.1) == [(8, 8), (3, 8), (12, 2)]
    assert local_peaks(r, 0.1, max_peaks=2) == [(8, 8), (3, 8)]
    assert local_peaks(np.zeros((F, F), np.float32), 0.5) == [(0, 0)]  # a flat map still gives its argmax


def test_choose_peak_leaves_a_remembered_distractor_only_for_a_strong_enough_nearer_peak():
    points = np.array([[100.0, 50.0], [100.0, 90.0]])  # the strongest peak above, another below
    distractor = np.array([[102.0, 52.0]])
    previous = np.array([100.0, 80.0])  # the target was just above the lower peak
    assert choose_peak([0.7, 0.4], points, distractor, previous, radius=5.0, gate=0.5) == 1
    assert choose_peak([0.7, 0.3], points, distractor, previous, radius=5.0, gate=0.5) == 0  # 0.3 < 0.5 * 0.7
    assert choose_peak([0.7, 0.4], points, distractor, previous, radius=1.0, gate=0.5) == 0  # not near it
    assert choose_peak([0.7, 0.4], points, np.zeros((0, 2)), previous, radius=5.0, gate=0.5) == 0
    assert choose_peak([0.7, 0.4], points, distractor, previous, radius=5.0, gate=0.0) == 0  # off
    both_known = np.array([[100.0, 50.0], [100.0, 90.0]])
    assert choose_peak([0.7, 0.4], points, both_known, previous, radius=5.0, gate=0.5) == 0
    # a tracker that drifted between the two does not flee from the strongest peak: the other
    # one must be less than half as far from the previous centre
    assert choose_peak([0.7, 0.4], points, distractor, np.array([100.0, 60.0]), radius=5.0, gate=0.5) == 0
    assert choose_peak([0.7, 0.4], points, distractor, np.array([100.0, 74.0]), radius=5.0, gate=0.5) == 0
    assert choose_peak([0.7, 0.4], points, distractor, np.array([100.0, 78.0]), radius=5.0, gate=0.5) == 1


def test_remember_distractors_keeps_strong_far_peaks_other_than_the_chosen_one():
    points = np.array([[0.0, 0.0], [30.0, 0.0], [3.0, 0.0], [0.0, 40.0]])
    kept = remember_distractors([0.8, 0.5, 0.7, 0.2], points, chosen=0, min_ratio=0.5, min_distance=10.0)
    assert kept == ((30.0, 0.0),)  # (3, 0) is the target itself, (0, 40) too weak
    assert remember_distractors([0.8, 0.5], points[:2], chosen=1, min_ratio=0.5, min_distance=10.0) == ((0.0, 0.0),)


def _track(config, frames, steps):
    tracker = Tracker(TwoPeaks(frames), Geometry, config)
    state = tracker.init(_pair(0), np.array([300.0, 200.0, 40.0, 40.0]))
    out = []
    for k in range(1, steps + 1):
        step = tracker.track(_pair(k), state)
        state = step.state
        out.append(step)
    return out


def test_the_loop_keeps_the_target_when_a_look_alike_beside_it_wins_a_frame():
    # frame 1: the target at the crop centre (8, 8), a look-alike 5 cells above (1.25 box sides);
    # frame 2: the target blurs and moves 2 cells down, the look-alike stays and scores more.
    frames = [{(8, 8): 0.8, (3, 8): 0.6}, {(3, 8): 0.7, (10, 8): 0.4}]  # init runs no network here
    # init runs no network; the fake maps are drawn in a crop centred on the box (no half-cell shift)
    base = dict(use_hann_window=False, size_calibration=0.0, online_filter_weight=0.0, search_shift=0.0)
    plain = _track(TrackerConfig(**base), frames, 2)
    aware = _track(TrackerConfig(**base, distractor_gate=0.5, distractor_radius=0.5), frames, 2)
    centre = lambda step: step.box[:2] + step.box[2:] / 2  # noqa: E731
    cell_px = 4 * 40 / F  # search crop side 4 x 40 px over 16 cells
    assert np.allclose(centre(plain[0]), centre(aware[0]))  # frame 1: the same box
    assert aware[0].state.distractors == ((320.0, pytest.approx(220.0 - 5 * cell_px)),)
    assert centre(plain[1])[1] == pytest.approx(220.0 - 5 * cell_px)  # the plain argmax jumped
    assert centre(aware[1])[1] == pytest.approx(220.0 + 2 * cell_px)  # the aware loop followed
    assert aware[1].frame_confidence < plain[1].frame_confidence  # and says it is less sure


def test_a_lost_tracker_remembers_no_distractors():
    frames = [{(8, 8): 0.2, (3, 8): 0.15}]  # both peaks below distractor_min_score 0.25
    steps = _track(TrackerConfig(use_hann_window=False, size_calibration=0.0, online_filter_weight=0.0,
                                 distractor_gate=0.5, distractor_radius=0.5), frames, 1)
    assert steps[0].state.distractors == ()


def test_distractor_settings_are_checked():
    for field, value in (("distractor_gate", 1.5), ("distractor_min_ratio", -0.1), ("distractor_radius", 0.0), ("distractor_min_score", 2.0)):
        with pytest.raises(ConfigError, match=field):
            TrackerConfig(**{field: value})
