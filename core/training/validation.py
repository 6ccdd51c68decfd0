"""Held-out crop-level validation during training.

A fixed set of template/search pairs from synthetic sequences whose seeds start at
:data:`SEED_BASE` (above ``core.synthetic.TRAIN_SEED_LIMIT``, below ``EVAL_SEED_BASE``, so
disjoint from both the training stream and the benchmark's evaluation split). The search
crop keeps the training centre/scale jitter (else the target would always be centred)
but no flip, brightness or RGB-T augmentation. Metric: the IoU, in the search crop, of the
box decoded at the score peak (no window) against the ground truth; ``val_iou`` is its
mean and ``val_sr50`` the share above 0.5.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import torch
from torch import nn

from core.models.head import decode_boxes
from core.training.config import SamplerConfig, TrainConfig, ValidationConfig
from core.training.loader import collate
from core.training.losses import cxcywh_to_xyxy, giou
from core.training.processing import CropSpec, Processing
from core.training.sampler import PairSampler
from core.training.sources import SequenceEntry, TrainingSource, usable_frames

SEED_BASE = 2_000_000


class _FixedSynthetic(TrainingSource):
    def __init__(self, config: ValidationConfig):
        from core.synthetic import SyntheticSequence, sample_config

        self.entries = []
        for k in range(config.sequences):
            rng = np.random.default_rng([config.seed, k, 0xFA1])
            sequence = SyntheticSequence(sample_config(rng), SEED_BASE + 1000 * config.seed + k, cache_frames=2)
            self.entries.append(SequenceEntry(sequence.info.name, np.asarray(sequence.boxes),
                                              usable_frames(sequence.boxes, sequence.absent), lambda s=sequence: s))

    def draw(self, rng, step):
        return self.entries[int(rng.integers(len(self.entries)))]


def validation_batch(train_config: TrainConfig, spec: CropSpec) -> dict[str, torch.Tensor]:
    """The fixed validation pairs as one batch (deterministic from ``validation.seed``)."""
    vc = train_config.validation
    sampler = PairSampler([_FixedSynthetic(vc)], [1.0], SamplerConfig(max_gap=train_config.sampler.max_gap))
    processing_config = dataclasses.replace(train_config.processing, flip=0.0, brightness=0.0, dark_visible=0.0,
                                            thermal_flat=0.0, drop_modality=0.0)
    processing = Processing(processing_config, spec)
    items = []
    for i in range(vc.pairs):
        rng = np.random.default_rng([vc.seed, i, 0xFA1])
        items.append(processing(sampler.sample(rng, 0), rng))
    return collate(items)


@torch.no_grad()
def evaluate(model: nn.Module, batch: dict[str, torch.Tensor], *, chunk: int = 16) -> dict[str, float]:
    """{"val_iou", "val_sr50"} of ``model`` on a validation batch (model left in eval mode)."""
    was_training = model.training
    model.eval()
    ious = []
    try:
        device = next(model.parameters()).device
        n = batch["box"].shape[0]
        for start in range(0, n, chunk):
            part = {k: v[start:start + chunk].to(device) for k, v in batch.items()}
            score, size, offset, _ = model(part["z_v"], part["z_t"], part["x_v"], part["x_t"])
            boxes, _ = decode_boxes(score.float(), size.float(), offset.float())
            _, iou = giou(cxcywh_to_xyxy(boxes), cxcywh_to_xyxy(part["box"].float()))
            ious.append(iou.cpu())
    finally:
        model.train(was_training)
    iou = torch.cat(ious).numpy()
    return {"val_iou": float(iou.mean()), "val_sr50": float((iou > 0.5).mean())}
