"""MPLT teacher: two modality streams with shared ViT weights and mutual prompts.

``tracker.md`` section 2 and the released code (quirks in ``docs/models.md``). At paper
scale the parameter names and shapes equal the authors' (``backbone.*``,
``mplt_fuse_search.*``, ``box_head.*``: the 552 entries of ``mplt_state_dict.tsv``), so
the released checkpoint loads strict.

Forward contract: ``(template_visible, template_thermal, search_visible,
search_thermal)`` normalised float32 ``(B,3,Z,Z)``/``(B,3,X,X)`` -> ``(score (B,1,F,F),
size (B,2,F,F), offset (B,2,F,F), search_feature (B,C,F,F))``.
"""
from __future__ import annotations

import torch
from torch import nn

from core.models.config import TeacherConfig
from core.models.correlation_prior import CorrelationPrior, embed_both_modalities, head_input
from core.models.head import CenterHead
from core.models.layers import (
    Block,
    drop_path_rates,
    init_vit_weights,
    layer_norm,
    map_to_tokens,
    tokens_to_map,
)
from core.models.prompt import PromptBlock, PromptBlockInit
from core.models.stem import build_stem


class MPLTBackbone(nn.Module):
    """Shared ViT over two streams, prompters between blocks.

    ``forward(z_v, z_t, x_v, x_t) -> (visible tokens, thermal tokens)``, each
    (B, Nz + Nx, C) after the shared final norm, template tokens first.
    """

    def __init__(self, cfg: TeacherConfig, pretrained_stem: bool):
        super().__init__()
        c = cfg.dim
        self.nz_side = cfg.template_feature_size
        self.nx_side = cfg.feature_size
        self.nz = self.nz_side ** 2
        nx = self.nx_side ** 2
        if cfg.legacy_parameters:
            # Leftovers of the ImageNet ViT kept by the authors' checkpoints (never used).
            self.cls_token = nn.Parameter(torch.zeros(1, 1, c))
            self.pos_embed = nn.Parameter(torch.zeros(1, (224 // cfg.patch_size) ** 2 + 1, c))
        self.pos_embed_z = nn.Parameter(torch.zeros(1, self.nz, c))
        self.pos_embed_x = nn.Parameter(torch.zeros(1, nx, c))
        if cfg.legacy_parameters:
            self.pos_embed_x_last = nn.Parameter(torch.zeros(1, nx, c))
        self.patch_embed = build_stem(cfg.stem, c, cfg.patch_size, False)
        self.correlation_prior = (CorrelationPrior(cfg.template_feature_size) if cfg.correlation_prior else None)
        prompt = dict(reduction=cfg.prompt_reduction, kernel=cfg.prompt_kernel, temperature=cfg.fovea_temperature)
        # Index 0 of prompt_blocks(_rev) exists in the authors' model but is never called.
        self.prompt_blocks = nn.ModuleList(
            PromptBlock(c, authors_quirks=cfg.authors_quirks, **prompt) for _ in range(cfg.depth))
        self.prompt_blocks_rev = nn.ModuleList(
            PromptBlock(c, authors_quirks=cfg.authors_quirks, **prompt) for _ in range(cfg.depth))
        self.prompt_blocks_init = PromptBlockInit(c, **prompt)
        self.prompt_blocks_init_rev = PromptBlockInit(c, **prompt)
        self.prompt_norms = nn.ModuleList(layer_norm(c) for _ in range(cfg.depth))
        self.prompt_norms_rev = nn.ModuleList(layer_norm(c) for _ in range(cfg.depth))
        rates = drop_path_rates(cfg.drop_path, cfg.depth)
        self.blocks = nn.ModuleList(
            Block(c, cfg.num_heads, cfg.mlp_ratio, cfg.qkv_bias, rates[i]) for i in range(cfg.depth))
        self.norm = layer_norm(c)
        self.apply(init_vit_weights)
        nn.init.trunc_normal_(self.pos_embed_z, std=0.02)
        nn.init.trunc_normal_(self.pos_embed_x, std=0.02)
        if pretrained_stem and cfg.stem == "efficientnet_lite0":
            self.patch_embed.load_pretrained()

    def _maps(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return tokens_to_map(tokens[:, :self.nz], self.nz_side), tokens_to_map(tokens[:, self.nz:], self.nx_side)

    def forward(self, z_v: torch.Tensor, z_t: torch.Tensor, x_v: torch.Tensor, x_t: torch.Tensor):
        v, t, _ = self.forward_with_prior(z_v, z_t, x_v, x_t)
        return v, t

    def forward_with_prior(self, z_v, z_t, x_v, x_t):
        """(visible tokens, thermal tokens, prior (B, 2, F, F) or None)."""
        b = z_v.shape[0]
        z, x, prior = embed_both_modalities(self.patch_embed, self.correlation_prior, z_v, z_t, x_v, x_t)
        zv, zt, xv, xt = z[:b], z[b:], x[:b], x[b:]
        # Input-level prompts; the authors normalise all four with prompt_norms[0].
        n0 = self.prompt_norms[0]
        zv_m, zt_m = tokens_to_map(n0(zv), self.nz_side), tokens_to_map(n0(zt), self.nz_side)
        xv_m, xt_m = tokens_to_map(n0(xv), self.nx_side), tokens_to_map(n0(xt), self.nx_side)
        pz_v = map_to_tokens(self.prompt_blocks_init(torch.cat([zv_m, zt_m], dim=1)))
        px_v = map_to_tokens(self.prompt_blocks_init(torch.cat([xv_m, xt_m], dim=1)))
        pz_t = map_to_tokens(self.prompt_blocks_init_rev(torch.cat([zt_m, zv_m], dim=1)))
        px_t = map_to_tokens(self.prompt_blocks_init_rev(torch.cat([xt_m, xv_m], dim=1)))
        v = torch.cat([zv + pz_v + self.pos_embed_z, xv + px_v + self.pos_embed_x], dim=1)
        t = torch.cat([zt + pz_t + self.pos_embed_z, xt + px_t + self.pos_embed_x], dim=1)
        prompt_v = torch.cat([pz_v, px_v], dim=1)
        prompt_t = torch.cat([pz_t, px_t], dim=1)
        for i, block in enumerate(self.blocks):
            if i >= 1:
                prompt_v, prompt_t = self._layer_prompts(i, v, t, prompt_v, prompt_t)
                v = v + prompt_v
                t = t + prompt_t
            both = block(torch.cat([v, t], dim=0))
            v, t = both[:b], both[b:]
        both = self.norm(torch.cat([v, t], dim=0))
        return both[:b], both[b:], prior

    def _layer_prompts(self, i: int, v, t, prompt_v, prompt_t):
        """New (visible, thermal) prompt tokens (B, Nz+Nx, C) before block ``i`` >= 1."""
        zv_m, xv_m = self._maps(self.prompt_norms[i - 1](v))
        zt_m, xt_m = self._maps(self.prompt_norms_rev[i - 1](t))
        pzv_m, pxv_m = self._maps(self.prompt_norms[i](prompt_v))
        pzt_m, pxt_m = self._maps(self.prompt_norms_rev[i](prompt_t))
        blk, blk_rev = self.prompt_blocks[i], self.prompt_blocks_rev[i]
        new_v = torch.cat([map_to_tokens(blk(torch.cat([zv_m, pzv_m, zt_m], dim=1))),
                           map_to_tokens(blk(torch.cat([xv_m, pxv_m, xt_m], dim=1)))], dim=1)
        new_t = torch.cat([map_to_tokens(blk_rev(torch.cat([zt_m, pzt_m, zv_m], dim=1))),
                           map_to_tokens(blk_rev(torch.cat([xt_m, pxt_m, xv_m], dim=1)))], dim=1)
        return new_v, new_t


class MPLTTeacher(nn.Module):
    """Two-stream MPLT tracker: backbone, ``mplt_fuse_search`` (conv3x3 2C->C + BN + ReLU
    on the concatenated search maps) and the center head."""

    FACTORY = "teacher"

    def __init__(self, config: TeacherConfig, *, pretrained_stem: bool | None = None):
        super().__init__()
        self.config = config
        load_stem = config.pretrained_stem if pretrained_stem is None else pretrained_stem
        c = config.dim
        self.backbone = MPLTBackbone(config, load_stem)
        self.mplt_fuse_search = nn.Sequential(
            nn.Conv2d(2 * c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(inplace=True))
        self.box_head = CenterHead(config.head_in_channels, config.head_widths)

    def forward(self, template_visible: torch.Tensor, template_thermal: torch.Tensor,
                search_visible: torch.Tensor, search_thermal: torch.Tensor):
        v, t, prior = self.backbone.forward_with_prior(template_visible, template_thermal, search_visible,
                                                       search_thermal)
        nz, side = self.backbone.nz, self.backbone.nx_side
        fused = torch.cat([tokens_to_map(v[:, nz:], side), tokens_to_map(t[:, nz:], side)], dim=1)
        feature = self.mplt_fuse_search(fused)
        score, size, offset = self.box_head(head_input(feature, prior))
        return score, size, offset, feature
