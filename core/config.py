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

from core.assets import missing_note
from core.errors import ConfigError
from core.fileio import read_json_object

C = TypeVar("C")


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


#: what a JSON value must be for a field of each plain type (named in the ConfigError)
_KINDS = {int: "a whole number", float: "a number", bool: "true or false", str: "a string",
          dict: "an object", tuple: "a list"}


def _shown(value: Any) -> str:
    """``value`` as the JSON file spells it (``true``, ``"abc"``), Python's repr otherwise."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _checked(tp: Any, value: Any, key: str, where: str) -> Any:
    """``value`` for a field of plain type ``tp`` (JSON's ``1000.0`` for an int field becomes
    1000; an int fits a float field; true / false fit only a bool field; a list for a
    ``tuple[X, ...]`` field becomes a tuple of checked items); ConfigError naming ``key``
    and the expected kind otherwise. Types this does not know pass unchanged."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        plain = [a for a in args if a is not type(None)]
        if len(plain) == 1:
            return _checked(plain[0], value, key, where)
        return value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: {key} must be {_KINDS[tuple]}, got {_shown(value)}")
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_checked(args[0], item, f"{key}[{i}]", where) for i, item in enumerate(value))
        return tuple(value)
    if tp not in _KINDS:
        return value
    fits = {
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool)
        or isinstance(value, float) and value.is_integer(),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
        str: isinstance(value, str),
        dict: isinstance(value, dict),
        tuple: isinstance(value, (list, tuple)),
    }[tp]
    if not fits:
        raise ConfigError(f"{where}: {key} must be {_KINDS[tp]}, got {_shown(value)}")
    if tp is int:
        return int(value)
    if tp is tuple:
        return tuple(value)
    return value


def checked_arguments(func: Any, options: dict[str, Any], *, where: str, keys: str = "") -> dict[str, Any]:
    """``options`` (keyword arguments for ``func``, a function or a class, from a JSON file)
    with each value checked against ``func``'s annotation as :func:`from_dict` checks a field;
    names ``func`` does not annotate pass unchanged (the call itself refuses unknown ones)."""
    target = func.__init__ if isinstance(func, type) else func
    try:
        hints = typing.get_type_hints(target)
    except (NameError, TypeError):
        return dict(options)
    return {name: _checked(hints[name], value, f"{keys}{name}", where) if name in hints else value
            for name, value in options.items()}


def from_dict(cls: type[C], data: dict[str, Any] | None, *, where: str = "", _keys: str = "") -> C:
    """Build dataclass ``cls`` from ``data``. ConfigError naming ``where`` (the file) and the
    key for an unknown key, or for a value of the wrong kind for a plain ``int`` /
    ``float`` / ``bool`` / ``str`` / ``dict`` / ``tuple[X, ...]`` field (``1000.0`` fits an
    int field, ``1000.5`` and ``true`` do not). Nested dataclasses are built recursively."""
    data = dict(data or {})
    where = where or cls.__name__
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        section = f"{_keys[:-1]}: " if _keys else ""
        raise ConfigError(f"{where}: {section}unknown key(s) {unknown}; known: {sorted(fields)}")
    kwargs = {}
    for name, value in data.items():
        tp = hints.get(name)
        origin = typing.get_origin(tp)
        if _is_dataclass_type(tp):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {_keys}{name} must be an object, got {_shown(value)}")
            value = from_dict(tp, value, where=where, _keys=f"{_keys}{name}.")
        elif origin in (typing.Union, types.UnionType) and any(
                _is_dataclass_type(arg) for arg in typing.get_args(tp)):
            for arg in typing.get_args(tp):
                if _is_dataclass_type(arg) and isinstance(value, dict):
                    value = from_dict(arg, value, where=where, _keys=f"{_keys}{name}.")
                    break
        else:
            value = _checked(tp, value, f"{_keys}{name}", where)
        kwargs[name] = value
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise ConfigError(f"{where}: {_keys}{error}") from error


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
    data = read_json_object(path, "config file", f" (extended by {_chain[-1]})" if _chain else missing_note(path))
    base_name = data.pop(EXTENDS_KEY, None)
    if base_name is None:
        return data
    if not isinstance(base_name, str) or not base_name.strip():
        raise ConfigError(f"{path}: '{EXTENDS_KEY}' must name a config file (a path relative to this one)")
    base = read_config_json(path.parent / base_name, (*_chain, resolved))
    return merge_config_dicts(base, data)


def load_json(cls: type[C], path: str | Path) -> C:
    """Read a JSON config file (``extends`` resolved) into dataclass ``cls``."""
    return with_file(path, lambda: from_dict(cls, read_config_json(path), where=str(path)))


def with_file(path: str | Path, build: typing.Callable[[], C]) -> C:
    """``build()``, with a ConfigError that does not name ``path`` yet (a dataclass's own check
    such as ``steps must be >= 1``) raised again as ``<path>: <message>``."""
    try:
        return build()
    except ConfigError as error:
        if str(error).startswith(str(path)):
            raise
        raise ConfigError(f"{path}: {error}") from error
