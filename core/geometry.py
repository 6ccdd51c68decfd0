"""The one box convention of the project and the geometry around it.

Inside the project a box is ``x, y, w, h`` in pixels of the *visible* frame: top-left
corner and size, float64, continuous coordinates (pixel ``i`` covers ``[i, i+1)``).
A single box is a ``numpy`` array of shape ``(4,)``; many boxes are ``(N, 4)``.
An absent target is ``None`` in records and a row of NaN in arrays.

Other conventions (corners, centre-size, 8-value polygons, the toolkits' inclusive
pixels) are converted only at the edges, with the functions below.
"""
from __future__ import annotations

import numpy as np

BoxArray = np.ndarray  # (4,) or (N, 4) float64, x, y, w, h


def as_box(values) -> np.ndarray:
    """Return ``values`` as a float64 array of shape (4,) (x, y, w, h)."""
    box = np.asarray(values, dtype=np.float64).reshape(-1)
    if box.shape != (4,):
        raise ValueError(f"a box needs 4 values (x, y, w, h), got {box.shape[0]}")
    return box


def xywh_to_xyxy(boxes) -> np.ndarray:
    """(…, 4) x, y, w, h -> (…, 4) x1, y1, x2, y2 (continuous, x2 = x + w)."""
    b = np.asarray(boxes, dtype=np.float64)
    return np.concatenate([b[..., :2], b[..., :2] + b[..., 2:]], axis=-1)


def xyxy_to_xywh(boxes) -> np.ndarray:
    """(…, 4) x1, y1, x2, y2 -> (…, 4) x, y, w, h."""
    b = np.asarray(boxes, dtype=np.float64)
    return np.concatenate([b[..., :2], b[..., 2:] - b[..., :2]], axis=-1)


def xywh_to_cxcywh(boxes) -> np.ndarray:
    """(…, 4) x, y, w, h -> (…, 4) centre x, centre y, w, h."""
    b = np.asarray(boxes, dtype=np.float64)
    return np.concatenate([b[..., :2] + b[..., 2:] / 2.0, b[..., 2:]], axis=-1)


def cxcywh_to_xywh(boxes) -> np.ndarray:
    """(…, 4) centre x, centre y, w, h -> (…, 4) x, y, w, h."""
    b = np.asarray(boxes, dtype=np.float64)
    return np.concatenate([b[..., :2] - b[..., 2:] / 2.0, b[..., 2:]], axis=-1)


def polygon_to_xywh(points) -> np.ndarray:
    """(…, 8) polygon x1, y1, …, x4, y4 -> (…, 4) axis-aligned bounding box x, y, w, h."""
    p = np.asarray(points, dtype=np.float64)
    xs, ys = p[..., 0::2], p[..., 1::2]
    x1, y1 = xs.min(axis=-1), ys.min(axis=-1)
    return np.stack([x1, y1, xs.max(axis=-1) - x1, ys.max(axis=-1) - y1], axis=-1)


def box_center(boxes) -> np.ndarray:
    """(…, 4) x, y, w, h -> (…, 2) centre."""
    b = np.asarray(boxes, dtype=np.float64)
    return b[..., :2] + b[..., 2:] / 2.0


def iou(a, b) -> np.ndarray:
    """Intersection over union of x, y, w, h boxes, continuous coordinates, broadcast over (…, 4).

    Returns 0 where either box is empty or NaN. (The toolkits' inclusive-pixel IoU lives
    in ``core.metrics``; this one is for tracking and the studio.)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    ax1, ay1 = a[..., 0], a[..., 1]
    ax2, ay2 = ax1 + a[..., 2], ay1 + a[..., 3]
    bx1, by1 = b[..., 0], b[..., 1]
    bx2, by2 = bx1 + b[..., 2], by1 + b[..., 3]
    iw = np.clip(np.minimum(ax2, bx2) - np.maximum(ax1, bx1), 0, None)
    ih = np.clip(np.minimum(ay2, by2) - np.maximum(ay1, by1), 0, None)
    inter = iw * ih
    union = np.clip(a[..., 2], 0, None) * np.clip(a[..., 3], 0, None) + np.clip(b[..., 2], 0, None) * np.clip(
        b[..., 3], 0, None
    ) - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return np.nan_to_num(out, nan=0.0)


def center_error(a, b) -> np.ndarray:
    """Euclidean distance between box centres, (…, 4) x, y, w, h -> (…)."""
    return np.linalg.norm(box_center(a) - box_center(b), axis=-1)


def clip_box(box, image_width: int, image_height: int, margin=0.0) -> np.ndarray:
    """Clip an x, y, w, h box so that at least ``margin`` pixels of it stay inside the image.

    With ``margin=10`` this is OSTrack's ``clip_box``: the box may hang out of the image
    but keeps a ``margin``-pixel overlap, and w, h stay >= ``margin``. ``margin`` may also be
    ``(margin_x, margin_y)``, one per axis (the tracker's floor for a target drawn smaller
    than 10 px, ``TrackerConfig.box_floor``).
    """
    x1, y1, w, h = as_box(box)
    margin_x, margin_y = (float(margin), float(margin)) if np.ndim(margin) == 0 else (float(m) for m in margin)
    x2, y2 = x1 + w, y1 + h
    x1 = min(max(0.0, x1), image_width - margin_x)
    x2 = max(min(float(image_width), x2), margin_x)
    y1 = min(max(0.0, y1), image_height - margin_y)
    y2 = max(min(float(image_height), y2), margin_y)
    w = max(margin_x, x2 - x1)
    h = max(margin_y, y2 - y1)
    return np.array([x1, y1, w, h], dtype=np.float64)


def is_valid_box(box) -> bool:
    """True when ``box`` is 4 finite numbers with w > 0 and h > 0."""
    if box is None:
        return False
    b = np.asarray(box, dtype=np.float64).reshape(-1)
    return b.shape == (4,) and bool(np.all(np.isfinite(b))) and b[2] > 0 and b[3] > 0


def parse_box_text(text: str) -> np.ndarray:
    """Parse ``"x,y,w,h"`` (commas, spaces or tabs) into a box; ValueError when malformed."""
    parts = [p for p in text.replace(",", " ").replace("\t", " ").split() if p]
    if len(parts) != 4:
        raise ValueError(f"expected 4 numbers x,y,w,h, got {text!r}")
    box = as_box([float(p) for p in parts])
    if not is_valid_box(box):
        raise ValueError(f"box {text!r} needs finite values with w > 0 and h > 0")
    return box
