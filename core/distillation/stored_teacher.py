"""The fine-tuning loss against the teacher maps stored in the distillation files (no
teacher runs): the label loss plus the training actors' response terms
(:func:`stored_teacher_loss`), and how well the stored teacher agrees with each label
(:func:`teacher_agreement`: where the user corrected the teacher, its maps teach the mistake)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from core.distillation.dataset import Item
from core.distillation.held_out import iou_cxcywh
from core.distillation.item_tensors import stack
from core.models.head import decode_boxes
from core.training.actors import response_distillation
from core.training.config import DistillConfig, LossConfig
from core.training.losses import focal_loss, task_loss

if TYPE_CHECKING:
    from core.distillation.finetune import FinetuneConfig


def stored_teacher_loss(outputs, batch, config: FinetuneConfig, loss: LossConfig,
                        kd_rows: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
    """Label loss plus distillation against the stored teacher maps: the training actors'
    response terms (``core.training.actors.response_distillation``: score-map BCE, the
    student's box at the teacher's peak vs the teacher's box), without feature imitation
    (teacher features are not stored). kd_rows: (B,) bool, the rows distilled (all when
    None; no distillation when none is set). Negatives (``batch["absent"]``) take only the
    focal term against their all-zero heatmap: no box, no distillation."""
    total = outputs[0].new_zeros(())
    stats: dict[str, float] = {}
    absent = batch.get("absent")
    if absent is None:
        absent = torch.zeros(outputs[0].shape[0], dtype=torch.bool, device=outputs[0].device)
    present = ~absent
    if config.task > 0 and bool(present.any()):
        present_outputs = tuple(o[present] for o in outputs[:3]) + (None,)
        task, parts = task_loss(present_outputs, {k: v[present] for k, v in batch.items()}, loss)
        if bool(absent.any()):  # negatives add to the focal term (CenterNet: sum / number of peaks)
            focal_all = focal_loss(outputs[0], batch["heatmap"])
            focal_present = focal_loss(outputs[0][present], batch["heatmap"][present])
            task = task + loss.focal * (focal_all - focal_present)
            parts["focal"] = float(focal_all.detach())
        total = total + config.task * task
        stats.update(parts)
    kd_rows = present if kd_rows is None else kd_rows & present
    terms = DistillConfig(feature=0.0, score=config.score, score_mode="bce", box_l1=config.box_l1,
                          box_giou=config.box_giou, task=config.task)
    student_maps = tuple(m[kd_rows] for m in outputs[:3])
    teacher_maps = tuple(batch[key][kd_rows] for key in ("teacher_score", "teacher_size", "teacher_offset"))
    if student_maps[0].shape[0] > 0:
        kd, kd_stats = response_distillation(student_maps, teacher_maps, terms)
        total = total + kd
        stats.update(kd_stats)
    stats["loss"] = float(total.detach())
    return total, stats


def teacher_agreement(items: list[Item], batch_size: int = 64) -> np.ndarray:
    """(N,) IoU between the box decoded from each item's stored teacher maps (plain peak)
    and its label, both in search-crop units (0 for negatives)."""
    ious = []
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        score, size, offset = (stack(chunk, name) for name in ("teacher_score", "teacher_size", "teacher_offset"))
        boxes, _ = decode_boxes(score, size, offset)
        targets = np.stack([item.target for item in chunk]).astype(np.float64)
        agreement = iou_cxcywh(boxes.numpy().astype(np.float64), targets)
        agreement[[item.absent for item in chunk]] = 0.0
        ious.append(agreement)
    return np.concatenate(ious) if ious else np.zeros(0)
