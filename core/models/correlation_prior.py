"""A correlation prior beside attention: where the target's frozen ImageNet features match.

Siamese trackers generalise from ImageNet features because their matching is a fixed
operation (correlation) on those features; a ViT that learns to match from a few
thousand frames throws that knowledge away (issue 11: the frozen-feature correlation
floor beat the trained student on real footage, SR 0.45 vs 0.11). This module gives the
head that operation as an input: the **normalised cross-correlation** of the template's
target cells with every search cell, computed on the frozen stem's own features (before
its learned projection), one map per modality.

Geometry: an OSTrack template crop (factor 2) holds the target in its central half, so
the kernel is the central ``Hz/2 x Hz/2`` cells of the template map. The output has the
search map's size (zero padding, ``k/2`` before and ``k/2 - 1`` after for an even ``k``),
values in [-1, 1] (cosine similarity of the kernel and the window, 0 where the window is
all zero).

Shapes: ``forward(template_features (2B, C, Hz, Hz), search_features (2B, C, F, F), b)``,
with the visible batch first and the thermal batch second (the stem's batched call), ->
``(B, 2, F, F)`` float32 (channel 0 visible, 1 thermal). Implemented with shifted slices
and an average pool, so it exports to ONNX for any batch size.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

PRIOR_CHANNELS = 2


class CorrelationPrior(nn.Module):
    """Per-modality NCC map of the template's central cells over the search map (no parameters)."""

    def __init__(self, template_cells: int):
        super().__init__()
        self.kernel_cells = max(1, template_cells // 2)
        self.start = (template_cells - self.kernel_cells) // 2

    def forward(self, template_features: torch.Tensor, search_features: torch.Tensor, b: int) -> torch.Tensor:
        k, a = self.kernel_cells, self.start
        kernel = template_features[:, :, a:a + k, a:a + k]
        kernel = kernel / kernel.flatten(1).norm(dim=1).clamp_min(1e-6).view(-1, 1, 1, 1)
        before, after = k // 2, k - 1 - k // 2
        x = F.pad(search_features, (before, after, before, after))
        side_h, side_w = search_features.shape[-2:]
        numerator = torch.zeros_like(search_features[:, :1])
        for u in range(k):
            for v in range(k):
                window = x[:, :, u:u + side_h, v:v + side_w]
                numerator = numerator + (window * kernel[:, :, u:u + 1, v:v + 1]).sum(1, keepdim=True)
        energy = F.avg_pool2d((x * x).sum(1, keepdim=True), k, stride=1) * float(k * k)
        ncc = numerator / energy.clamp_min(1e-6).sqrt()
        return torch.cat([ncc[:b], ncc[b:]], dim=1)
