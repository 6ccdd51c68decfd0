"""Model registry: factory name + typed config -> tracking network.

Factories: ``teacher`` (:class:`~core.models.teacher.MPLTTeacher`, config
:class:`~core.models.config.TeacherConfig`) and ``student``
(:class:`~core.models.student.OneStreamStudent`, :class:`~core.models.config.StudentConfig`).
"""
from __future__ import annotations

from typing import Any

from torch import nn

from core.config import from_dict
from core.errors import ConfigError
from core.models.config import StudentConfig, TeacherConfig
from core.models.student import OneStreamStudent
from core.models.teacher import MPLTTeacher

FACTORIES: dict[str, tuple[type, type[nn.Module]]] = {
    "teacher": (TeacherConfig, MPLTTeacher),
    "student": (StudentConfig, OneStreamStudent),
}


def config_class(factory: str) -> type:
    """The config dataclass of ``factory``; ConfigError for an unknown factory."""
    if factory not in FACTORIES:
        raise ConfigError(f"unknown model factory {factory!r}; known: {sorted(FACTORIES)}")
    return FACTORIES[factory][0]


def config_from_dict(factory: str, data: dict[str, Any] | None, *, where: str = "") -> Any:
    """Typed config of ``factory`` from a JSON-compatible dict (unknown keys rejected)."""
    return from_dict(config_class(factory), data, where=where or f"{factory} config")


def build_model(factory: str, config: Any = None, *, pretrained_stem: bool | None = None) -> nn.Module:
    """Build ``factory`` from ``config`` (a config dataclass, a dict, or None = defaults).

    ``pretrained_stem``: None follows ``config.pretrained_stem``; False skips reading the
    ImageNet stem weights (e.g. when a checkpoint will overwrite them anyway).
    The model is returned in eval mode with ``model.config`` set.
    """
    cls = config_class(factory)
    if config is None or isinstance(config, dict):
        config = config_from_dict(factory, config)
    if not isinstance(config, cls):
        raise ConfigError(f"factory {factory!r} needs a {cls.__name__}, got {type(config).__name__}")
    model = FACTORIES[factory][1](config, pretrained_stem=pretrained_stem)
    return model.eval()


def factory_of(model: nn.Module) -> str:
    """The factory name a model was built by."""
    name = getattr(model, "FACTORY", None)
    if name not in FACTORIES:
        raise ConfigError(f"{type(model).__name__} is not a registered tracking model")
    return name
