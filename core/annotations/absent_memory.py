"""The box a frame had before O marked its target absent, kept in the project.

O on a frame with a box marks the target absent (an absent record has no box); O again
brings the box back. The box in between lives in the store's meta table under
``META_KEY``, so it survives closing and reopening the project: a JSON object
``{"<frame>": {"box": [x, y, w, h], "thermal_box": [x, y, w, h] | null, "occluded": bool,
"provenance": str, "confidence": float | null, "keyframe": bool}}`` (visible-grid pixels,
top-left + size). An entry that does not read back as a valid record is skipped, never an
error: the memory is a convenience, the records are the data.
"""
from __future__ import annotations

from typing import Any

from core.annotations.records import FrameAnnotation

META_KEY = "boxes_behind_absent"


def _entry(record: FrameAnnotation) -> dict[str, Any]:
    return {
        "box": [float(v) for v in record.box],
        "thermal_box": None if record.thermal_box is None else [float(v) for v in record.thermal_box],
        "occluded": record.occluded,
        "provenance": record.provenance.value,
        "confidence": record.confidence,
        "keyframe": record.keyframe,
    }


def _record(frame: int, entry: Any) -> FrameAnnotation | None:
    if not isinstance(entry, dict):
        return None
    try:
        return FrameAnnotation(frame, entry["box"], thermal_box=entry.get("thermal_box"),
                               occluded=bool(entry.get("occluded", False)),
                               provenance=entry.get("provenance", "manual"), confidence=entry.get("confidence"),
                               keyframe=bool(entry.get("keyframe", False)))
    except (KeyError, TypeError, ValueError):
        return None


def boxes_behind_absent(store) -> dict[int, FrameAnnotation]:
    """frame -> the present record the frame had when it was marked absent (``store``: an
    ``AnnotationStore``); entries that do not read back are left out."""
    raw = store.get_meta(META_KEY, {})
    out: dict[int, FrameAnnotation] = {}
    if not isinstance(raw, dict):
        return out
    for key, entry in raw.items():
        try:
            frame = int(key)
        except (TypeError, ValueError):
            continue
        record = _record(frame, entry) if frame >= 0 else None
        if record is not None:
            out[frame] = record
    return out


def remember_box_behind_absent(store, record: FrameAnnotation) -> None:
    """Keep ``record`` (present, with a box) as the box of its frame behind an absent mark."""
    if record.absent or record.box is None:
        raise ValueError(f"frame {record.frame}: only a present box can be remembered")
    raw = store.get_meta(META_KEY, {})
    raw = dict(raw) if isinstance(raw, dict) else {}
    raw[str(record.frame)] = _entry(record)
    store.set_meta(META_KEY, raw)


def forget_box_behind_absent(store, frame: int) -> None:
    """Drop the remembered box of ``frame`` (nothing happens when there is none)."""
    raw = store.get_meta(META_KEY, {})
    if isinstance(raw, dict) and str(int(frame)) in raw:
        raw = {k: v for k, v in raw.items() if k != str(int(frame))}
        store.set_meta(META_KEY, raw)
