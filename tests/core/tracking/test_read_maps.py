"""The decoding step of the loop (``core.tracking.read_maps``) and the box rules it hands on to
(``safeguards.bounded_box`` / ``safeguarded_box``, ``distractors.choose_cell``), on constructed
maps, without a tracker."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.tracking.crop import CropGeometry
from core.tracking.distractors import choose_cell
from core.tracking.read_maps import read_maps
from core.tracking.safeguards import bounded_box, safeguarded_box
from core.tracking.track_state import TrackerState
from core.tracking.tracker_config import TrackerConfig

F = 16
# a 128 px crop of a 256 px image square at (100, 50): 0.5 crop pixels per image pixel
GEOMETRY = CropGeometry(origin_x=100.0, origin_y=50.0, scale=0.5, output_size=128)
PLAIN = TrackerConfig(scale_penalty_k=0.0, online_filter_weight=0.0, distractor_gate=0.0)


def _state(box=(200.0, 150.0, 64.0, 64.0), **fields) -> TrackerState:
    box = np.array(box, dtype=np.float64)
    z = np.zeros((3, 64, 64), np.float32)
    return TrackerState(template_visible=z, template_thermal=z, box=box, init_box=box.copy(), frame_index=0,
                        frame_size=(640, 480), **fields)


def _maps(peaks: dict, wh=(0.25, 0.25), offset=(0.5, 0.5)):
    score = np.full((F, F), 0.01, np.float32)
    for cell, value in peaks.items():
        score[cell] = value
    size = np.empty((2, F, F), np.float32)
    size[0], size[1] = wh
    offsets = np.empty((2, F, F), np.float32)
    offsets[0], offsets[1] = offset
    return score, size, offsets


def test_the_peak_cell_decodes_to_its_centre_and_size_in_image_pixels():
    score, size, offset = _maps({(4, 10): 0.9}, wh=(0.25, 0.5), offset=(0.5, 0.25))
    reading = read_maps(score, size, offset, None, GEOMETRY, _state(), None, PLAIN)
    assert (reading.row, reading.col) == (4, 10)
    # crop centre (10.5, 4.25) cells of 8 px -> (84, 34) crop px -> (168, 68) + origin
    cx, cy = 100.0 + 10.5 * 8 / 0.5, 50.0 + 4.25 * 8 / 0.5
    w, h = 0.25 * 128 / 0.5, 0.5 * 128 / 0.5
    np.testing.assert_allclose(reading.network_box, [cx - w / 2, cy - h / 2, w, h])
    assert reading.raw_confidence == reading.confidence == pytest.approx(0.9)
    assert reading.penalty == 1.0
    assert math.isnan(reading.filter_response) and reading.online_filter is None and reading.distractors == ()


def test_the_size_bias_divides_the_size_and_the_penalty_lowers_the_confidence():
    score, size, offset = _maps({(8, 8): 0.8}, wh=(0.5, 0.5))
    plain = read_maps(score, size, offset, None, GEOMETRY, _state(size_bias=(2.0, 1.0)), None, PLAIN)
    np.testing.assert_allclose(plain.network_box[2:], [0.25 * 256, 0.5 * 256])
    penalised = read_maps(score, size, offset, None, GEOMETRY, _state(size_bias=(2.0, 1.0)), None,
                          TrackerConfig(scale_penalty_k=0.04, online_filter_weight=0.0, distractor_gate=0.0))
    # the previous box (64 px = a quarter of the crop) against the biased prediction (0.25 x 0.5)
    assert penalised.penalty < 1.0
    assert penalised.confidence == pytest.approx(0.8 * penalised.penalty)
    assert penalised.raw_confidence == pytest.approx(0.8)


def test_the_window_re_ranks_the_cells_but_the_confidence_is_the_unwindowed_score():
    score, size, offset = _maps({(1, 1): 0.9, (8, 8): 0.7})
    window = np.full((F, F), 0.1, np.float32)
    window[6:10, 6:10] = 1.0
    reading = read_maps(score, size, offset, None, GEOMETRY, _state(), window, PLAIN)
    assert (reading.row, reading.col) == (8, 8)
    assert reading.confidence == pytest.approx(0.7)
    unwindowed = read_maps(score, size, offset, None, GEOMETRY, _state(), None, PLAIN)
    assert (unwindowed.row, unwindowed.col) == (1, 1)


def test_choose_cell_without_the_memory_is_the_argmax_and_remembers_nothing():
    response, _, offset = _maps({(3, 12): 0.6, (9, 2): 0.5})
    row, col, distractors = choose_cell(response, offset, GEOMETRY, np.array([200.0, 150, 64, 64]), (), PLAIN)
    assert (row, col, distractors) == (3, 12, ())


def test_choose_cell_with_the_memory_remembers_the_second_peak_as_a_look_alike():
    response, _, offset = _maps({(8, 8): 0.8, (8, 2): 0.6})
    config = TrackerConfig(distractor_gate=0.5)
    row, col, distractors = choose_cell(response, offset, GEOMETRY, np.array([200.0, 150, 64, 64]), (), config)
    assert (row, col) == (8, 8)
    assert len(distractors) == 1
    x, y = distractors[0]  # the centre of cell (8, 2) in image pixels
    assert (x, y) == pytest.approx((100.0 + 2.5 * 16, 50.0 + 8.5 * 16))


def test_bounded_box_keeps_the_drawn_shape_on_a_pair_and_allows_some_change_on_one_stream():
    config = TrackerConfig(max_aspect_change=1.5, pair_max_aspect_change=1.0)
    centre, wide, init_wh = np.array([100.0, 100.0]), np.array([80.0, 20.0]), np.array([20.0, 40.0])
    pair = bounded_box(centre, wide, init_wh, (640, 480), config, two_streams=True)
    one = bounded_box(centre, wide, init_wh, (640, 480), config, two_streams=False)
    assert pair[2] / pair[3] == pytest.approx(0.5)
    assert one[2] / one[3] == pytest.approx(0.75)
    for box in (pair, one):
        assert box[2] * box[3] == pytest.approx(80.0 * 20.0)
        np.testing.assert_allclose(box[:2] + box[2:] / 2, centre)


def test_safeguarded_box_damps_the_size_keeps_it_when_lost_and_holds_the_box_when_asked():
    config = TrackerConfig(size_lr=0.5, size_lr_by_score=True, max_size_change=10.0, max_aspect_change=math.inf)
    previous = np.array([100.0, 100.0, 40.0, 40.0])
    network = np.array([140.0, 90.0, 80.0, 60.0])  # centre (180, 120)
    common = dict(penalty=0.5, raw_confidence=0.8, two_streams=False)
    damped = safeguarded_box(network, previous, previous[2:], (640, 480), config, lost=False, **common)
    rate = 0.5 * 0.5 * 0.8
    np.testing.assert_allclose(damped[2:], [40 + rate * 40, 40 + rate * 20])
    np.testing.assert_allclose(damped[:2] + damped[2:] / 2, [180.0, 120.0])
    lost = safeguarded_box(network, previous, previous[2:], (640, 480), config, lost=True, **common)
    np.testing.assert_allclose(lost, [160.0, 100.0, 40.0, 40.0])
    held = safeguarded_box(network, previous, previous[2:], (640, 480), TrackerConfig(hold_when_lost=True),
                           lost=True, **common)
    np.testing.assert_allclose(held, previous)


def test_the_online_filter_re_ranks_and_learns_only_on_a_confident_frame():
    from core.tracking.online_filter import learn, spectrum

    rng = np.random.default_rng(0)
    features = rng.standard_normal((8, F, F)).astype(np.float32)
    learned = learn(spectrum(features), (10.0, 3.0), 1.0)  # this pattern's target at cell (row 3, col 10)
    state = _state(online_filter=learned)
    config = TrackerConfig(scale_penalty_k=0.0, distractor_gate=0.0, online_filter_weight=1.0,
                           online_filter_min_score=0.5)
    # two equal peaks; the argmax alone takes the first, (1, 2); the filter knows the one at (3, 10)
    score, size, offset = _maps({(1, 2): 0.8, (3, 10): 0.8}, offset=(0.5, 0.5))
    confident = read_maps(score, size, offset, features, GEOMETRY, state, None, config)
    assert (confident.row, confident.col) == (3, 10)
    assert np.isfinite(confident.filter_response) and confident.filter_response > 0.5
    assert confident.online_filter is not learned  # learned again at the chosen cell
    unsure = read_maps(score * 0.5, size, offset, features, GEOMETRY, state, None, config)
    assert (unsure.row, unsure.col) == (3, 10) and unsure.online_filter is learned  # below the floor: unchanged
    without = read_maps(score, size, offset, features, GEOMETRY, state, None, PLAIN)  # weight 0: no filter
    assert (without.row, without.col) == (1, 2)
    assert math.isnan(without.filter_response) and without.online_filter is learned
