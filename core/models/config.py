"""Typed model configs and the two scales (``paper`` and ``bundled``).

Every tracking network's ``model.config`` is one of these frozen dataclasses. The
forward contract's geometry lives here: ``template_size`` (Z), ``search_size`` (X),
``feature_size`` (F = X / stride), ``template_factor`` (2.0), ``search_factor`` (4.0) and
``feature_dim`` (C, channels of the returned search feature map).

Build from JSON with ``core.config.from_dict(TeacherConfig, data)`` (unknown keys are
rejected) and serialise with ``core.config.to_dict``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.errors import ConfigError

SCALES = ("paper", "bundled")
STEMS = ("patch", "efficientnet_lite0")
FUSIONS = ("linear", "sum")


def _check_common(cfg) -> None:
    if cfg.stem not in STEMS:
        raise ConfigError(f"{type(cfg).__name__}.stem: {cfg.stem!r} is not one of {STEMS}")
    if cfg.stem == "efficientnet_lite0" and cfg.patch_size != 8:
        raise ConfigError(f"{type(cfg).__name__}: the efficientnet_lite0 stem has stride 8, "
                          f"patch_size is {cfg.patch_size}")
    for name in ("template_size", "search_size"):
        size = getattr(cfg, name)
        if size <= 0 or size % cfg.patch_size:
            raise ConfigError(f"{type(cfg).__name__}.{name}: {size} is not a positive multiple "
                              f"of patch_size {cfg.patch_size}")
    if cfg.dim % cfg.num_heads:
        raise ConfigError(f"{type(cfg).__name__}: dim {cfg.dim} not divisible by num_heads {cfg.num_heads}")
    if cfg.depth < 1:
        raise ConfigError(f"{type(cfg).__name__}.depth must be >= 1, got {cfg.depth}")
    if len(cfg.head_widths) < 1:
        raise ConfigError(f"{type(cfg).__name__}.head_widths must name at least one width")
    if cfg.correlation_prior and cfg.stem != "efficientnet_lite0":
        raise ConfigError(f"{type(cfg).__name__}.correlation_prior needs the efficientnet_lite0 stem "
                          f"(it correlates the frozen ImageNet features), got stem {cfg.stem!r}")


class _Geometry:
    """Derived geometry shared by both configs (properties, not stored)."""

    @property
    def feature_size(self) -> int:
        """F: side of the score/size/offset maps (search tokens per side)."""
        return self.search_size // self.patch_size

    @property
    def template_feature_size(self) -> int:
        """Template tokens per side."""
        return self.template_size // self.patch_size

    @property
    def feature_dim(self) -> int:
        """C: channels of the search feature map the model returns."""
        return self.dim


@dataclass(frozen=True)
class _BackboneConfig(_Geometry):
    """Fields both networks share: crop geometry, stem, ViT size, head widths."""

    template_size: int = 128
    search_size: int = 256
    template_factor: float = 2.0
    search_factor: float = 4.0
    stem: str = "patch"
    pretrained_stem: bool = False
    patch_size: int = 16
    dim: int = 768
    depth: int = 12
    num_heads: int = 12
    mlp_ratio: float = 4.0
    qkv_bias: bool = True
    drop_path: float = 0.1
    head_widths: tuple[int, ...] = (256, 128, 64, 32)
    correlation_prior: bool = False

    @property
    def head_in_channels(self) -> int:
        """Channels the head reads: the search feature map, plus the two correlation-prior
        maps (``core.models.correlation_prior``) when ``correlation_prior`` is set."""
        from core.models.correlation_prior import PRIOR_CHANNELS

        return self.dim + (PRIOR_CHANNELS if self.correlation_prior else 0)


@dataclass(frozen=True)
class TeacherConfig(_BackboneConfig):
    """MPLT-style two-stream teacher (``tracker.md`` section 2).

    stem: ``patch`` (conv patch embedding, kernel = stride = patch_size) or
    ``efficientnet_lite0`` (ImageNet-pretrained EfficientNet-Lite0 up to stride 8, then a
    1x1 projection). ``authors_quirks``: reproduce the released code's prompter quirks
    (third chunk through ``spatialattention1``). ``legacy_parameters``: keep the unused
    ``cls_token``, ``pos_embed`` and ``pos_embed_x_last`` so the authors' checkpoints
    load strict.
    """

    prompt_reduction: int = 8
    prompt_kernel: int = 7
    fovea_temperature: float = 10.0
    authors_quirks: bool = True
    legacy_parameters: bool = True

    def __post_init__(self) -> None:
        _check_common(self)
        if self.dim % self.prompt_reduction:
            raise ConfigError(f"TeacherConfig: dim {self.dim} not divisible by prompt_reduction "
                              f"{self.prompt_reduction}")
        if self.prompt_kernel not in (3, 7):
            raise ConfigError(f"TeacherConfig.prompt_kernel must be 3 or 7, got {self.prompt_kernel}")


@dataclass(frozen=True)
class StudentConfig(_BackboneConfig):
    """One-stream student (``docs/models.md``): both modalities through the shared stem,
    mixed per token (``fusion``: ``linear`` = Linear(2C -> C) on the concatenation,
    initialised to the mean; ``sum`` = plain sum), one ViT pass over the joint
    template + search tokens, then the center head."""

    depth: int = 6
    fusion: str = "linear"

    def __post_init__(self) -> None:
        _check_common(self)
        if self.fusion not in FUSIONS:
            raise ConfigError(f"StudentConfig.fusion: {self.fusion!r} is not one of {FUSIONS}")


def _with_overrides(base, overrides: dict):
    if not overrides:
        return base
    try:
        return dataclasses.replace(base, **overrides)
    except TypeError as error:
        raise ConfigError(f"{type(base).__name__}: {error}") from error


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise ConfigError(f"unknown model scale {scale!r}; known: {list(SCALES)}")


def teacher_config(scale: str = "bundled", **overrides) -> TeacherConfig:
    """The teacher's config at ``scale`` (``paper``: ViT-B/16, 128/256, authors' layout;
    ``bundled``: 64/128 crops, EfficientNet-Lite0 stem, dim 128, depth 6), with
    optional field overrides."""
    _check_scale(scale)
    if scale == "paper":
        base = TeacherConfig()
    else:
        base = TeacherConfig(
            template_size=64, search_size=128, stem="efficientnet_lite0", pretrained_stem=True,
            patch_size=8, dim=128, depth=6, num_heads=4, drop_path=0.0, prompt_reduction=8,
            head_widths=(64, 32, 16, 8), legacy_parameters=False,
        )
    return _with_overrides(base, overrides)


def student_config(scale: str = "bundled", **overrides) -> StudentConfig:
    """The student's config at ``scale`` (``paper``: ViT-B width, 6 blocks, 128/256;
    ``bundled``: 64/128 crops, EfficientNet-Lite0 stem, dim 96, depth 3)."""
    _check_scale(scale)
    if scale == "paper":
        base = StudentConfig()
    else:
        base = StudentConfig(
            template_size=64, search_size=128, stem="efficientnet_lite0", pretrained_stem=True,
            patch_size=8, dim=96, depth=3, num_heads=3, drop_path=0.0, head_widths=(48, 24, 12, 6),
        )
    return _with_overrides(base, overrides)
