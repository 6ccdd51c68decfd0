"""Fine-tuning items (``core.distillation.dataset.Item``) as tensors: one field stacked
(:func:`stack`) and the batch the student and the losses read (:func:`batch`)."""
from __future__ import annotations

import numpy as np
import torch

from core.distillation.dataset import Item, normalized


def stack(items: list[Item], name: str) -> torch.Tensor:
    """(N, ...) float32: the field ``name`` of each item."""
    return torch.from_numpy(np.stack([getattr(item, name) for item in items]).astype(np.float32))


def batch(items: list[Item], device: torch.device | str = "cpu") -> dict[str, torch.Tensor]:
    """z_v / z_t (N,3,Z,Z), x_v / x_t (N,3,X,X), box (N,4) cx, cy, w, h in search-crop units,
    heatmap (N,1,F,F), teacher_score / teacher_size / teacher_offset as stored, absent (N,) bool;
    on ``device``. Crops stored as uint8 are normalised here (``dataset.normalized``)."""
    items = [normalized(item) for item in items]
    batch = {
        "z_v": stack(items, "z_v"),
        "z_t": stack(items, "z_t"),
        "x_v": stack(items, "x_v"),
        "x_t": stack(items, "x_t"),
        "box": stack(items, "target"),
        "heatmap": stack(items, "heatmap"),
        "teacher_score": stack(items, "teacher_score"),
        "teacher_size": stack(items, "teacher_size"),
        "teacher_offset": stack(items, "teacher_offset"),
        "absent": torch.tensor([item.absent for item in items], dtype=torch.bool),
    }
    return {key: value.to(device) for key, value in batch.items()}
