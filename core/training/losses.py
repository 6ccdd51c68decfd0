"""Losses (``tracker.md`` section 1, OSTrack): CenterNet focal loss on the score map,
GIoU and L1 on normalised x1y1x2y2 boxes.

Boxes here are torch ``(B, 4)``: ``cxcywh`` in crop units or ``xyxy`` (normalised).
"""
from __future__ import annotations

import torch

from core.models.head import boxes_from_maps_at
from core.training.config import LossConfig


def cxcywh_to_xyxy(boxes: torch.Tensor) -> torch.Tensor:
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)


def focal_loss(pred: torch.Tensor, target: torch.Tensor, alpha: float = 2.0, beta: float = 4.0) -> torch.Tensor:
    """CenterNet focal loss. pred, target: (B,1,F,F) in (0,1); target peaks are exactly 1.
    Sum over the batch divided by the number of peaks (the negative sum alone when none)."""
    pred = pred.float().clamp(1e-6, 1 - 1e-6)
    target = target.float()
    pos = target.eq(1).float()
    neg = 1.0 - pos
    neg_weights = torch.pow(1 - target, beta)
    pos_loss = (torch.log(pred) * torch.pow(1 - pred, alpha) * pos).sum()
    neg_loss = (torch.log(1 - pred) * torch.pow(pred, alpha) * neg_weights * neg).sum()
    num_pos = pos.sum()
    if num_pos == 0:
        return -neg_loss
    return -(pos_loss + neg_loss) / num_pos


def giou(boxes1: torch.Tensor, boxes2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(GIoU (B,), IoU (B,)) of paired xyxy boxes."""
    area1 = (boxes1[:, 2] - boxes1[:, 0]).clamp(min=0) * (boxes1[:, 3] - boxes1[:, 1]).clamp(min=0)
    area2 = (boxes2[:, 2] - boxes2[:, 0]).clamp(min=0) * (boxes2[:, 3] - boxes2[:, 1]).clamp(min=0)
    lt = torch.max(boxes1[:, :2], boxes2[:, :2])
    rb = torch.min(boxes1[:, 2:], boxes2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[:, 0] * wh[:, 1]
    union = area1 + area2 - inter
    iou = inter / union.clamp(min=1e-7)
    lt_c = torch.min(boxes1[:, :2], boxes2[:, :2])
    rb_c = torch.max(boxes1[:, 2:], boxes2[:, 2:])
    wh_c = (rb_c - lt_c).clamp(min=0)
    area_c = wh_c[:, 0] * wh_c[:, 1]
    return iou - (area_c - union) / area_c.clamp(min=1e-7), iou


def giou_loss(pred_xyxy: torch.Tensor, target_xyxy: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean 1 - GIoU, mean IoU detached)."""
    g, iou = giou(pred_xyxy, target_xyxy)
    return (1.0 - g).mean(), iou.detach().mean()


def peak_index(score: torch.Tensor) -> torch.Tensor:
    """(B,) flat argmax cell of a (B,1,F,F) map (no window, as OSTrack's training)."""
    return score.detach().reshape(score.shape[0], -1).argmax(dim=1)


def gt_index(boxes_cxcywh: torch.Tensor, feature_size: int) -> torch.Tensor:
    """(B,) flat cell ``iy * F + ix`` of normalised box centres (the heatmap peaks)."""
    f = feature_size
    ix = (boxes_cxcywh[:, 0] * f).floor().long().clamp(0, f - 1)
    iy = (boxes_cxcywh[:, 1] * f).floor().long().clamp(0, f - 1)
    return iy * f + ix


def positive_pairs(batch: dict[str, torch.Tensor]) -> torch.Tensor | None:
    """(B,) bool: the batch's positive pairs when it holds negative ones (``positive`` 0,
    ``sampler.negative_share``); None when every pair is positive or the batch has no
    ``positive`` entry."""
    positive = batch.get("positive")
    if positive is None or bool((positive > 0.5).all()):
        return None
    return positive > 0.5


def task_loss(outputs, batch: dict[str, torch.Tensor], config: LossConfig) -> tuple[torch.Tensor, dict[str, float]]:
    """Ground-truth loss ``focal*focal + giou*GIoU + l1*L1`` and its parts.

    outputs: the forward contract's tuple (score, size, offset, feature); batch needs
    ``heatmap`` (B,1,F,F) and ``box`` (B,4) cx,cy,w,h, and may hold ``positive`` (B,):
    0 marks a negative pair, which counts in the focal loss (its heatmap is all zeros)
    but not in the box losses; and ``shaped`` (B,): 0 marks a box whose width and height are
    not an object's (self-supervised): its box losses compare the centres at the prediction's
    own size, with no gradient into the size map, so they teach the centre only. The box is
    read at the predicted peak (``box_at="peak"``, OSTrack) or at the ground-truth cell
    (``"gt"``).
    """
    score, size, offset = (o.float() for o in outputs[:3])
    target = batch["box"].float()
    index = peak_index(score) if config.box_at == "peak" else gt_index(target, score.shape[-1])
    pred, _ = boxes_from_maps_at(score, size, offset, index)
    shaped = batch.get("shaped")
    if shaped is not None and bool((shaped < 0.5).any()):
        # a box whose shape is not an object's: compared at the prediction's own size, with no
        # gradient into it, so that only the centre is learned
        unshaped = (shaped < 0.5).to(target.device)[:, None]
        own = torch.cat([pred[:, :2], pred[:, 2:].detach()], dim=1)
        pred = torch.where(unshaped, own, pred)
        target = torch.where(unshaped, torch.cat([target[:, :2], pred[:, 2:].detach()], dim=1), target)
    pred_xyxy = cxcywh_to_xyxy(pred)
    target_xyxy = cxcywh_to_xyxy(target).clamp(0.0, 1.0)
    if not torch.isfinite(pred_xyxy).all():
        raise FloatingPointError("network produced non-finite boxes")
    keep = positive_pairs(batch)
    if keep is not None:
        pred_xyxy, target_xyxy = pred_xyxy[keep], target_xyxy[keep]
    if len(pred_xyxy):
        l_giou, iou = giou_loss(pred_xyxy, target_xyxy)
        l_l1 = torch.nn.functional.l1_loss(pred_xyxy, target_xyxy)
    else:  # a batch of negative pairs only
        l_giou = l_l1 = score.sum() * 0.0
        iou = torch.zeros(())
    l_focal = focal_loss(score, batch["heatmap"])
    total = config.focal * l_focal + config.giou * l_giou + config.l1 * l_l1
    stats = {"focal": float(l_focal.detach()), "giou": float(l_giou.detach()), "l1": float(l_l1.detach()),
             "iou": float(iou)}
    return total, stats
