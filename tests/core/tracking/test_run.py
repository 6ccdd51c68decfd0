"""track_sequence: results, payloads, backwards runs, cancellation."""
from __future__ import annotations

import numpy as np
import pytest

from core.geometry import iou
from core.progress import run_to_end
from core.tracking.engines import TorchEngine
from core.tracking.run import TrackedFrame, frame_range, track_sequence
from core.tracking.tracker import Tracker


@pytest.fixture
def tracker(oracle_net):
    net = oracle_net()
    return Tracker(TorchEngine(net, "cpu"), net.config)


def test_forward_run_follows_the_square(tracker, moving_square):
    seq = moving_square(num_frames=10)
    job = track_sequence(tracker, seq, seq.boxes[0])
    reports = []
    while True:
        try:
            reports.append(next(job))
        except StopIteration as stop:
            results = stop.value
            break
    assert [r.done for r in reports] == list(range(1, 11)) and reports[0].total == 10
    assert all(isinstance(r.payload, TrackedFrame) for r in reports)
    assert reports[0].payload.step is None and reports[0].payload.confidence == 1.0
    assert reports[3].payload.step.frame_index == 3
    assert [f for f, _, _ in results] == list(range(10))
    np.testing.assert_array_equal(results[0][1], seq.boxes[0])
    assert min(iou(b, seq.boxes[f]) for f, b, _ in results) > 0.85


def test_backward_run_and_sub_range(tracker, moving_square):
    seq = moving_square(num_frames=10)
    results = run_to_end(track_sequence(tracker, seq, seq.boxes[7], start=7, step=-1))
    assert [f for f, _, _ in results] == [7, 6, 5, 4, 3, 2, 1, 0]
    assert min(iou(b, seq.boxes[f]) for f, b, _ in results) > 0.85
    part = run_to_end(track_sequence(tracker, seq, seq.boxes[2], start=2, stop=5))
    assert [f for f, _, _ in part] == [2, 3, 4]


def test_close_stops_between_frames(tracker, moving_square):
    seq = moving_square(num_frames=10)
    job = track_sequence(tracker, seq, seq.boxes[0])
    for _ in range(3):
        next(job)
    reads = seq.reads
    job.close()
    assert seq.reads == reads == 3
    with pytest.raises(StopIteration):
        next(job)


def test_frame_range_validation():
    assert list(frame_range(5)) == [0, 1, 2, 3, 4]
    assert list(frame_range(5, 4, None, -1)) == [4, 3, 2, 1, 0]
    for args in ((5, 5), (5, -1), (5, 0, 9), (5, 0, None, 2)):
        with pytest.raises(ValueError):
            frame_range(*args)
