"""One-stream student: early fusion of visible and thermal, one ViT pass, center head.

Design (reasons in ``docs/models.md``): both modalities go through the *shared* stem
(one batched call), their tokens are mixed per position by a light layer (``linear``:
``Linear(2C -> C)`` on [visible; thermal], initialised to the mean of the two; or
``sum``), positional embeddings are added, and one ViT runs joint attention over the
Nz + Nx = 64 + 256 tokens. The final-norm search tokens, as a (B,C,F,F) map, feed the
head and are returned as ``search_feature``. No prompters, no second stream, no fusion
conv. With ``correlation_prior`` the head also reads the per-modality normalised
cross-correlation of the frozen stem features (``core.models.correlation_prior``): a
matching prior that needs no training. Parameter names follow OSTrack (``backbone.patch_embed.proj``,
``backbone.pos_embed_{z,x}``, ``backbone.blocks.N``, ``backbone.norm``, ``box_head``)
so OSTrack ViT-B weights map onto the paper-scale student.
"""
from __future__ import annotations

import torch
from torch import nn

from core.models.config import StudentConfig
from core.models.correlation_prior import CorrelationPrior, embed_both_modalities, head_input
from core.models.head import CenterHead
from core.models.layers import (
    Block,
    drop_path_rates,
    init_vit_weights,
    layer_norm,
    tokens_to_map,
)
from core.models.stem import build_stem


class OneStreamBackbone(nn.Module):
    """``forward(z_v, z_t, x_v, x_t) -> tokens (B, Nz+Nx, C)`` after the final norm."""

    def __init__(self, cfg: StudentConfig, pretrained_stem: bool):
        super().__init__()
        c = cfg.dim
        self.nz = cfg.template_feature_size ** 2
        self.mode = cfg.fusion
        self.patch_embed = build_stem(cfg.stem, c, cfg.patch_size, False)
        self.correlation_prior = (CorrelationPrior(cfg.template_feature_size) if cfg.correlation_prior else None)
        if cfg.fusion == "linear":
            self.fusion = nn.Linear(2 * c, c)
        self.pos_embed_z = nn.Parameter(torch.zeros(1, self.nz, c))
        self.pos_embed_x = nn.Parameter(torch.zeros(1, cfg.feature_size ** 2, c))
        rates = drop_path_rates(cfg.drop_path, cfg.depth)
        self.blocks = nn.ModuleList(
            Block(c, cfg.num_heads, cfg.mlp_ratio, cfg.qkv_bias, rates[i]) for i in range(cfg.depth))
        self.norm = layer_norm(c)
        self.apply(init_vit_weights)
        nn.init.trunc_normal_(self.pos_embed_z, std=0.02)
        nn.init.trunc_normal_(self.pos_embed_x, std=0.02)
        if cfg.fusion == "linear":
            eye = torch.eye(c)
            with torch.no_grad():
                self.fusion.weight.copy_(torch.cat([0.5 * eye, 0.5 * eye], dim=1))
                self.fusion.bias.zero_()
        if pretrained_stem and cfg.stem == "efficientnet_lite0":
            self.patch_embed.load_pretrained()

    def _fuse(self, visible: torch.Tensor, thermal: torch.Tensor) -> torch.Tensor:
        if self.mode == "linear":
            return self.fusion(torch.cat([visible, thermal], dim=-1))
        return visible + thermal

    def forward(self, z_v, z_t, x_v, x_t) -> torch.Tensor:
        return self.forward_with_prior(z_v, z_t, x_v, x_t)[0]

    def forward_with_prior(self, z_v, z_t, x_v, x_t, stem_features=None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(tokens (B, Nz+Nx, C) after the final norm, prior (B, 2, F, F) or None).
        ``stem_features``: see ``core.models.correlation_prior.embed_both_modalities``."""
        b = z_v.shape[0]
        z, x, prior = embed_both_modalities(self.patch_embed, self.correlation_prior, z_v, z_t, x_v, x_t,
                                            stem_features)
        z = self._fuse(z[:b], z[b:]) + self.pos_embed_z
        x = self._fuse(x[:b], x[b:]) + self.pos_embed_x
        tokens = torch.cat([z, x], dim=1)
        for block in self.blocks:
            tokens = block(tokens)
        return self.norm(tokens), prior


class OneStreamStudent(nn.Module):
    """The student tracker: :class:`OneStreamBackbone` + center head."""

    FACTORY = "student"

    def __init__(self, config: StudentConfig, *, pretrained_stem: bool | None = None):
        super().__init__()
        self.config = config
        load_stem = config.pretrained_stem if pretrained_stem is None else pretrained_stem
        self.backbone = OneStreamBackbone(config, load_stem)
        self.box_head = CenterHead(config.head_in_channels, config.head_widths)

    def forward(self, template_visible: torch.Tensor, template_thermal: torch.Tensor,
                search_visible: torch.Tensor, search_thermal: torch.Tensor, stem_features=None):
        """``stem_features``: the EfficientNet stem's features of these crops, computed before
        (``core.models.correlation_prior.stem_features``; the fine-tune's frozen stem), or None."""
        tokens, prior = self.backbone.forward_with_prior(template_visible, template_thermal, search_visible,
                                                         search_thermal, stem_features)
        feature = tokens_to_map(tokens[:, self.backbone.nz:], self.config.feature_size)
        score, size, offset = self.box_head(head_input(feature, prior))
        return score, size, offset, feature
