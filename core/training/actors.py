"""Actors: one training forward pass and its loss, as ``nn.Module`` (DDP wraps the actor).

``actor(batch) -> (loss scalar tensor, stats dict of floats)``; batch as in
``core.training.loader``. :class:`TaskActor` trains one network on the task loss.
:class:`DistillationActor` trains the student against a frozen teacher (eval mode,
no gradients) plus the task loss, each term weighted by ``DistillConfig``; a weight of 0
switches the term off (its computation is skipped). ``trainable_module`` is what the
optimiser updates and what checkpoints save (the student; the adapter is saved in the
training state).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from core.errors import ConfigError
from core.models.head import boxes_from_maps_at
from core.training.config import DistillConfig, LossConfig
from core.training.losses import cxcywh_to_xyxy, giou_loss, peak_index, positive_pairs, task_loss


def _inputs(batch):
    return batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"]


class TaskActor(nn.Module):
    """model: a tracking network (forward contract); loss: task-loss weights."""

    def __init__(self, model: nn.Module, loss: LossConfig):
        super().__init__()
        self.model = model
        self.loss_config = loss

    @property
    def trainable_module(self) -> nn.Module:
        return self.model

    def forward(self, batch: dict[str, torch.Tensor]):
        outputs = self.model(*_inputs(batch))
        total, stats = task_loss(outputs, batch, self.loss_config)
        stats["loss"] = float(total.detach())
        return total, stats


def score_logits(score: torch.Tensor) -> torch.Tensor:
    """Inverse sigmoid of a clamped probability map."""
    score = score.float().clamp(1e-4, 1 - 1e-4)
    return torch.log(score) - torch.log1p(-score)


def geometry_mismatch(teacher_config, student_config, distill: DistillConfig) -> str | None:
    """Why a teacher of ``teacher_config`` cannot be distilled into a student of
    ``student_config`` (None when it can): the crops must be the same (both networks read
    one batch), and the score maps of the same side F when a response term (``score``,
    ``box_l1``, ``box_giou``) compares them cell by cell (the feature term resizes)."""
    tc, sc = teacher_config, student_config
    for name in ("template_size", "search_size", "template_factor", "search_factor"):
        if getattr(tc, name) != getattr(sc, name):
            return (f"distillation needs the same crop geometry: teacher {name}={getattr(tc, name)}, "
                    f"student {name}={getattr(sc, name)}")
    responses = [name for name in ("score", "box_l1", "box_giou") if getattr(distill, name) > 0]
    if responses and tc.feature_size != sc.feature_size:
        return (f"distillation compares the score maps cell by cell, and they differ: the teacher's is "
                f"{tc.feature_size}x{tc.feature_size} (search {tc.search_size} / stride {tc.patch_size}), the "
                f"student's {sc.feature_size}x{sc.feature_size} (stride {sc.patch_size}); give both the same "
                f"stride, or set distill {', '.join(responses)} to 0 (the feature term alone resizes)")
    return None


class DistillationActor(nn.Module):
    """teacher: frozen network; student: trained network (same crop geometry);
    distill: term weights; loss: the task loss inside the ``task`` term.

    Negative pairs (``batch["positive"]`` 0, ``sampler.negative_share``) take the task
    loss and the feature term, but not the response terms: a teacher trained without
    negative pairs answers them with a peak on the other object, which the student must
    not copy."""

    def __init__(self, teacher: nn.Module, student: nn.Module, distill: DistillConfig, loss: LossConfig):
        super().__init__()
        tc, sc = teacher.config, student.config
        problem = geometry_mismatch(tc, sc, distill)
        if problem is not None:
            raise ConfigError(problem)
        self.teacher = teacher.eval()
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        self.student = student
        self.distill = distill
        self.loss_config = loss
        self.adapter = nn.Conv2d(sc.feature_dim, tc.feature_dim, 1) if distill.feature > 0 else None

    @property
    def trainable_module(self) -> nn.Module:
        return self.student

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()
        return self

    def forward(self, batch: dict[str, torch.Tensor]):
        d = self.distill
        with torch.no_grad():
            t_score, t_size, t_offset, t_feat = (o.float() for o in self.teacher(*_inputs(batch)))
        outputs = self.student(*_inputs(batch))
        s_score, s_size, s_offset, s_feat = outputs
        total = s_score.new_zeros(())
        stats: dict[str, float] = {}
        if d.task > 0:
            task, parts = task_loss(outputs, batch, self.loss_config)
            total = total + d.task * task
            stats.update(parts)
            stats["task"] = float(task.detach())
        if d.feature > 0:
            feat = self.adapter(s_feat.float())
            if feat.shape[-2:] != t_feat.shape[-2:]:
                feat = F.interpolate(feat, size=t_feat.shape[-2:], mode="bilinear", align_corners=False)
            l_feat = F.mse_loss(feat, t_feat)
            total = total + d.feature * l_feat
            stats["kd_feature"] = float(l_feat.detach())
        student_maps, teacher_maps = (s_score, s_size, s_offset), (t_score, t_size, t_offset)
        keep = positive_pairs(batch)
        if keep is not None:
            student_maps = tuple(m[keep] for m in student_maps)
            teacher_maps = tuple(m[keep] for m in teacher_maps)
        if len(student_maps[0]):
            kd, kd_stats = response_distillation(student_maps, teacher_maps, d)
            total = total + kd
            stats.update(kd_stats)
        stats["loss"] = float(total.detach())
        return total, stats


def response_distillation(student_maps, teacher_maps, d: DistillConfig) -> tuple[torch.Tensor, dict[str, float]]:
    """Score-map and box distillation terms (weights from ``d``; 0 switches a term off).

    student_maps / teacher_maps: (score (B,1,F,F), size (B,2,F,F), offset (B,2,F,F)); the
    teacher's may be live outputs or maps stored in a distillation file. Score: per-pixel
    BCE against the teacher's map (``bce``) or temperature-scaled KL of the spatial
    softmax (``kl``). Box: the student's box read at the teacher's peak vs the teacher's
    box there (L1 and GIoU on normalised x1y1x2y2). Returns (weighted sum, stats).
    """
    s_score, s_size, s_offset = (m.float() for m in student_maps)
    t_score, t_size, t_offset = (m.float() for m in teacher_maps)
    total = s_score.new_zeros(())
    stats: dict[str, float] = {}
    if d.score > 0:
        if d.score_mode == "bce":
            # written out: F.binary_cross_entropy refuses to run under CUDA autocast
            p, t = s_score.clamp(1e-4, 1 - 1e-4), t_score.clamp(0, 1)
            l_score = -(t * torch.log(p) + (1 - t) * torch.log1p(-p)).mean()
        else:
            b = s_score.shape[0]
            temp = d.temperature
            log_p = F.log_softmax(score_logits(s_score).reshape(b, -1) / temp, dim=1)
            q = F.softmax(score_logits(t_score).reshape(b, -1) / temp, dim=1)
            l_score = F.kl_div(log_p, q, reduction="batchmean") * temp * temp
        total = total + d.score * l_score
        stats["kd_score"] = float(l_score.detach())
    if d.box_l1 > 0 or d.box_giou > 0:
        index = peak_index(t_score)
        t_box, _ = boxes_from_maps_at(t_score, t_size, t_offset, index)
        s_box, _ = boxes_from_maps_at(s_score, s_size, s_offset, index)
        t_xyxy, s_xyxy = cxcywh_to_xyxy(t_box), cxcywh_to_xyxy(s_box)
        if d.box_l1 > 0:
            l_box = F.l1_loss(s_xyxy, t_xyxy)
            total = total + d.box_l1 * l_box
            stats["kd_box_l1"] = float(l_box.detach())
        if d.box_giou > 0:
            l_g, _ = giou_loss(s_xyxy, t_xyxy)
            total = total + d.box_giou * l_g
            stats["kd_box_giou"] = float(l_g.detach())
    return total, stats
