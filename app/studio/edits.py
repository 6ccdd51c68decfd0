"""The user's edits as core commands (Qt-free): pure functions of the current records.

Boxes are ``x, y, w, h`` float pixels on the visible grid (``core.geometry``).
Every human edit makes the frame a manual keyframe (the trackers never overwrite it).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from core.annotations.history import Command, SetRecords
from core.annotations.interpolation import interpolate_between
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.geometry import clip_box

MIN_SIZE = 2.0


def clean_box(box, width: int, height: int) -> np.ndarray | None:
    """The box clipped to the image; None when it is smaller than MIN_SIZE px."""
    box = clip_box(np.asarray(box, dtype=np.float64), width, height)
    if not np.all(np.isfinite(box)) or box[2] < MIN_SIZE or box[3] < MIN_SIZE:
        return None
    return box


def set_box(records: Mapping[int, FrameAnnotation], frame: int, box, *, modality: str = "visible",
            separate_thermal: bool = False) -> SetRecords:
    """The frame's box drawn or moved by the user -> a manual keyframe.

    modality "visible": sets ``box`` (the thermal box is kept only in ``separate_thermal``
    mode); "thermal": sets the thermal box when ``separate_thermal``, else the common box.
    Flags (occluded) are kept; absent is cleared.
    """
    old = records.get(frame)
    box = np.asarray(box, dtype=np.float64)
    occluded = bool(old.occluded) if old is not None else False
    if modality == "thermal" and separate_thermal:
        visible = old.box if old is not None and old.box is not None else box
        record = FrameAnnotation(frame, visible, thermal_box=box, occluded=occluded, keyframe=True)
    else:
        thermal = old.thermal_box if (separate_thermal and old is not None) else None
        record = FrameAnnotation(frame, box, thermal_box=thermal, occluded=occluded, keyframe=True)
    return SetRecords([record], label=f"box on frame {frame + 1}")


def toggle_absent(records: Mapping[int, FrameAnnotation], frame: int) -> SetRecords:
    """Absent <-> present. Making a frame present again needs a box: the previous one is
    reused when known (the record before the flag), else the nearest earlier box."""
    old = records.get(frame)
    if old is None or not old.absent:
        record = FrameAnnotation(frame, None, absent=True, keyframe=True)
        return SetRecords([record], label=f"absent on frame {frame + 1}")
    box = nearest_box(records, frame)
    if box is None:
        raise ValueError(f"frame {frame + 1}: draw a box to mark the target present")
    return SetRecords([FrameAnnotation(frame, box, keyframe=True)], label=f"present on frame {frame + 1}")


def toggle_occluded(records: Mapping[int, FrameAnnotation], frame: int) -> SetRecords:
    old = records.get(frame)
    if old is None or old.absent:
        raise ValueError(f"frame {frame + 1}: no box to mark occluded")
    record = old.with_changes(occluded=not old.occluded, provenance=Provenance.MANUAL, keyframe=True)
    return SetRecords([record], label=f"{'occluded' if record.occluded else 'visible'} on frame {frame + 1}")


def toggle_keyframe(records: Mapping[int, FrameAnnotation], frame: int) -> SetRecords:
    """K: confirm the frame's current box as a manual keyframe (or drop the keyframe mark)."""
    old = records.get(frame)
    if old is None:
        raise ValueError(f"frame {frame + 1}: no box to make a keyframe")
    if old.keyframe and old.provenance == Provenance.MANUAL:
        record = old.with_changes(keyframe=False)
    else:
        record = old.with_changes(keyframe=True, provenance=Provenance.MANUAL, confidence=None)
    return SetRecords([record], label=f"keyframe on frame {frame + 1}")


def nearest_box(records: Mapping[int, FrameAnnotation], frame: int) -> np.ndarray | None:
    """The box of the closest earlier frame that has one (else the closest later)."""
    earlier = [f for f, r in records.items() if f < frame and r.box is not None]
    if earlier:
        return records[max(earlier)].box
    later = [f for f, r in records.items() if f > frame and r.box is not None]
    return records[min(later)].box if later else None


def keyframes(records: Mapping[int, FrameAnnotation]) -> list[int]:
    return sorted(f for f, r in records.items() if r.keyframe or r.provenance == Provenance.MANUAL)


def interpolate_around(records: Mapping[int, FrameAnnotation], frame: int) -> SetRecords | None:
    """Interpolate between the keyframes around ``frame`` (at or before, and after).

    Only frames without a human box are filled (manual/imported boxes stay). None when
    there is no such pair of keyframes or nothing to fill.
    """
    keys = keyframes(records)
    left = [k for k in keys if k <= frame]
    right = [k for k in keys if k > frame]
    if not left or not right:
        return None
    a, b = records[left[-1]], records[right[0]]
    filled = [r for r in interpolate_between(a, b)
              if records.get(r.frame) is None
              or records[r.frame].provenance in (Provenance.INTERPOLATED, Provenance.STUDENT, Provenance.TEACHER)
              and not records[r.frame].keyframe]
    if not filled:
        return None
    return SetRecords(filled, label=f"interpolate frames {a.frame + 2}-{b.frame}")


@dataclass
class AcceptProposals(Command):
    """Teacher proposals become the frames' records (provenance teacher); the proposals
    are removed. Revert restores both the old records and the proposals."""

    proposals: dict[int, tuple]
    existing: Mapping[int, FrameAnnotation]
    label: str = "accept teacher boxes"
    _set: SetRecords | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        records = []
        for frame, (box, confidence) in sorted(self.proposals.items()):
            old = self.existing.get(frame)
            if box is None:
                records.append(FrameAnnotation(frame, None, absent=True, provenance=Provenance.TEACHER,
                                               confidence=confidence))
                continue
            thermal = old.thermal_box if old is not None else None
            records.append(FrameAnnotation(frame, box, thermal_box=thermal, occluded=bool(old and old.occluded),
                                           provenance=Provenance.TEACHER, confidence=confidence))
        self._set = SetRecords(records, label=self.label)

    @property
    def frames(self) -> list[int]:
        return sorted(self.proposals)

    def apply(self, store: AnnotationStore) -> None:
        self._set.apply(store)
        store.clear_proposals(self.frames)

    def revert(self, store: AnnotationStore) -> None:
        self._set.revert(store)
        store.put_proposals("restored", [(f, box, c) for f, (box, c) in sorted(self.proposals.items())])


def accept_proposals(proposals: Mapping[int, tuple], existing: Mapping[int, FrameAnnotation],
                     frames: Iterable[int]) -> AcceptProposals | None:
    """Accept the proposals of ``frames`` (those that exist). Human boxes are replaced
    too: accepting is a human decision."""
    chosen = {f: proposals[f] for f in frames if f in proposals}
    if not chosen:
        return None
    label = f"accept teacher box{'es' if len(chosen) > 1 else ''} ({len(chosen)} frame{'s' if len(chosen) > 1 else ''})"
    return AcceptProposals(chosen, dict(existing), label=label)
