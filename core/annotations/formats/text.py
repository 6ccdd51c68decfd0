"""Tolerant reading of box text files: the one parser every annotation loader uses.

Accepted: values separated by commas, semicolons, spaces or tabs (any mix), CRLF or LF
line ends, a UTF-8 BOM, trailing blank lines, ``NaN`` tokens, 4-value rows ``x y w h``
and 8-value polygon rows ``x1 y1 ... x4 y4`` (VOT; turned into their axis-aligned
bounding box). GTOT's corner files ``x1 y1 x2 y2`` are read with :func:`read_corners`.

Rejected with :class:`core.errors.AnnotationFormatError` naming the file and the
1-based line: a row of another length, a token that is not a number, a blank line
between box rows.

The result is always ``(N, 4)`` float64 ``x, y, w, h`` (top-left, float pixels); absent
rows (``0,0,0,0``, NaN, w or h <= 0) are returned as they are in the file: giving them
a meaning is :mod:`core.annotations.formats.rows`'s job.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from core.errors import AnnotationFormatError
from core.geometry import polygon_to_xywh

_SEPARATORS = re.compile(r"[,;]")


def read_text(path: str | Path) -> str:
    """The text of ``path`` (UTF-8, BOM dropped); AnnotationFormatError when missing or binary."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnnotationFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise AnnotationFormatError(path, "is a folder, expected a text file of boxes") from None
    except (UnicodeDecodeError, OSError) as error:
        raise AnnotationFormatError(path, f"cannot read as text ({error})") from None


def parse_boxes(text: str, path: str | Path = "<text>") -> np.ndarray:
    """Box rows of ``text`` -> ``(N, 4)`` float64 x, y, w, h (see the module doc).

    ``path`` only names the source in errors.
    """
    lines = _SEPARATORS.sub(" ", text).splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    tokens = [line.split() for line in lines]
    counts = {len(t) for t in tokens}
    if counts <= {4} or counts <= {8}:  # fast path: one row length throughout
        try:
            values = np.array([v for row in tokens for v in row], dtype=np.float64)
        except ValueError:
            values = None  # find and report the bad line below
        if values is not None:
            if counts == {8}:
                return polygon_to_xywh(values.reshape(-1, 8))
            return values.reshape(-1, 4)
    rows = []
    for number, (line, row) in enumerate(zip(lines, tokens, strict=True), start=1):
        if not row:
            raise AnnotationFormatError(Path(path), "blank line between box rows", line=number)
        try:
            values = [float(v) for v in row]
        except ValueError:
            raise AnnotationFormatError(Path(path), f"not a number in {line.strip()!r}", line=number) from None
        if len(values) == 8:
            values = polygon_to_xywh(values).tolist()
        elif len(values) != 4:
            raise AnnotationFormatError(
                Path(path), f"expected 4 values (x,y,w,h) or 8 (polygon) per row, got {len(values)}", line=number
            )
        rows.append(values)
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)


def read_boxes(path: str | Path) -> np.ndarray:
    """``(N, 4)`` float64 x, y, w, h rows of a box file (4-value or 8-value polygon rows)."""
    return parse_boxes(read_text(path), path)


def corners_to_xywh(corners: np.ndarray) -> np.ndarray:
    """``(N, 4)`` GTOT corners ``x1 y1 x2 y2`` -> ``x, y, w, h`` with ``w = x2 - x1`` (no +1)."""
    c = np.asarray(corners, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([c[:, :2], c[:, 2:] - c[:, :2]], axis=1)


def xywh_to_corners(boxes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`corners_to_xywh`; all-zero (absent) rows stay ``0 0 0 0``."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    out = np.concatenate([b[:, :2], b[:, :2] + b[:, 2:]], axis=1)
    out[~np.any(b != 0, axis=1)] = 0.0
    return out


def read_corners(path: str | Path) -> np.ndarray:
    """GTOT ``groundTruth_v.txt`` / ``groundTruth_i.txt`` -> ``(N, 4)`` x, y, w, h."""
    rows = read_boxes(path)
    return corners_to_xywh(rows)
