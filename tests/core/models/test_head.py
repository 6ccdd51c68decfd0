import math

import numpy as np
import pytest
import torch

from core.models.head import CenterHead, boxes_from_maps_at, decode_boxes, hann1d, hann2d


def _maps(f=16):
    score = torch.full((1, 1, f, f), 1e-4)
    size = torch.full((1, 2, f, f), 0.01)
    offset = torch.zeros(1, 2, f, f)
    return score, size, offset


def test_hann_values():
    h = hann1d(16)
    assert h.shape == (16,)
    assert h[0] == pytest.approx(0.5 * (1 - math.cos(2 * math.pi / 17)), rel=1e-6)
    assert h[7] == pytest.approx(0.5 * (1 - math.cos(2 * math.pi * 8 / 17)), rel=1e-6)
    assert np.all(h > 0) and np.allclose(h, h[::-1])
    w = hann2d(16)
    assert w.shape == (1, 1, 16, 16) and w.dtype == torch.float32
    assert float(w[0, 0, 3, 5]) == pytest.approx(float(h[3] * h[5]), rel=1e-6)


def test_decode_reads_size_and_offset_at_peak():
    score, size, offset = _maps()
    score[0, 0, 5, 9] = 0.9
    size[0, :, 5, 9] = torch.tensor([0.3, 0.2])
    offset[0, :, 5, 9] = torch.tensor([0.25, 0.5])
    boxes, conf = decode_boxes(score, size, offset)
    assert boxes.shape == (1, 4) and conf.shape == (1,)
    assert boxes[0].tolist() == pytest.approx([(9 + 0.25) / 16, (5 + 0.5) / 16, 0.3, 0.2])
    assert float(conf[0]) == pytest.approx(0.9)


def test_window_moves_peak_away_from_border_and_confidence_is_raw_score():
    score, size, offset = _maps()
    score[0, 0, 0, 0] = 0.95
    score[0, 0, 8, 7] = 0.6
    boxes, conf = decode_boxes(score, size, offset)
    assert boxes[0, :2].tolist() == pytest.approx([0.0, 0.0])
    boxes, conf = decode_boxes(score, size, offset, window=hann2d(16))
    assert boxes[0, :2].tolist() == pytest.approx([7 / 16, 8 / 16])
    assert float(conf[0]) == pytest.approx(0.6)


def test_decode_numpy_batch_and_window_shapes():
    score, size, offset = _maps()
    score = score.repeat(2, 1, 1, 1)
    size, offset = size.repeat(2, 1, 1, 1), offset.repeat(2, 1, 1, 1)
    score[1, 0, 2, 3] = 0.8
    score[0, 0, 10, 11] = 0.7
    boxes, conf = decode_boxes(score.numpy(), size.numpy(), offset.numpy(), window=hann2d(16)[0, 0].numpy())
    assert isinstance(boxes, np.ndarray) and boxes.shape == (2, 4)
    assert boxes[0, :2] == pytest.approx([11 / 16, 10 / 16])
    assert boxes[1, :2] == pytest.approx([3 / 16, 2 / 16])
    assert conf == pytest.approx([0.7, 0.8])


def test_boxes_from_maps_at_given_indices_is_differentiable():
    score, size, offset = _maps(8)
    size.requires_grad_(True)
    index = torch.tensor([3 * 8 + 6])
    boxes, scores = boxes_from_maps_at(score, size, offset, index)
    assert boxes[0].tolist() == pytest.approx([6 / 8, 3 / 8, 0.01, 0.01])
    boxes.sum().backward()
    assert float(size.grad[0, 0, 3, 6]) == 1.0 and float(size.grad.sum()) == 2.0


def test_center_head_shapes_ranges_and_names():
    head = CenterHead(24, (16, 8)).eval().requires_grad_(False)
    score, size, offset = head(torch.randn(2, 24, 16, 16) * 50)
    assert score.shape == (2, 1, 16, 16) and size.shape == (2, 2, 16, 16) and offset.shape == (2, 2, 16, 16)
    assert bool(score.min() >= torch.tensor(1e-4)) and bool(score.max() <= torch.tensor(1 - 1e-4))
    names = set(head.state_dict())
    assert {"conv1_ctr.0.weight", "conv2_size.1.running_var", "conv3_offset.weight"} <= names
