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

from core.models.layers import map_to_tokens

PRIOR_CHANNELS = 2


def embed_both_modalities(patch_embed: nn.Module, prior: CorrelationPrior | None, z_v, z_t, x_v, x_t,
                          features: tuple[torch.Tensor, torch.Tensor] | None = None):
    """One stem call per crop size for both modalities (same weights).

    Returns ``(z (2B, Nz, C), x (2B, Nx, C), prior (B, 2, F, F) or None)``: template and
    search tokens, visible batch first; with ``prior`` the stem's features are computed
    once and serve both its projection and the correlation prior. ``features``: ``(zf, xf)``,
    what :func:`stem_features` gives for these crops, computed before (a fine-tune whose
    stem is frozen computes them off the training graph, once for two models); a stem with
    a ``proj`` after its ``features`` only (``EfficientNetStem``).
    """
    b = z_v.shape[0]
    if features is not None:
        zf, xf = features
    else:
        z_in, x_in = torch.cat([z_v, z_t], dim=0), torch.cat([x_v, x_t], dim=0)
        if prior is None:
            return map_to_tokens(patch_embed(z_in)), map_to_tokens(patch_embed(x_in)), None
        zf, xf = patch_embed.features(z_in), patch_embed.features(x_in)
    made = None if prior is None else prior(zf, xf, b)
    return map_to_tokens(patch_embed.proj(zf)), map_to_tokens(patch_embed.proj(xf)), made


def stem_features(patch_embed: nn.Module, z_v, z_t, x_v, x_t) -> tuple[torch.Tensor, torch.Tensor]:
    """``(zf (2B, C', Hz, Hz), xf (2B, C', F, F))``: the stem's features before its projection,
    visible batch first, as :func:`embed_both_modalities` computes them (``features``)."""
    return patch_embed.features(torch.cat([z_v, z_t], dim=0)), patch_embed.features(torch.cat([x_v, x_t], dim=0))


def head_input(feature: torch.Tensor, prior: torch.Tensor | None) -> torch.Tensor:
    """The head's input: the search feature map (B, C, F, F), with the prior's two maps
    appended on channels when there is one."""
    return feature if prior is None else torch.cat([feature, prior], dim=1)


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
