"""Scoring the student on the held-out items, as the tracker decodes (Hann window): the
numbers that say whether fine-tuning made it better on frames it did not train on."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.distillation.dataset import Item
from core.distillation.item_tensors import batch as items_batch
from core.models.correlation_prior import stem_features
from core.models.head import decode_boxes, hann2d

SUCCESS_THRESHOLDS = np.linspace(0.0, 1.0, 21)


@dataclass(frozen=True)
class HeldOutScore:
    """Scores on held-out items: mean IoU and success (mean over IoU thresholds 0:0.05:1
    with ``>``, the LasHeR SR rule) of the decoded box against the label, in crop units."""

    items: int
    mean_iou: float
    success: float


def iou_cxcywh(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N,) IoU of boxes ``a`` and ``b`` (N,4), both cx, cy, w, h."""
    from core.geometry import cxcywh_to_xywh, iou

    return iou(cxcywh_to_xywh(a), cxcywh_to_xywh(b))


#: most bytes of stem features a :class:`StemFeatures` keeps (about 100 KB an item at the bundled
#: student's crop sides: the first 1,300 or so held-out items; the rest are computed each time)
STEM_FEATURES_BYTES = 128 * 2**20


class StemFeatures:
    """The frozen stem's features of the held-out batches, kept by the first
    :func:`score_held_out` that computes them and read by the next: a fine-tune whose stem is
    frozen (``FinetuneConfig.freeze_stem``) scores before and after with the same ones. For one
    list of items and one batch size; ``stem``: the stem module (``features`` and ``proj``)."""

    def __init__(self, stem: torch.nn.Module, limit_bytes: int = STEM_FEATURES_BYTES):
        self.stem = stem
        self.limit_bytes = limit_bytes
        self.kept: dict[tuple[int, int], tuple[torch.Tensor, torch.Tensor]] = {}
        self.bytes = 0

    def of(self, start: int, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """``(zf, xf)`` of the held-out batch that begins at item ``start``."""
        key = (start, int(batch["z_v"].shape[0]))
        found = self.kept.get(key)
        if found is not None:
            return found
        made = stem_features(self.stem, batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
        size = sum(t.numel() * t.element_size() for t in made)
        if self.bytes + size <= self.limit_bytes:
            self.kept[key] = made
            self.bytes += size
        return made


@torch.inference_mode()
def score_held_out(model: torch.nn.Module, items: list[Item], batch_size: int = 32,
                   stem: StemFeatures | None = None) -> HeldOutScore:
    """Decode the model on ``items`` as the tracker does (Hann-windowed peak) and score it
    (negatives, ``absent`` items, have no box to score and are left out). ``stem``: the stem
    features of ``model`` on these items, kept from an earlier call (the stem is the same)."""
    items = [item for item in items if not item.absent]
    if not items:
        return HeldOutScore(0, float("nan"), float("nan"))
    model.eval()
    device = next(model.parameters()).device
    ious = []
    window = None
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        batch = items_batch(chunk, device)
        crops = (batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
        if stem is None:
            score, size, offset, _ = model(*crops)
        else:
            score, size, offset, _ = model(*crops, stem_features=stem.of(start, batch))
        if window is None:
            window = hann2d(score.shape[-1]).to(score)
        boxes, _ = decode_boxes(score, size, offset, window)
        ious.append(iou_cxcywh(boxes.float().cpu().numpy().astype(np.float64),
                                    batch["box"].cpu().numpy().astype(np.float64)))
    iou = np.concatenate(ious)
    success = float(np.mean([(iou > t).mean() for t in SUCCESS_THRESHOLDS]))
    return HeldOutScore(len(items), float(iou.mean()), success)
