"""Corners ``x1 y1 x2 y2`` <-> ``x, y, w, h``, computed on the values as written
(:func:`decimal_sum`: ``229.48 + 16.04`` is ``245.52``, not ``245.51999999999998``), and the
first row whose bottom-right corner lies left of or above its top-left one."""
from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np


def swapped_corner(corners: np.ndarray) -> tuple[int, str] | None:
    """``(row, what)`` of the first row of ``(N, 4)`` corners x1 y1 x2 y2 whose bottom-right
    corner lies left of or above its top-left one (``what``: "x2 (5) < x1 (9)"), or None.
    ``0 0 0 0`` and NaN rows pass."""
    with np.errstate(invalid="ignore"):
        swapped = (corners[:, 2] < corners[:, 0]) | (corners[:, 3] < corners[:, 1])
    if not swapped.any():
        return None
    k = int(np.flatnonzero(swapped)[0])
    x1, y1, x2, y2 = corners[k].tolist()
    return k, f"x2 ({x2:g}) < x1 ({x1:g})" if x2 < x1 else f"y2 ({y2:g}) < y1 ({y1:g})"


def decimal_sum(a, b, *, subtract: bool = False) -> np.ndarray:
    """``a + b`` (``a - b`` with ``subtract``) elementwise, computed on the values as written
    (their shortest decimal text) and rounded once to float64: ``229.48 + 16.04`` is
    ``245.52``, where float64 gives ``245.51999999999998``, and ``245.52 - 229.48`` is
    ``16.04`` again. So boxes written as corners or polygons and read back come back as
    they were written. Whole numbers (exact either way), NaN and inf take the float64 path."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = np.broadcast_to(a, shape).reshape(-1), np.broadcast_to(b, shape).reshape(-1)
    with np.errstate(invalid="ignore"):
        out = a - b if subtract else a + b
        fractional = np.isfinite(out) & ((a != np.round(a)) | (b != np.round(b)))
    if fractional.any():
        with localcontext(prec=50):  # exact for any two float64 texts of pixel coordinates
            for k in np.flatnonzero(fractional).tolist():
                x, y = Decimal(repr(float(a[k]))), Decimal(repr(float(b[k])))
                out[k] = float(x - y if subtract else x + y)
    return out.reshape(shape)


def corners_to_xywh(corners: np.ndarray) -> np.ndarray:
    """``(N, 4)`` GTOT corners ``x1 y1 x2 y2`` -> ``x, y, w, h`` with ``w = x2 - x1`` (no +1;
    a :func:`decimal_sum` difference)."""
    c = np.asarray(corners, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([c[:, :2], decimal_sum(c[:, 2:], c[:, :2], subtract=True)], axis=1)


def xywh_to_corners(boxes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`corners_to_xywh` (``x2 = x + w``, a :func:`decimal_sum`); all-zero
    (absent) rows stay ``0 0 0 0``."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    out = np.concatenate([b[:, :2], decimal_sum(b[:, :2], b[:, 2:])], axis=1)
    out[~np.any(b != 0, axis=1)] = 0.0
    return out
