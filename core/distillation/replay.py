"""Rehearsal while fine-tuning: keep the student good at what it already did well.

A few annotated sequences of one hard case are a narrow diet; fine-tuned on them alone,
the student drifts away from everything else (catastrophic forgetting). A
:class:`ReplayStream` mixes in pairs from the synthetic training stream (all challenge
families, the bundled models' training distribution, rendered on the fly: nothing to
download or store) with two kinds of target:

- their exact labels (box and heatmap), like any training pair;
- the *initial* student's own outputs on them as soft targets (self-distillation, as in
  "learning without forgetting"): where the student was right before, it stays so.

Each replay batch is a dict of tensors with the keys of a fine-tuning batch
(``core.distillation.finetune``), its ``teacher_*`` maps coming from the frozen initial
student.
"""
from __future__ import annotations

import copy
import math

import numpy as np
import torch

from core.models.correlation_prior import stem_features
from core.training.config import ProcessingConfig, SamplerConfig
from core.training.processing import CropSpec, Processing
from core.training.sampler import PairSampler
from core.training.sources import SyntheticSource

#: the augmentation the bundled student was trained with (configs/student_kd_bundled.json)
REPLAY_PROCESSING = ProcessingConfig(dark_visible=0.1, thermal_flat=0.1, drop_modality=0.1, thermal_as_visible=0.2)


def replay_rows_at(step: int, batch_size: int, replay: float) -> int:
    """Rehearsal rows of fine-tuning batch ``step`` (1-based) of ``batch_size`` rows at the
    rehearsed share ``replay``: the rows of steps 1..step add up to ``batch_size * replay *
    step`` rounded half up, so over a run the share is ``replay`` even where one batch
    cannot hold it (a batch of 1, or ``batch_size * replay`` under 0.5, rounded to 0 rows
    per batch and switched rehearsal off). A batch of 2 or more keeps at least one
    annotated row (at most ``batch_size - 1`` rehearsed); a batch of 1 is either."""
    if replay <= 0:
        return 0
    share = batch_size * replay
    rows = math.floor(step * share + 0.5) - math.floor((step - 1) * share + 0.5)
    return rows if batch_size == 1 else min(rows, batch_size - 1)


class ReplayStream:
    """Synthetic training pairs with the frozen ``initial_model``'s maps as soft targets.

    initial_model: the student before fine-tuning (copied and frozen here, on its device;
    batches come on that device); seed: the stream's seed (rehearsal is reproducible).
    """

    def __init__(self, initial_model: torch.nn.Module, seed: int = 0):
        self.frozen = copy.deepcopy(initial_model).eval()
        for param in self.frozen.parameters():
            param.requires_grad_(False)
        spec = CropSpec.of(initial_model.config)
        self.sampler = PairSampler([SyntheticSource(seed=seed, pool=16, refresh_steps=10)], [1.0], SamplerConfig())
        self.processing = Processing(REPLAY_PROCESSING, spec)
        self.rng = np.random.default_rng([seed, 0x2E91A7])

    def batch(self, size: int, step: int, *, features: bool = False):
        """``size`` processed pairs: z_v, z_t (B,3,Z,Z); x_v, x_t (B,3,X,X); box (B,4)
        cx, cy, w, h crop units; heatmap (B,1,F,F); teacher_score/size/offset: the frozen
        initial student's maps; absent (B,) bool, all False.

        ``features``: return ``(batch, stem)`` with ``stem`` the frozen stem's features of the
        crops (``core.models.correlation_prior.stem_features``, computed for the maps anyway):
        a fine-tune whose stem is frozen reuses them (its stem is this one) instead of running
        the stem on these rows again. Tensors made without autograd (``no_grad``, not
        ``inference_mode``: the fine-tune's graph reads the features)."""
        samples = [self.processing(self.sampler.sample(self.rng, step), self.rng) for _ in range(size)]
        device = next(self.frozen.parameters()).device
        batch = {key: torch.from_numpy(np.stack([s[key] for s in samples]).astype(np.float32)).to(device)
                 for key in ("z_v", "z_t", "x_v", "x_t", "box", "heatmap")}
        crops = (batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
        stem = None
        with torch.no_grad():
            if features:
                stem = stem_features(self.frozen.backbone.patch_embed, *crops)
                score, size_map, offset, _ = self.frozen(*crops, stem_features=stem)
            else:
                score, size_map, offset, _ = self.frozen(*crops)
        batch["teacher_score"] = score
        batch["teacher_size"] = size_map
        batch["teacher_offset"] = offset
        batch["absent"] = torch.zeros(size, dtype=torch.bool, device=device)
        return (batch, stem) if features else batch
