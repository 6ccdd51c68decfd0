import math

import pytest
import torch

from core.training.config import LossConfig
from core.training.losses import cxcywh_to_xyxy, focal_loss, giou, gt_index, task_loss


def test_focal_loss_hand_case():
    pred = torch.tensor([[[[0.8, 0.1], [0.2, 0.5]]]])
    target = torch.tensor([[[[1.0, 0.0], [0.0, 0.5]]]])
    pos = -math.log(0.8) * 0.2 ** 2
    neg = -(math.log(0.9) * 0.01 + math.log(0.8) * 0.04 + math.log(0.5) * 0.25 * 0.5 ** 4)
    assert float(focal_loss(pred, target)) == pytest.approx(pos + neg, rel=1e-5)


def test_focal_loss_without_peaks_is_the_negative_part():
    pred = torch.full((1, 1, 2, 2), 0.5)
    assert float(focal_loss(pred, torch.zeros(1, 1, 2, 2))) == pytest.approx(-4 * math.log(0.5) * 0.25, rel=1e-5)


def test_giou_hand_cases():
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    g, iou = giou(a, a)
    assert float(g) == pytest.approx(1.0) and float(iou) == pytest.approx(1.0)
    g, iou = giou(a, torch.tensor([[1.0, 0.0, 3.0, 2.0]]))  # half overlap: IoU 2/6, hull = union
    assert float(iou) == pytest.approx(1 / 3) and float(g) == pytest.approx(1 / 3)
    g, iou = giou(a, torch.tensor([[3.0, 0.0, 5.0, 2.0]]))  # disjoint: hull 10, union 8
    assert float(iou) == 0.0 and float(g) == pytest.approx(-0.2)


def test_task_loss_is_zero_box_loss_for_a_perfect_prediction_at_the_gt_cell():
    f = 4
    box = torch.tensor([[0.6, 0.35, 0.3, 0.2]])
    index = gt_index(box, f)
    assert int(index) == 1 * f + 2
    score = torch.full((1, 1, f, f), 1e-4)
    score.view(1, -1)[0, index] = 1 - 1e-4
    size = torch.zeros(1, 2, f, f)
    size[0, :, 1, 2] = torch.tensor([0.3, 0.2])
    offset = torch.zeros(1, 2, f, f)
    offset[0, :, 1, 2] = torch.tensor([0.6 * f - 2, 0.35 * f - 1])
    heatmap = torch.zeros(1, 1, f, f)
    heatmap[0, 0, 1, 2] = 1.0
    batch = {"box": box, "heatmap": heatmap}
    for box_at in ("peak", "gt"):
        total, stats = task_loss((score, size, offset, None), batch, LossConfig(box_at=box_at))
        assert stats["giou"] == pytest.approx(0.0, abs=1e-5) and stats["l1"] == pytest.approx(0.0, abs=1e-6)
        assert stats["iou"] == pytest.approx(1.0, abs=1e-5)
        assert float(total) < 0.01
    wrong = offset.clone()
    wrong[0, 0, 1, 2] += 0.5
    _, stats = task_loss((score, size, wrong, None), batch, LossConfig())
    assert stats["l1"] == pytest.approx(0.5 * 0.5 / f, rel=1e-4)  # x1 and x2 both off by 0.125 -> mean over 4


def test_cxcywh_to_xyxy():
    torch.testing.assert_close(cxcywh_to_xyxy(torch.tensor([[0.5, 0.5, 0.2, 0.4]])), torch.tensor([[0.4, 0.3, 0.6, 0.7]]))
