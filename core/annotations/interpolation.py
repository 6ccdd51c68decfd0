"""Linear interpolation of boxes between keyframes: pure functions, inputs never mutated."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance


def interpolate_between(a: FrameAnnotation, b: FrameAnnotation) -> list[FrameAnnotation]:
    """Records for the frames strictly between ``a.frame`` and ``b.frame``.

    Boxes (and thermal boxes) are interpolated linearly in x, y, w, h; provenance is
    ``interpolated``, confidence None. If either end is absent the target is taken as
    absent in between (no guessing where it was). Empty when the frames are adjacent.
    """
    if b.frame < a.frame:
        a, b = b, a
    gap = b.frame - a.frame
    if gap <= 1:
        return []
    out = []
    for frame in range(a.frame + 1, b.frame):
        t = (frame - a.frame) / gap
        if a.absent or b.absent or a.box is None or b.box is None:
            out.append(FrameAnnotation(frame, None, absent=True, provenance=Provenance.INTERPOLATED))
            continue
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


def interpolate_keyframes(records: Mapping[int, FrameAnnotation], start: int | None = None,
                          stop: int | None = None) -> list[FrameAnnotation]:
    """Interpolated records for every gap between consecutive keyframes in ``[start, stop]``.

    Keyframes are records with ``keyframe=True`` or manual provenance. Frames that hold
    a non-interpolated record already are left out (the caller merges with
    ``history.merge_tracker_results`` rules in mind).
    """
    keys = sorted(
        f for f, r in records.items()
        if (r.keyframe or r.provenance == Provenance.MANUAL)
        and (start is None or f >= start) and (stop is None or f <= stop)
    )
    out: list[FrameAnnotation] = []
    for left, right in zip(keys, keys[1:], strict=False):
        for record in interpolate_between(records[left], records[right]):
            current = records.get(record.frame)
            if current is None or current.provenance in (Provenance.INTERPOLATED, Provenance.STUDENT):
                out.append(record)
    return out


def boxes_close(a: FrameAnnotation, b: FrameAnnotation, tol: float = 1e-6) -> bool:
    if a.box is None or b.box is None:
        return a.box is None and b.box is None
    return bool(np.allclose(a.box, b.box, atol=tol))
