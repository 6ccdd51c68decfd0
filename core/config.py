"""Typed dataclass configs: defaults in code, sparse overrides, unknown keys rejected.

``from_dict(ModelConfig, {"dim": 192})`` builds a config; nested dataclasses are built
recursively; a key the dataclass does not declare raises :class:`ConfigError` naming it.
Configs are plain frozen dataclasses: no global mutable config anywhere.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from core.errors import ConfigError

C = TypeVar("C")


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def from_dict(cls: type[C], data: dict[str, Any] | None, *, where: str = "") -> C:
    """Build dataclass ``cls`` from ``data``; unknown keys raise ConfigError."""
    data = dict(data or {})
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"{where or cls.__name__}: unknown key(s) {unknown}; known: {sorted(fields)}")
    kwargs = {}
    for name, value in data.items():
        tp = hints.get(name)
        origin = typing.get_origin(tp)
        if _is_dataclass_type(tp) and isinstance(value, dict):
            value = from_dict(tp, value, where=f"{where or cls.__name__}.{name}")
        elif origin in (typing.Union, types.UnionType):
            for arg in typing.get_args(tp):
                if _is_dataclass_type(arg) and isinstance(value, dict):
                    value = from_dict(arg, value, where=f"{where or cls.__name__}.{name}")
                    break
        elif origin is tuple and isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise ConfigError(f"{where or cls.__name__}: {error}") from error


def to_dict(config: Any) -> dict[str, Any]:
    """A JSON-compatible dict of a dataclass config (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(config)))


def load_json(cls: type[C], path: str | Path) -> C:
    """Read a JSON config file into dataclass ``cls``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: config file not found") from error
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}: not valid JSON ({error})") from error
    return from_dict(cls, data, where=str(path))
