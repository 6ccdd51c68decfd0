"""Models and optimiser for a run: build/initialise the network, AdamW parameter groups
(MPLT: prompt parameters at the base lr, the rest at ``rest_lr_scale``; the
ImageNet-pretrained stem at ``stem_lr_scale`` or frozen), and the step schedule."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import torch
from torch import nn

from core.errors import CheckpointError, ConfigError
from core.models import build_model, load_checkpoint
from core.models.registry import config_class, config_from_dict
from core.training.config import ModelSpec, OptimConfig


def model_config(spec: ModelSpec):
    """The typed model config of ``spec`` (scale defaults + overrides)."""
    from core.models import student_config, teacher_config

    makers = {"teacher": teacher_config, "student": student_config}
    if spec.factory not in makers:
        config_class(spec.factory)  # raises ConfigError naming the known factories
    base = makers[spec.factory](spec.scale)
    if not spec.overrides:
        return base
    merged = dataclasses.asdict(base) | dict(spec.overrides)
    return config_from_dict(spec.factory, merged, where=f"model.overrides ({spec.factory})")


def check_init_fits(spec: ModelSpec, init: str | Path | None = None) -> None:
    """CheckpointError naming ``init`` (or ``spec.init``) when it does not hold the network
    ``spec`` trains (another model, or another config of it), read from the checkpoint
    before any work: :func:`build_training_model` finds the same only once the run has
    started, after its run folder was prepared (an earlier run's metrics removed with
    --force) and, under train-family, after a whole calibration that then said 'no step
    logged'."""
    from core.models.checkpoint import read_checkpoint

    init = init or spec.init
    if not init:
        return
    payload = read_checkpoint(init)
    _refuse_non_finite(init, payload)
    try:
        loaded = config_from_dict(payload["factory"], payload["config"], where=str(init))
    except ConfigError as error:
        raise CheckpointError(init, str(error)) from error
    config = model_config(spec)
    if payload["factory"] != spec.factory or type(loaded) is not type(config):
        raise CheckpointError(init, f"holds a {payload['factory']} model, the run trains a {spec.factory}; give a "
                                    f"{spec.factory} checkpoint to start from")
    if dataclasses.replace(loaded, pretrained_stem=config.pretrained_stem) != config:
        raise CheckpointError(init, "its model config differs from the run's model config")


def _refuse_non_finite(path: str | Path, payload: dict) -> None:
    """CheckpointError naming ``path`` when the weights of ``payload`` (a read checkpoint) hold NaN
    or infinity: the run diverged at its first step and blamed its learning rate."""
    from core.models.checkpoint import non_finite_problem

    problem = non_finite_problem(payload.get("state_dict") or {})
    if problem is not None:
        raise CheckpointError(path, problem)


def check_teacher_fits(spec: ModelSpec, distill, teacher: str | Path) -> None:
    """CheckpointError naming ``teacher`` when its network cannot be distilled into the
    student ``spec`` trains with the ``distill`` weights (other crops, or score maps of
    another side: :func:`core.training.actors.geometry_mismatch`), read from the checkpoint
    before any work. The actor found it only once the run had started: after an earlier
    run's training state and metrics were removed (``--force``), or, for the map side, as a
    traceback at the first step. A checkpoint that is not a teacher is left to
    :func:`core.training.run_folder.check_teacher_checkpoint`."""
    from core.models.checkpoint import read_checkpoint
    from core.training.actors import geometry_mismatch

    payload = read_checkpoint(teacher)
    if payload["factory"] != "teacher":
        return
    _refuse_non_finite(teacher, payload)
    try:
        loaded = config_from_dict(payload["factory"], payload["config"], where=str(teacher))
    except ConfigError as error:
        raise CheckpointError(teacher, str(error)) from error
    problem = geometry_mismatch(loaded, model_config(spec), distill)
    if problem is not None:
        raise CheckpointError(teacher, problem)


def build_training_model(spec: ModelSpec, init: str | Path | None = None) -> nn.Module:
    """The network to train; ``init`` (or ``spec.init``) loads a project checkpoint's weights
    (its config must equal the spec's, else CheckpointError)."""
    config = model_config(spec)
    init = init or spec.init
    if init:
        loaded, _ = load_checkpoint(init)
        if type(loaded.config) is not type(config):
            raise CheckpointError(init, f"is a {type(loaded.config).__name__}, the run trains a {type(config).__name__}")
        if dataclasses.replace(loaded.config, pretrained_stem=config.pretrained_stem) != config:
            raise CheckpointError(init, "its model config differs from the run's model config")
        model = build_model(spec.factory, config, pretrained_stem=False)
        model.load_state_dict(loaded.state_dict())
        return model
    model = build_model(spec.factory, config)
    score_prior_init(model)
    return model


def score_prior_init(model: nn.Module, prior: float = 0.1) -> bool:
    """CenterNet's prior: the score branch's last bias = logit(``prior``), so a fresh head
    starts with low scores and the focal loss is not dominated by negatives. Returns
    whether the head was found (``box_head.conv{n+1}_ctr``)."""
    import math

    head = getattr(model, "box_head", None)
    last = getattr(head, f"conv{getattr(head, 'depth', 0) + 1}_ctr", None) if head is not None else None
    if not isinstance(last, nn.Conv2d) or last.bias is None:
        return False
    with torch.no_grad():
        last.bias.fill_(math.log(prior / (1 - prior)))
    return True


def is_prompt_parameter(name: str) -> bool:
    return "prompt" in name


def is_pretrained_stem_parameter(model: nn.Module, name: str) -> bool:
    """EfficientNet-Lite0 part of the stem (not its fresh 1x1 ``proj``)."""
    cfg = getattr(model, "config", None)
    if cfg is None or getattr(cfg, "stem", "") != "efficientnet_lite0":
        return False
    return ".patch_embed." in f".{name}" and ".patch_embed.proj." not in f".{name}"


def parameter_groups(model: nn.Module, optim: OptimConfig, extra: nn.Module | None = None) -> list[dict]:
    """AdamW groups ``{"params", "lr", "name", "lr_scale"}``; frozen stem parameters get
    ``requires_grad=False``. ``extra`` (e.g. a distillation adapter) joins the base-lr group."""
    groups = {"prompt": [], "stem": [], "rest": []}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        if is_pretrained_stem_parameter(model, name):
            if optim.stem_lr_scale <= 0:
                p.requires_grad_(False)
                continue
            groups["stem"].append(p)
        elif is_prompt_parameter(name):
            groups["prompt"].append(p)
        else:
            groups["rest"].append(p)
    scales = {"prompt": optim.prompt_lr_scale, "stem": optim.stem_lr_scale, "rest": optim.rest_lr_scale}
    out = [{"params": ps, "lr": optim.lr * scales[n], "lr_scale": scales[n], "name": n} for n, ps in groups.items() if ps]
    if extra is not None:
        ps = [p for p in extra.parameters() if p.requires_grad]
        if ps:
            out.append({"params": ps, "lr": optim.lr, "lr_scale": 1.0, "name": "adapter"})
    if not out:
        raise ConfigError("no trainable parameters")
    return out


def make_optimizer(model: nn.Module, optim: OptimConfig, extra: nn.Module | None = None) -> torch.optim.AdamW:
    return torch.optim.AdamW(parameter_groups(model, optim, extra), lr=optim.lr, weight_decay=optim.weight_decay)


def lr_factor(step: int, total: int, optim: OptimConfig) -> float:
    """Multiplier of the base lr at optimiser step ``step`` (0-based) of ``total``."""
    factor = 1.0
    if optim.warmup_steps > 0 and step < optim.warmup_steps:
        factor *= (step + 1) / optim.warmup_steps
    for fraction in optim.decay_at:
        if step >= int(round(fraction * total)):
            factor *= optim.gamma
    return factor


def set_lr(optimizer: torch.optim.Optimizer, base_lr: float, factor: float) -> float:
    for group in optimizer.param_groups:
        group["lr"] = base_lr * group.get("lr_scale", 1.0) * factor
    return base_lr * factor


def freeze_stem_batchnorm(model: nn.Module, optim: OptimConfig) -> None:
    """Keep the pretrained stem's BatchNorm running statistics (its BatchNorm layers in eval
    mode) unless the stem trains and ``optim.train_stem_batchnorm`` is set."""
    if optim.stem_lr_scale > 0 and optim.train_stem_batchnorm:
        return
    for name, module in model.named_modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and is_pretrained_stem_parameter(model, name + ".weight"):
            module.eval()
