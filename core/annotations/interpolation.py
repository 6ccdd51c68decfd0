"""Linear interpolation of boxes between the boxes kept (keyframes, drawn, accepted, imported): pure functions, inputs never mutated.

What I fills (``plan_interpolation``), between consecutive anchors: the boxes and marks a
person made or confirmed (manual boxes and keyframes, absent marks, teacher boxes accepted,
imported boxes), which I never replaces, so its boxes pass through every one it keeps:

- between two present anchors: a linear box on every frame that holds no record or an
  earlier interpolated record; tracker boxes (provenance ``student``) only when the run
  is bounded by a range the user selected;
- between a present and an absent keyframe: nothing (where the target left the view is
  unknown), the frames stay as they are;
- between two absent keyframes: frames with no record are marked absent (out of view on
  both sides); a frame that holds a box keeps it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.wording import plural


def interpolate_between(a: FrameAnnotation, b: FrameAnnotation) -> list[FrameAnnotation]:
    """Records for the frames strictly between ``a.frame`` and ``b.frame``.

    Boxes (and thermal boxes) are interpolated linearly in x, y, w, h; provenance is
    ``interpolated``, confidence None. Both ends absent: absent records in between (out
    of view on both sides). One end absent, the other a box: empty (no guessing when the
    target left the view). Empty when the frames are adjacent.
    """
    if b.frame < a.frame:
        a, b = b, a
    gap = b.frame - a.frame
    if gap <= 1:
        return []
    a_gone, b_gone = a.absent or a.box is None, b.absent or b.box is None
    if a_gone and b_gone:
        return [FrameAnnotation(f, None, absent=True, provenance=Provenance.INTERPOLATED)
                for f in range(a.frame + 1, b.frame)]
    if a_gone or b_gone:
        return []
    out = []
    for frame in range(a.frame + 1, b.frame):
        t = (frame - a.frame) / gap
        box = (1.0 - t) * a.box + t * b.box
        thermal = None
        if a.thermal_box is not None or b.thermal_box is not None:
            thermal = (1.0 - t) * a.effective_thermal_box + t * b.effective_thermal_box
        out.append(
            FrameAnnotation(
                frame,
                box,
                thermal_box=thermal,
                occluded=a.occluded and b.occluded,
                provenance=Provenance.INTERPOLATED,
            )
        )
    return out


@dataclass(frozen=True)
class InterpolationPlan:
    """What I does: ``records`` to write (one undo step) and what it left alone, counted.

    ``kept_tracked``: frames between two box keyframes whose tracker box was kept (no
    range selected). ``beside_absent``: frames between a box keyframe and an absent one,
    left as they are. ``unchanged``: interpolated frames that already hold the box I would
    write. ``boxes`` / ``absent``: how many of ``records`` are boxes / absent.
    """

    records: list[FrameAnnotation] = field(default_factory=list)
    kept_tracked: int = 0
    beside_absent: int = 0
    keyframes: int = 0
    unchanged: int = 0  # interpolated frames that hold the very box again (I pressed twice)

    @property
    def boxes(self) -> int:
        return sum(1 for r in self.records if not r.absent)

    @property
    def absent(self) -> int:
        return sum(1 for r in self.records if r.absent)

    def message(self) -> str:
        """One status-bar line: what was interpolated, or why nothing was."""
        notes = []
        if self.kept_tracked:
            them = "it" if self.kept_tracked == 1 else "them"
            notes.append(f"kept {plural(self.kept_tracked, 'tracked box', 'tracked boxes')}; select a range to replace "
                         f"{them}")
        if self.beside_absent:
            notes.append(f"left {plural(self.beside_absent, 'frame')} between a box and an absent keyframe as they are")
        if self.records:
            # frames that held their interpolated box already count: the range reads as interpolated through
            boxes = self.boxes + self.unchanged
            done = f"interpolated {plural(boxes, 'frame')}" if boxes else ""
            if self.absent:
                done += (", " if done else "") + f"marked {plural(self.absent, 'frame')} absent between absent keyframes"
            return done + (f" ({'; '.join(notes)})" if notes else "")
        if self.keyframes < 2:
            return "nothing to interpolate: needs two kept boxes (keyframes, or boxes drawn, accepted or imported)"
        if self.unchanged and not notes:  # I again: "interpolated 10 frames" of the boxes they held
            return (f"nothing to interpolate: the {plural(self.unchanged, 'frame')} between the kept boxes hold these "
                    "interpolated boxes already")
        if notes:
            return "nothing to interpolate: " + "; ".join(notes)
        return "nothing to interpolate: no empty, interpolated or tracked frames between the kept boxes"


#: the provenances I anchors on besides keyframes: what a person drew, accepted from the teacher or
#: imported. Only keyframes and manual boxes were anchors: with keyframes on 0 and 20 and a teacher box
#: accepted on 10 (x 50), I filled 1-19 along the line from 0 to 20 and kept 10, so the box went
#: x 9, 50, 11 on frames 9-11 (likewise past an imported box)
ANCHORS = frozenset({Provenance.MANUAL, Provenance.TEACHER, Provenance.IMPORTED})


def is_anchor(record: FrameAnnotation) -> bool:
    """Whether I interpolates from ``record``: a keyframe, or a box or mark a person drew, accepted or
    imported (``ANCHORS``): never a tracker's box nor an interpolated one."""
    return record.keyframe or record.provenance in ANCHORS


def _keyframes(records: Mapping[int, FrameAnnotation], start: int | None, stop: int | None) -> list[int]:
    return sorted(f for f, r in records.items()
                  if is_anchor(r) and (start is None or f >= start) and (stop is None or f <= stop))


def plan_interpolation(records: Mapping[int, FrameAnnotation], start: int | None = None,
                       stop: int | None = None, *, replace_tracked: bool | None = None) -> InterpolationPlan:
    """Interpolated records for every gap between consecutive keyframes in ``[start, stop]``.

    Anchors (``is_anchor``): keyframes, manual, accepted teacher and imported records; counted in
    ``InterpolationPlan.keyframes``. Overwritten: frames
    with no record and interpolated records; ``student`` (tracker) records only when
    ``replace_tracked`` (None: when ``start`` or ``stop`` bounds the run, i.e. the user
    selected a range). Never manual, teacher, imported or keyframe records; never an
    existing box turned absent.
    """
    if replace_tracked is None:
        replace_tracked = start is not None or stop is not None
    keys = _keyframes(records, start, stop)
    replaceable = {Provenance.INTERPOLATED, Provenance.STUDENT} if replace_tracked else {Provenance.INTERPOLATED}
    out: list[FrameAnnotation] = []
    kept = beside = unchanged = 0
    for left, right in zip(keys, keys[1:], strict=False):
        a, b = records[left], records[right]
        filled = interpolate_between(a, b)
        if not filled and right - left > 1:  # one end absent, the other a box
            beside += right - left - 1
        for record in filled:
            current = records.get(record.frame)
            if record.absent:  # between two absent keyframes: empty frames only
                if current is None:
                    out.append(record)
            elif current is not None and current.provenance == Provenance.INTERPOLATED and _same(current, record):
                unchanged += 1  # written again, it was an undo step that changed nothing
            elif current is None or current.provenance in replaceable and not current.keyframe:
                out.append(record)
            elif current.provenance == Provenance.STUDENT and not current.keyframe:
                kept += 1
    return InterpolationPlan(out, kept_tracked=kept, beside_absent=beside, keyframes=len(keys), unchanged=unchanged)


def _same(current: FrameAnnotation, new: FrameAnnotation) -> bool:
    """True when the interpolated record ``current`` already holds what ``new`` would write."""
    if current.absent != new.absent or current.occluded != new.occluded or current.keyframe:
        return False
    thermal = current.thermal_box, new.thermal_box
    if (thermal[0] is None) != (thermal[1] is None):
        return False
    if thermal[0] is not None and not np.allclose(thermal[0], thermal[1], atol=1e-6):
        return False
    return boxes_close(current, new)


def interpolate_keyframes(records: Mapping[int, FrameAnnotation], start: int | None = None,
                          stop: int | None = None, *, replace_tracked: bool | None = None) -> list[FrameAnnotation]:
    """The records of ``plan_interpolation`` (same rules)."""
    return plan_interpolation(records, start, stop, replace_tracked=replace_tracked).records


def boxes_close(a: FrameAnnotation, b: FrameAnnotation, tol: float = 1e-6) -> bool:
    if a.box is None or b.box is None:
        return a.box is None and b.box is None
    return bool(np.allclose(a.box, b.box, atol=tol))
