"""The annotation store's rows made into records, checked as whole arrays.

``AnnotationStore.records`` reads thousands of rows at once (opening a project, re-reading
the frames of an import or of its undo, an export): building each record through
``FrameAnnotation.__post_init__`` cost 1.0 s of 40,000 rows. :func:`records_from_rows`
checks every row's values at once (numpy over the columns) and builds the records with
``FrameAnnotation._trusted``; a table holding anything that check does not pass (a
database changed outside the studio) gets ``None``, and the store then builds its rows
one by one, which names the first invalid one.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance

_PROVENANCES = {p.value: p for p in Provenance}


def _boxes(rows: Sequence[tuple], first: int) -> tuple[np.ndarray, np.ndarray] | None:
    """((n, 4) read-only float64 boxes of the columns ``first``..``first + 3``, NaN rows where
    the box is NULL; (n,) bool: the row has a box), or None when a box is partly NULL, not a
    number, not finite or of w or h <= 0."""
    try:
        boxes = np.array([row[first:first + 4] for row in rows], dtype=np.float64).reshape(len(rows), 4)
    except (TypeError, ValueError, OverflowError):
        return None
    has = np.array([row[first] is not None for row in rows], dtype=bool)
    values = boxes[has]
    if not (np.isfinite(values).all() and (values[:, 2:] > 0).all()) or not np.isnan(boxes[~has]).all():
        return None
    boxes.setflags(write=False)
    return boxes, has


def records_from_rows(rows: Sequence[tuple]) -> dict[int, FrameAnnotation] | None:
    """frame -> record of ``rows``, in their order, or None when a row is not a valid record.

    ``rows``: tuples ``(frame, x, y, w, h, tx, ty, tw, th, absent, occluded, provenance,
    confidence, keyframe)`` as ``AnnotationStore._COLUMNS`` reads them (boxes x, y, w, h float
    pixels, NULL for none). The records equal those ``FrameAnnotation(...)`` makes of the same
    values; their boxes are rows of one private read-only array.
    """
    if not rows:
        return {}
    visible = _boxes(rows, 1)
    thermal = _boxes(rows, 5)
    if visible is None or thermal is None:
        return None
    boxes, has_box = visible
    thermal_boxes, has_thermal = thermal
    frames = [row[0] for row in rows]
    if not all(type(f) is int and f >= 0 for f in frames):
        return None
    absent = [bool(row[9]) for row in rows]
    absent_array = np.array(absent, dtype=bool)
    # an absent record has no box; a present one has a visible box
    if (absent_array & (has_box | has_thermal)).any() or (~absent_array & ~has_box).any():
        return None
    provenances = [_PROVENANCES.get(row[11]) for row in rows]
    if None in provenances:
        return None
    confidences = []
    for row in rows:
        value = row[12]
        if value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError, OverflowError):
                return None
            if math.isnan(value):
                value = None
        confidences.append(value)
    make = FrameAnnotation._trusted
    visible_rows = [box if has else None for box, has in zip(boxes, has_box.tolist(), strict=True)]
    thermal_rows = [box if has else None for box, has in zip(thermal_boxes, has_thermal.tolist(), strict=True)]
    return {
        frame: make(frame, box, thermal_box, gone, bool(row[10]), provenance, confidence, bool(row[13]))
        for frame, box, thermal_box, gone, row, provenance, confidence in zip(
            frames, visible_rows, thermal_rows, absent, rows, provenances, confidences, strict=True)
    }


def outputs_from_rows(rows: Sequence[tuple]) -> dict[int, tuple[np.ndarray | None, float | None]] | None:
    """frame -> (box (4,) read-only float64 or None, confidence or None) of tracker output or
    proposal ``rows`` ``(frame, x, y, w, h, confidence)``, or None when a value is not a number
    (the store then reads them one by one, to name it). Boxes are rows of one private
    read-only array; a box with a NULL x is None."""
    if not rows:
        return {}
    try:
        boxes = np.array([row[1:5] for row in rows], dtype=np.float64).reshape(len(rows), 4)
        frames = [int(row[0]) for row in rows]
        confidences = [None if row[5] is None else float(row[5]) for row in rows]
    except (TypeError, ValueError, OverflowError):
        return None
    boxes.setflags(write=False)
    return {frame: (None if row[1] is None else box, confidence)
            for frame, box, row, confidence in zip(frames, boxes, rows, confidences, strict=True)}


__all__ = ["records_from_rows", "outputs_from_rows"]
