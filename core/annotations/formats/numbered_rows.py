"""Frame-numbered box rows (``frame,x,y,w,h`` or MOTChallenge's ``frame,id,x,y,w,h[,conf,...]``)
as parsed and checked, before :mod:`core.annotations.formats.box_import` makes records of them:
the frame numbers, object ids, boxes and file lines as arrays (:class:`NumberedRows`), the
first bad line named (:func:`numbered_rows`), and the rows of one object (:func:`rows_of_object`,
:class:`SeveralObjectsError` when a file of several objects names none).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import AnnotationFormatError


class SeveralObjectsError(AnnotationFormatError):
    """A MOT file holding more than one object id, with no id chosen: ``ids`` (sorted)."""

    def __init__(self, path: Path, ids: list[int]):
        listed = ", ".join(str(i) for i in ids[:8]) + (", ..." if len(ids) > 8 else "")
        super().__init__(path, f"holds {len(ids)} objects (ids {listed}); the studio labels one: choose its id")
        self.ids = ids


#: frame numbers from here on are refused: a float64 no longer holds them exactly, and past 2**63 their
#: int64 wrapped to a negative frame ('frame -9223372036854775808 has a second row' for 1e20 and 2e20)
TOO_LARGE_FRAME = 2 ** 53


def line_tokens(line: str) -> list[str]:
    """The values of one line: split on commas, semicolons and white space (a regular
    expression's split took three times as long)."""
    return line.replace(",", " ").replace(";", " ").split()


@dataclass(frozen=True)
class NumberedRows:
    """Frame-numbered rows as parsed, every row kept (file order): ``numbers`` (N,) int64 frame
    numbers as written; ``ids`` (N,) float64 MOT object ids, or None for 5-value rows; ``boxes``
    (N, 4) float64 as written (the header's convention); ``line_of`` (N,) int64 1-based file
    lines; ``ignored`` (N,) bool, a 0 as the 7th value (MOT's consider flag)."""

    numbers: np.ndarray
    ids: np.ndarray | None
    boxes: np.ndarray
    line_of: np.ndarray
    ignored: np.ndarray


def numbered_rows(path: Path, lines: list[str], skip: int, values: np.ndarray | None, width: int) -> NumberedRows:
    """The frame-numbered rows ``lines[skip:]`` (``values``: their ``(N, width)`` numbers, or
    None when a line is blank or holds a value that is not a number), checked:
    AnnotationFormatError naming the first line that is blank, holds a value that is not a
    number, a frame number that is not a whole number >= 0, or a MOT object id that is not a
    whole number. Whole arrays at once (a 62,000-row MOT file took 1.2 s row by row); a bad
    file is read again row by row to name its first bad line."""
    if values is not None and values.shape[1] == width:
        count, frame = len(values), values[:, 0]
        with np.errstate(invalid="ignore"):
            good = np.isfinite(frame) & (frame >= 0) & (frame == np.floor(frame)) & (frame < TOO_LARGE_FRAME)
            if width >= 6:
                good &= np.isfinite(values[:, 1]) & (values[:, 1] == np.floor(values[:, 1]))
        if good.all():
            return NumberedRows(frame.astype(np.int64), values[:, 1].copy() if width >= 6 else None,
                                 values[:, 2:6].copy() if width >= 6 else values[:, 1:5].copy(),
                                 np.arange(skip + 1, skip + 1 + count, dtype=np.int64),
                                 values[:, 6] == 0 if width >= 7 else np.zeros(count, bool))
    for number, line in enumerate(lines[skip:], start=skip + 1):
        check_numbered_row(path, number, line, line_tokens(line))
    raise AssertionError("a row the arrays refused passed row by row")  # pragma: no cover


def check_numbered_row(path: Path, number: int, line: str, tokens: list[str]) -> None:
    """AnnotationFormatError naming file line ``number`` (``line``, its value ``tokens``) when it
    is blank, holds a value that is not a number, a frame number that is not a whole number
    >= 0, or a MOT object id that is not a whole number."""
    if not line.strip():
        raise AnnotationFormatError(path, "blank line between box rows", line=number)
    try:
        values = [float(t) for t in tokens]
    except ValueError:
        raise AnnotationFormatError(path, f"not a number in {line.strip()!r}", line=number) from None
    frame = values[0]
    if not (math.isfinite(frame) and frame >= 0 and frame == int(frame)):
        raise AnnotationFormatError(path, f"frame number {tokens[0]!r} is not a whole number >= 0", line=number)
    if frame >= TOO_LARGE_FRAME:
        raise AnnotationFormatError(path, f"frame number {tokens[0]!r} is too large to be a frame of footage",
                                    line=number)
    if len(values) >= 6 and not (math.isfinite(values[1]) and values[1] == int(values[1])):
        # frame,x,y,w,h,score read as MOT: its x values became ids, and the studio's choice of one crashed
        raise AnnotationFormatError(path, f"object id {tokens[1]!r} is not a whole number: rows of {len(values)} "
                                          "values are read as MOT's frame,id,x,y,w,h,...; for frame,x,y,w,h,score "
                                          "rows leave the score out", line=number)


def object_ids(rows: NumberedRows) -> list[int]:
    """The object ids of ``rows`` that are not all ignored (MOT's consider flag), sorted; [] for
    rows without ids."""
    if rows.ids is None:
        return []
    return [int(i) for i in np.unique(rows.ids[~rows.ignored])]


def rows_of_object(path: Path, ids: np.ndarray | None, object_id: int | None) -> np.ndarray:
    """Indices into ``ids`` ((N,) float64 MOT object ids, or None for rows without ids) of the
    rows of one object: every row of a file without ids (5 values), of the only id, or of
    ``object_id``."""
    if ids is None:
        return slice(None)
    present = [int(i) for i in np.unique(ids)]
    if object_id is None:
        if len(present) > 1:
            raise SeveralObjectsError(path, present)
        return np.arange(len(ids))
    keep = np.flatnonzero(ids == object_id)
    if not len(keep):
        listed = ", ".join(str(i) for i in present[:8]) + (", ..." if len(present) > 8 else "")
        raise AnnotationFormatError(path, f"no object id {object_id} (the file holds ids {listed})")
    return keep
