"""Per-frame annotation records.

A :class:`FrameAnnotation` is what the project knows about the target in one frame:
its box on the visible grid (``x, y, w, h`` float pixels, ``core.geometry``), an
optional separate thermal box (RGBT234 annotates each modality; misaligned pairs), the
absent / occluded flags, where the box came from (:class:`Provenance`), the tracker's
confidence, and whether a human marked the frame as a keyframe.

Records are immutable; change one with :meth:`FrameAnnotation.with_changes`.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace

import numpy as np


class Provenance(str, enum.Enum):
    """Where a box came from. Human-made: manual; human-checked: teacher (accepted), imported."""

    MANUAL = "manual"
    INTERPOLATED = "interpolated"
    STUDENT = "student"
    TEACHER = "teacher"
    IMPORTED = "imported"

    def __str__(self) -> str:
        return self.value


def _box_or_none(value, name: str) -> np.ndarray | None:
    """A private read-only (4,) float64 copy of ``value`` (never a view of the caller's array)."""
    if value is None:
        return None
    box = np.array(value, dtype=np.float64).reshape(-1)
    if box.shape != (4,):
        raise ValueError(f"{name} needs 4 values x, y, w, h, got {box.shape[0]}")
    x, y, w, h = box.tolist()  # plain floats: much cheaper than numpy reductions on 4 values
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(w) and math.isfinite(h) and w > 0 and h > 0):
        raise ValueError(f"{name} {box.tolist()} needs finite values with w > 0 and h > 0")
    box.setflags(write=False)
    return box


@dataclass(frozen=True, eq=False, slots=True)
class FrameAnnotation:
    """The annotation of frame ``frame`` (0-based).

    box: (4,) float64 x, y, w, h on the visible grid, or None (absent / not drawn);
    thermal_box: (4,) or None (None = same as ``box``); confidence: tracker score in
    [0, 1] or None for human boxes. An absent record carries no box.
    """

    frame: int
    box: np.ndarray | None
    thermal_box: np.ndarray | None = None
    absent: bool = False
    occluded: bool = False
    provenance: Provenance = Provenance.MANUAL
    confidence: float | None = None
    keyframe: bool = False

    def __post_init__(self) -> None:
        put = object.__setattr__  # frozen dataclass: normalise fields in place once
        if type(self.frame) is not int:
            put(self, "frame", int(self.frame))
        if self.frame < 0:
            raise ValueError(f"frame index must be >= 0, got {self.frame}")
        if type(self.provenance) is not Provenance:
            put(self, "provenance", Provenance(self.provenance))
        put(self, "box", _box_or_none(self.box, "box"))
        if self.thermal_box is not None:
            put(self, "thermal_box", _box_or_none(self.thermal_box, "thermal_box"))
        for flag in ("absent", "occluded", "keyframe"):
            if type(getattr(self, flag)) is not bool:
                put(self, flag, bool(getattr(self, flag)))
        if self.confidence is not None:
            confidence = float(self.confidence)
            put(self, "confidence", None if math.isnan(confidence) else confidence)  # NaN = no score
        if self.absent and (self.box is not None or self.thermal_box is not None):
            raise ValueError(f"frame {self.frame}: an absent target has no box")
        if not self.absent and self.box is None:
            raise ValueError(f"frame {self.frame}: a present target needs a box (or set absent=True)")

    @classmethod
    def _trusted(cls, frame: int, box: np.ndarray | None, thermal_box: np.ndarray | None, absent: bool,
                 occluded: bool, provenance: Provenance, confidence: float | None = None,
                 keyframe: bool = False) -> FrameAnnotation:
        """Bulk construction for callers that validated whole arrays at once (row readers,
        the store's table reader ``core.annotations.store_rows``).

        ``frame``: an int >= 0; ``box`` / ``thermal_box``: read-only float64 (4,) arrays that
        nobody writes (e.g. rows of a private read-only copy) holding finite values with
        w, h > 0; ``absent`` records have no box, present ones have one; ``absent``,
        ``occluded``, ``keyframe``: bools; ``confidence``: a float that is not NaN, or None.
        Skips the per-record checks of ``__post_init__``.
        """
        record = object.__new__(cls)
        put = object.__setattr__
        put(record, "frame", frame)
        put(record, "box", box)
        put(record, "thermal_box", thermal_box)
        put(record, "absent", absent)
        put(record, "occluded", occluded)
        put(record, "provenance", provenance)
        put(record, "confidence", confidence)
        put(record, "keyframe", keyframe)
        return record

    @property
    def is_human(self) -> bool:
        """True for boxes a person drew or confirmed (manual keyframes and manual edits)."""
        return self.provenance == Provenance.MANUAL

    @property
    def effective_thermal_box(self) -> np.ndarray | None:
        """The thermal box, falling back to the visible box."""
        return self.thermal_box if self.thermal_box is not None else self.box

    def with_changes(self, **changes) -> FrameAnnotation:
        """A copy with ``changes`` applied (validated again)."""
        return replace(self, **changes)

    def __eq__(self, other) -> bool:
        if not isinstance(other, FrameAnnotation):
            return NotImplemented

        def same(a, b) -> bool:
            if a is None or b is None:
                return a is None and b is None
            return bool(np.array_equal(a, b))

        return (
            self.frame == other.frame
            and same(self.box, other.box)
            and same(self.thermal_box, other.thermal_box)
            and self.absent == other.absent
            and self.occluded == other.occluded
            and self.provenance == other.provenance
            and self.confidence == other.confidence
            and self.keyframe == other.keyframe
        )

    def __hash__(self) -> int:
        return hash((self.frame, None if self.box is None else tuple(self.box), self.provenance, self.absent))


def absent(frame: int, provenance: Provenance = Provenance.MANUAL, *, keyframe: bool = False) -> FrameAnnotation:
    """An absent-target record."""
    return FrameAnnotation(frame, None, absent=True, provenance=provenance, keyframe=keyframe)


def boxes_array(records, num_frames: int) -> np.ndarray:
    """(num_frames, 4) float64 visible boxes from records; NaN rows where absent or missing."""
    out = np.full((num_frames, 4), np.nan)
    for record in records.values() if isinstance(records, dict) else records:
        if 0 <= record.frame < num_frames and record.box is not None:
            out[record.frame] = record.box
    return out
