"""Persistent studio settings: QSettings in ini format under the studio home.

What is kept: the model choice (:class:`ModelChoice`), recent projects (most recent
first), the last project, and view options (thermal colormap, overlay, low-confidence
threshold). Defaults live in code; unknown model keys are rejected.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from PySide6.QtCore import QSettings

from app.studio.env import studio_home
from core.errors import ConfigError

ENGINES = ("auto", "torch", "onnx")
DEVICES = ("auto", "cpu", "cuda")
MAX_RECENT = 10


@dataclass(frozen=True)
class ModelChoice:
    """Which trackers the studio loads.

    student_weights / teacher_weights: a ``.pt`` or ``.onnx`` path, "" = bundled default.
    engine: "auto" | "torch" | "onnx"; device: "auto" | "cpu" | "cuda".
    allow_random: run randomly initialised networks (with a loud status) when no
    checkpoint exists, so the workflow can be tried before training.
    """

    student_weights: str = ""
    teacher_weights: str = ""
    engine: str = "auto"
    device: str = "auto"
    allow_random: bool = True

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {ENGINES}, got {self.engine!r}")
        if self.device not in DEVICES:
            raise ConfigError(f"device must be one of {DEVICES}, got {self.device!r}")

    def weights(self, model: str) -> str | None:
        value = self.student_weights if model == "student" else self.teacher_weights
        return value or None

    @classmethod
    def from_dict(cls, data: dict) -> ModelChoice:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown model setting(s) {sorted(unknown)}; known: {sorted(known)}")
        return cls(**data)


class StudioSettings:
    """Typed access to the ini file ``<studio home>/studio.ini``."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else studio_home() / "studio.ini"
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qs.sync()

    # -- model ---------------------------------------------------------------------------
    def model(self) -> ModelChoice:
        raw = self._qs.value("model/choice", "")
        if not raw:
            return ModelChoice()
        try:
            return ModelChoice.from_dict(json.loads(str(raw)))
        except (ValueError, TypeError, ConfigError):
            return ModelChoice()  # a hand-edited, broken value falls back to defaults

    def set_model(self, choice: ModelChoice) -> None:
        self._qs.setValue("model/choice", json.dumps(asdict(choice)))
        self.sync()

    # -- projects ------------------------------------------------------------------------
    def recent_projects(self) -> list[str]:
        """Store paths (``*.rgbt.sqlite``), most recent first, existing files only."""
        raw = self._qs.value("projects/recent", "[]")
        try:
            items = [str(p) for p in json.loads(str(raw))]
        except (ValueError, TypeError):
            items = []
        return [p for p in items if Path(p).is_file()]

    def add_recent_project(self, store_path: str | Path) -> None:
        path = str(Path(store_path).absolute())
        items = [p for p in self.recent_projects() if p != path]
        self._qs.setValue("projects/recent", json.dumps([path, *items][:MAX_RECENT]))
        self._qs.setValue("projects/last", path)
        self.sync()

    def last_project(self) -> str | None:
        value = self._qs.value("projects/last", "")
        return str(value) if value and Path(str(value)).is_file() else None

    # -- view options --------------------------------------------------------------------
    def value(self, key: str, default):
        """A view option (``view/<key>``) converted to ``type(default)``."""
        raw = self._qs.value(f"view/{key}", default)
        if isinstance(default, bool):
            return raw in (True, "true", "1", 1)
        try:
            return type(default)(raw)
        except (TypeError, ValueError):
            return default

    def set_value(self, key: str, value) -> None:
        self._qs.setValue(f"view/{key}", value)
