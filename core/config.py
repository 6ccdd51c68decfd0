"""Typed dataclass configs: defaults in code, sparse overrides, unknown keys rejected.

``from_dict(ModelConfig, {"dim": 192})`` builds a config; nested dataclasses are built
recursively; a key the dataclass does not declare raises :class:`ConfigError` naming it.
Configs are plain frozen dataclasses: no global mutable config anywhere.

A JSON config file may start from another: ``{"extends": "student_real.json", "steps":
600, "optim": {"lr": 0.00025}}`` is the named file (path relative to this one; it may
extend another in turn) with these values on top. Objects merge key by key at every
depth; any other value, a list included, replaces the base's whole
(:func:`read_config_json`).
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from core.errors import ConfigError
from core.fileio import read_json_object

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


EXTENDS_KEY = "extends"


def merge_config_dicts(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` on top: objects merge key by key at every depth, any other
    value (lists too) replaces the base's. Neither argument is modified."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config_dicts(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_config_json(path: str | Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The JSON object of a config file with its ``extends`` chain resolved (see the module
    docstring). ConfigError naming the file for a missing file, invalid JSON, a non-object,
    a non-string ``extends`` or a chain that comes back to a file already in it."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _chain:
        names = " -> ".join(p.name for p in (*_chain, resolved))
        raise ConfigError(f"{path}: 'extends' comes back to a file already in the chain ({names})")
    data = read_json_object(path, "config file", f" (extended by {_chain[-1]})" if _chain else "")
    base_name = data.pop(EXTENDS_KEY, None)
    if base_name is None:
        return data
    if not isinstance(base_name, str) or not base_name.strip():
        raise ConfigError(f"{path}: '{EXTENDS_KEY}' must name a config file (a path relative to this one)")
    base = read_config_json(path.parent / base_name, (*_chain, resolved))
    return merge_config_dicts(base, data)


def load_json(cls: type[C], path: str | Path) -> C:
    """Read a JSON config file (``extends`` resolved) into dataclass ``cls``."""
    return from_dict(cls, read_config_json(path), where=str(path))
