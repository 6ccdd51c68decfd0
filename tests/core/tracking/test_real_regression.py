"""Regression on real footage: the bundled student on two short validation sequences.

Skips without ``../shared/data``. Asserts no runaway frame (box area > 4x the ground
truth's) and an SR floor measured with the shipped weights and the default test loop
(measured values in the comments; the floor leaves a margin for engine differences).
"""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.eval_sets import ground_truth_rows
from core.bench.real_metrics import runaway_frames
from core.metrics import evaluate_arrays, get_protocol
from core.progress import run_to_end
from core.sequences import open_sequence
from core.tracking.factory import load_tracker
from core.tracking.run import track_sequence

FRAMES = 60
#: folder (validation part of configs/real_split.json) -> SR floor
CASES = {
    "real/rgb/otb-crossing": 0.55,      # measured 0.680 (2026-12-04 weights, torch, 1 thread; 0.637 before)
    "real/thermal/antiuav-4": 0.55,     # measured 0.716 (0.710 before)
}


@pytest.mark.real_data
@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(CASES))
def test_bundled_student_tracks_real_footage_without_runaway(shared_data, folder):
    sequence = open_sequence(shared_data / folder, cache_frames=2)
    truth = ground_truth_rows(sequence.ground_truth(), FRAMES)
    tracker = load_tracker("student", engine="torch", device="cpu", threads=1)
    results = run_to_end(track_sequence(tracker, sequence, truth[0], stop=FRAMES))
    boxes = np.array([box for _, box, _ in results])
    assert not runaway_frames(boxes[1:], truth[1:]).any()
    report = evaluate_arrays(get_protocol("lasher"), {"s": boxes}, {"s": (truth, None)}, tracker="student")
    assert report.scores["SR"] >= CASES[folder]


@pytest.mark.real_data
@pytest.mark.slow
def test_a_drone_at_half_resolution_keeps_a_box_of_its_size(shared_data):
    """``antiuav-9`` at half its resolution (``core.bench.resize``): a 7 x 6 px drone. OSTrack's
    10 px box floor (``box_floor="margin"``) settled the box at twice the drone's sides (over these
    frames SR 0.35, median area 3.2x the truth's); the drawn box's sides as the floor keep it at the
    drone's size (measured SR 0.63, median area 1.3x; torch, 1 thread)."""
    from core.bench.resize import FootageResize, ResizedSequence

    sequence = ResizedSequence(open_sequence(shared_data / "real/thermal/antiuav-9", cache_frames=2),
                               FootageResize(0.5))
    truth = ground_truth_rows(sequence.ground_truth(), FRAMES)
    assert max(truth[0, 2:]) < 10
    tracker = load_tracker("student", engine="torch", device="cpu", threads=1)
    results = run_to_end(track_sequence(tracker, sequence, truth[0], stop=FRAMES))
    boxes = np.array([box for _, box, _ in results])
    report = evaluate_arrays(get_protocol("lasher"), {"s": boxes}, {"s": (truth, None)}, tracker="student")
    assert report.scores["SR"] >= 0.5
    assert np.median(boxes[1:, 2] * boxes[1:, 3] / (truth[1:, 2] * truth[1:, 3])) < 2.0
