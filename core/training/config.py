"""Typed training configuration (``configs/*.json``), built with ``core.config.from_dict``.

One JSON file = one :class:`TrainConfig`. Sections: ``model`` (factory, scale, field
overrides, optional initial checkpoint), ``data`` (weighted sources, see
``core.training.sources``), ``sampler``, ``processing`` (crops, jitter, RGB-T
augmentation), ``loss`` (task loss weights), ``distill`` (distillation terms; used by
``python main.py distill``), ``optim`` (AdamW, parameter groups, schedule), ``validation``,
and the run itself (steps, batch size, seed, checkpoint/log periods, threads).
Unknown keys are rejected everywhere, with the path of the offending key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config import from_dict, load_json, with_file
from core.errors import ConfigError


@dataclass(frozen=True)
class ModelSpec:
    """factory: ``teacher`` or ``student``; scale: ``bundled`` or ``paper``;
    overrides: config fields replaced (e.g. ``{"pretrained_stem": false}``);
    init: optional checkpoint (project format) whose weights initialise the model."""

    factory: str = "teacher"
    scale: str = "bundled"
    overrides: dict = field(default_factory=dict)
    init: str | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One data source: ``kind`` names a registered source (``synthetic``, ``dataset``, ...),
    ``weight`` its share of the samples, ``options`` the source's own keyword arguments."""

    kind: str
    weight: float = 1.0
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DataConfig:
    """sources: list of :class:`SourceConfig` dicts (parsed by :meth:`source_configs`)."""

    sources: tuple = ({"kind": "synthetic"},)

    def source_configs(self) -> list[SourceConfig]:
        out = []
        for i, item in enumerate(self.sources):
            if isinstance(item, SourceConfig):
                out.append(item)
            elif isinstance(item, dict):
                out.append(from_dict(SourceConfig, item, where=f"data.sources[{i}]"))
            else:
                raise ConfigError(f"data.sources[{i}]: expected an object, got {type(item).__name__}")
        if not out:
            raise ConfigError("data.sources: at least one source is needed")
        from core.training.sources import checked_options

        for i, source in enumerate(out):
            checked_options(source.kind, source.options, where=f"data.sources[{i}].options")
            if not source.weight > 0:
                raise ConfigError(f"data.sources[{i}].weight must be > 0, got {source.weight}")
        return out


@dataclass(frozen=True)
class SamplerConfig:
    """max_gap: largest |search - template| frame distance; attempts: tries to find a
    pair with both frames present before another sequence is drawn. negative_share: the
    share of *negative* pairs, whose search frame is centred on another sequence's target
    of the same source (a different object: the network must answer "not here", score
    map all background, no box loss; DaSiamRPN's negative pairs)."""

    max_gap: int = 100
    attempts: int = 20
    negative_share: float = 0.0

    def __post_init__(self) -> None:
        if self.max_gap < 0:
            raise ConfigError(f"sampler.max_gap must be >= 0, got {self.max_gap}")
        if not 0.0 <= self.negative_share < 1.0:
            raise ConfigError(f"sampler.negative_share must lie in [0, 1), got {self.negative_share}")


@dataclass(frozen=True)
class ProcessingConfig:
    """OSTrack-style crop jitter and augmentation probabilities.

    ``*_center_jitter`` / ``*_scale_jitter``: OSTrack factors (centre offset up to
    ``factor/2 * sqrt(w*h)`` of the jittered box, size x ``exp(N(0, scale))``).
    brightness: each image x U(1-b, 1+b). flip: joint horizontal flip probability.
    dark_visible / thermal_flat / drop_modality: probabilities of the RGB-T augmentations
    on the search frame (visible darkened; thermal contrast removed; one modality
    replaced by zeros (its mean after normalisation)). thermal_as_visible: probability
    that the whole sample is thermal-only, as ``core.sequences`` opens a thermal-only
    sequence (VOT-TIR, LSOTB-TIR): the visible template and search crops replaced by the
    thermal crops replicated to 3 channels. grey_visible: probability that the visible
    template and search crops are both replaced by their luminance in 3 channels, as a
    monochrome (or night-mode) camera records them (pytracking's ToGrayscale; ``bench accuracy
    --real --grey-visible`` measures the need). min_overlap: CornerNet radius.
    """

    template_center_jitter: float = 0.0
    template_scale_jitter: float = 0.0
    search_center_jitter: float = 3.0
    search_scale_jitter: float = 0.25
    brightness: float = 0.2
    flip: float = 0.5
    dark_visible: float = 0.0
    thermal_flat: float = 0.0
    drop_modality: float = 0.0
    thermal_as_visible: float = 0.0
    fog_visible: float = 0.0
    grey_visible: float = 0.0
    min_overlap: float = 0.7

    def __post_init__(self) -> None:
        for name in ("flip", "dark_visible", "thermal_flat", "drop_modality", "thermal_as_visible", "fog_visible",
                     "grey_visible"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"processing.{name} is a probability, in [0, 1]; got {getattr(self, name)}")
        for name in ("template_center_jitter", "template_scale_jitter", "search_center_jitter", "search_scale_jitter"):
            if getattr(self, name) < 0:
                raise ConfigError(f"processing.{name} must be >= 0, got {getattr(self, name)}")
        if not 0.0 <= self.brightness <= 1.0:  # each image x U(1 - b, 1 + b)
            raise ConfigError(f"processing.brightness must lie in [0, 1], got {self.brightness}")
        if not 0.0 < self.min_overlap < 1.0:
            raise ConfigError(f"processing.min_overlap must lie in (0, 1), got {self.min_overlap}")


@dataclass(frozen=True)
class LossConfig:
    """Task loss: ``focal * focal + giou * GIoU + l1 * L1``. ``box_at``: ``peak`` decodes the
    box at the predicted score argmax (OSTrack), ``gt`` at the ground-truth centre cell."""

    focal: float = 1.0
    giou: float = 2.0
    l1: float = 5.0
    box_at: str = "peak"

    def __post_init__(self) -> None:
        if self.box_at not in ("peak", "gt"):
            raise ConfigError(f"loss.box_at must be 'peak' or 'gt', got {self.box_at!r}")


@dataclass(frozen=True)
class DistillConfig:
    """Distillation terms, each switched on by a weight > 0.

    feature: MSE between the 1x1-adapted student search feature and the teacher's.
    score: score-map distillation, ``score_mode`` ``bce`` (per pixel, teacher map as soft
    target) or ``kl`` (spatial softmax of logits at ``temperature``, scaled by T^2).
    box_l1 / box_giou: student box read at the teacher's peak vs the teacher's box.
    task: weight of the ground-truth task loss.
    """

    feature: float = 1.0
    score: float = 1.0
    score_mode: str = "bce"
    temperature: float = 2.0
    box_l1: float = 5.0
    box_giou: float = 2.0
    task: float = 1.0

    def __post_init__(self) -> None:
        if self.score_mode not in ("bce", "kl"):
            raise ConfigError(f"distill.score_mode must be 'bce' or 'kl', got {self.score_mode!r}")
        if self.temperature <= 0:
            raise ConfigError(f"distill.temperature must be > 0, got {self.temperature}")


@dataclass(frozen=True)
class OptimConfig:
    """AdamW with parameter groups: lr x ``prompt_lr_scale`` for prompt parameters,
    x ``stem_lr_scale`` for the ImageNet-pretrained stem (0 = frozen), x ``rest_lr_scale`` for
    everything else. The pretrained stem's BatchNorm running statistics stay ImageNet's
    (its layers in eval mode) unless ``train_stem_batchnorm``: batches of 8-32 crops of one
    target would replace them with their own. Step schedule: lr x ``gamma`` at each
    fraction of the run in ``decay_at``; linear warm-up over ``warmup_steps``."""

    lr: float = 4e-4
    weight_decay: float = 1e-4
    prompt_lr_scale: float = 1.0
    rest_lr_scale: float = 1.0
    stem_lr_scale: float = 0.1
    train_stem_batchnorm: bool = False
    decay_at: tuple[float, ...] = (0.8,)
    gamma: float = 0.1
    warmup_steps: int = 0
    grad_clip: float = 0.1
    amp: bool = True

    def __post_init__(self) -> None:
        if not self.lr > 0:  # torch's 'Invalid learning rate' traceback once the run had started
            raise ConfigError(f"optim.lr must be > 0, got {self.lr}")
        if not self.gamma > 0:
            raise ConfigError(f"optim.gamma must be > 0, got {self.gamma}")
        for name in ("weight_decay", "prompt_lr_scale", "rest_lr_scale", "stem_lr_scale", "warmup_steps", "grad_clip"):
            if getattr(self, name) < 0:
                raise ConfigError(f"optim.{name} must be >= 0, got {getattr(self, name)}")
        outside = [f for f in self.decay_at if not 0.0 <= f <= 1.0]
        if outside:  # 1.5 x the steps never comes: the lr never decayed, without a word
            raise ConfigError(f"optim.decay_at holds fractions of the run, in [0, 1]; got {outside[0]}")


@dataclass(frozen=True)
class ValidationConfig:
    """Held-out crop-level validation: ``pairs`` fixed template/search pairs drawn from
    ``sequences`` synthetic sequences whose seeds (>= ``SEED_BASE`` in
    ``core.training.validation``) are disjoint from training and the evaluation split.
    every: run every N steps (0 = only at the end).
    track_sequences / track_frames: also run the real tracker (``core.training.
    tracking_validation``) on the first ``track_sequences`` held-out synthetic sequences
    (one per challenge family of the evaluation split) of ``track_frames`` frames and log
    ``track_iou`` / ``track_sr50`` (0 = off)."""

    sequences: int = 8
    pairs: int = 64
    every: int = 0
    seed: int = 0
    track_sequences: int = 0
    track_frames: int = 40

    def __post_init__(self) -> None:
        for name in ("pairs", "every"):
            if getattr(self, name) < 0:
                raise ConfigError(f"validation.{name} must be >= 0, got {getattr(self, name)}")
        if self.pairs > 0 and self.sequences < 1:  # numpy's 'high <= 0' traceback before the first step
            raise ConfigError(f"validation.sequences must be >= 1 to draw validation.pairs from (or pairs 0: no "
                              f"validation), got {self.sequences}")
        if self.track_sequences < 0 or self.track_frames < 2:
            raise ConfigError(f"validation.track_sequences must be >= 0 and track_frames >= 2, "
                              f"got {self.track_sequences}, {self.track_frames}")
        if self.seed < 0:  # numpy's generator refuses a negative seed, after the data is loaded
            raise ConfigError(f"validation.seed must be >= 0, got {self.seed}")


@dataclass(frozen=True)
class TrainConfig:
    """A whole training run. steps: optimiser steps; batch_size: samples per step and
    process; checkpoint_every / log_every: in steps; threads: torch CPU threads (0 = torch's
    default); workers: DataLoader worker processes (0 = in the training process)."""

    model: ModelSpec = field(default_factory=ModelSpec)
    data: DataConfig = field(default_factory=DataConfig)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)
    processing: ProcessingConfig = field(default_factory=ProcessingConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    distill: DistillConfig = field(default_factory=DistillConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    steps: int = 1000
    batch_size: int = 16
    seed: int = 0
    checkpoint_every: int = 100
    log_every: int = 10
    threads: int = 1
    workers: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "checkpoint_every", "log_every"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in ("seed", "threads", "workers"):  # a negative seed fails in numpy once the data is loaded
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")


#: source kinds that read the real split under ``options.data_root`` and decode frames
#: into ``options.cache_dir`` (``core.training.real_sources``)
REAL_KINDS = ("real_visible", "real_thermal", "rgbt_unlabeled", "rgbt_pseudo")


def data_places(config: TrainConfig) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """``(data roots, written folders)`` of the config's sources, each with the key that names
    it: the real sources' ``data_root`` (default ``../shared/data``) and ``cache_dir``
    (default ``~/.cache/rgbt-studio``), the same two under a synthetic source's
    ``backgrounds`` (with ``real_backgrounds`` > 0), a dataset source's ``roots``."""
    from core.real_split import DEFAULT_DATA_ROOT, resolve_path
    from core.training.real_data import DEFAULT_CACHE_DIR

    roots: list[tuple[Path, str]] = []
    written: list[tuple[Path, str]] = []

    def real(options: dict, key: str) -> None:
        roots.append((resolve_path(options.get("data_root", DEFAULT_DATA_ROOT)), f"{key}.data_root"))
        written.append((Path(options.get("cache_dir", DEFAULT_CACHE_DIR)).expanduser(), f"{key}.cache_dir"))

    for i, source in enumerate(config.data.source_configs()):
        key, options = f"data.sources[{i}].options", dict(source.options)
        if source.kind in REAL_KINDS:
            real(options, key)
        elif source.kind == "synthetic" and float(options.get("real_backgrounds") or 0) > 0:
            real(dict(options.get("backgrounds") or {}), f"{key}.backgrounds")
        elif source.kind == "dataset":
            roots += [(resolve_path(root), f"{key}.roots[{k}]") for k, root in enumerate(options.get("roots") or ())]
    return roots, written


def check_data_not_written(config: TrainConfig, out_dir: str | Path | None = None) -> None:
    """Training never writes into its data: ConfigError when a source's ``cache_dir`` (the
    decoded-frame cache) lies inside a data root of the config, OutputError when the run
    folder ``out_dir`` does."""
    from core.errors import OutputError
    from core.fileio import inside

    roots, written = data_places(config)
    for root, root_key in roots:
        for place, key in written:
            if inside(root, place):
                raise ConfigError(f"{key} {place} lies inside the data root {root.resolve()} ({root_key}): the decoded "
                                  "frames would be written into the data folder; choose a cache folder outside it")
        if out_dir is not None and inside(root, Path(out_dir)):
            raise OutputError(out_dir, f"the run folder lies inside the data root {root.resolve()} ({root_key}); training "
                                       "never writes into its data, choose another --out")


def load_train_config(path) -> TrainConfig:
    """Read a training config JSON (ConfigError naming the file and the bad key)."""
    config = load_json(TrainConfig, path)
    with_file(path, config.data.source_configs)  # validate the sources early
    with_file(path, lambda: _model_config(config.model))  # and the model's overrides
    with_file(path, lambda: check_data_not_written(config))  # no cache inside the data
    return config


def _model_config(spec: ModelSpec):
    from core.training.model_setup import model_config

    return model_config(spec)


def with_overrides(config: TrainConfig, **changes: Any) -> TrainConfig:
    """A copy of ``config`` with top-level fields replaced (e.g. ``steps``)."""
    import dataclasses

    return dataclasses.replace(config, **{k: v for k, v in changes.items() if v is not None})
