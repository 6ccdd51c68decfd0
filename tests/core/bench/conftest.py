"""Fixtures of the bench tests: one torch thread, a ground-truth oracle tracker, a tiny split."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@dataclass(frozen=True)
class OracleStep:
    box: np.ndarray
    confidence: float
    state: int


class OracleTracker:
    """Answers the ground-truth box of the frame (shifted by ``lag`` frames, the previous
    answer where that box is invalid): the tracker interface without a network."""

    def __init__(self, boxes: np.ndarray, lag: int = 0):
        self.boxes = np.asarray(boxes, dtype=np.float64)
        self.lag = lag
        self.last = None

    def init(self, pair, box):
        self.last = np.asarray(box, dtype=np.float64).copy()
        return pair.index

    def track(self, pair, state):
        assert pair.index == state + 1, "frames must come in order"
        box = self.boxes[max(0, pair.index - self.lag)]
        if np.all(np.isfinite(box)) and box[2] > 0 and box[3] > 0:
            self.last = box.copy()
        return OracleStep(self.last.copy(), 1.0, pair.index)


@pytest.fixture
def tiny_items():
    """Two synthetic evaluation sequences of 20 frames: clean-0 and occlusion-0 (whose
    target starts hidden at this length)."""
    from core.bench.eval_sets import synthetic_items

    return synthetic_items(frames=20, per_family=1, families=["clean", "occlusion"])
