"""What the user opened, as plain data that can be stored and opened again.

A :class:`Source` is a video/folder pair (``kind="pair"``, paths = (visible, thermal))
or one dataset sequence folder (``kind="sequence"``, paths = (folder,)). It is kept in
the annotation store's meta (key ``"source"``) and in the recent-files list, so a
project reopens its footage.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import SequenceError

KINDS = ("pair", "sequence")
THERMAL_WORDS = ("thermal", "infrared", "ir", "tir", "lwir", "i")


@dataclass(frozen=True)
class Source:
    """kind: "pair" | "sequence"; paths: absolute path strings; frame_offset: thermal
    index = visible index + offset (pairs only)."""

    kind: str
    paths: tuple[str, ...]
    frame_offset: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown source kind {self.kind!r}; choose one of {KINDS}")
        expected = 2 if self.kind == "pair" else 1
        if len(self.paths) != expected:
            raise ValueError(f"a {self.kind} source needs {expected} path(s), got {len(self.paths)}")
        object.__setattr__(self, "paths", tuple(str(Path(p).expanduser().absolute()) for p in self.paths))

    @classmethod
    def pair(cls, visible, thermal, frame_offset: int = 0) -> Source:
        return cls("pair", (str(visible), str(thermal)), int(frame_offset))

    @classmethod
    def sequence(cls, folder) -> Source:
        return cls("sequence", (str(folder),))

    def open(self):
        """The ``RGBTSequence``; SequenceError naming the file when it cannot be read."""
        from core.sequences import open_pair, open_sequence

        for path in self.paths:
            if not Path(path).exists():
                raise SequenceError(path, "not found")
        if self.kind == "pair":
            return open_pair(self.paths[0], self.paths[1], frame_offset=self.frame_offset)
        return open_sequence(self.paths[0])

    @property
    def label(self) -> str:
        """Short text for menus."""
        if self.kind == "pair":
            v, t = Path(self.paths[0]), Path(self.paths[1])
            return f"{v.parent.name}/{v.name} + {t.name}"
        return Path(self.paths[0]).name

    def to_dict(self) -> dict:
        return {"kind": self.kind, "paths": list(self.paths), "frame_offset": self.frame_offset}

    @classmethod
    def from_dict(cls, data: dict) -> Source:
        unknown = set(data) - {"kind", "paths", "frame_offset"}
        if unknown:
            raise ValueError(f"unknown source keys {sorted(unknown)}")
        return cls(str(data["kind"]), tuple(data["paths"]), int(data.get("frame_offset", 0)))

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> Source:
        return cls.from_dict(json.loads(text))


def _is_thermal_name(path: Path) -> bool:
    stem = path.stem.lower()
    return any(stem == w or stem.endswith(("_" + w, "-" + w)) or stem.startswith(w + "_") for w in THERMAL_WORDS) \
        or "thermal" in stem or "infrared" in stem


def source_from_paths(paths: list[str | Path]) -> Source:
    """A Source from dropped or command-line paths.

    One folder -> a sequence; two paths -> a pair (the one named thermal/infrared/ir is
    the thermal stream, else the order given). ValueError otherwise.
    """
    items = [Path(p) for p in paths]
    if len(items) == 1:
        if not items[0].is_dir():
            raise ValueError(f"{items[0]}: one path must be a sequence folder (or give two: visible and thermal)")
        return Source.sequence(items[0])
    if len(items) == 2:
        first, second = items
        if _is_thermal_name(first) and not _is_thermal_name(second):
            first, second = second, first
        return Source.pair(first, second)
    raise ValueError(f"expected one sequence folder or two streams (visible, thermal), got {len(items)} paths")


def demo_source() -> Source:
    """The bundled demo pair (assets/demo)."""
    from app.studio.env import DEMO_DIR

    return Source.pair(DEMO_DIR / "visible.mp4", DEMO_DIR / "thermal.mp4")
