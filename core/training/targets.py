"""Gaussian heatmap targets (CenterNet / OSTrack) on the F x F feature grid.

The target peak (value exactly 1) sits at the cell ``floor(cx * F), floor(cy * F)`` of the
box centre; the Gaussian's radius is CornerNet's ``gaussian_radius`` for the box size in
cells with ``min_overlap`` (0.7), sigma = (2 r + 1) / 6.
"""
from __future__ import annotations

import math

import numpy as np


def gaussian_radius(height: float, width: float, min_overlap: float = 0.7) -> float:
    """CornerNet's radius: the smallest of the three corner-shift cases keeping IoU >=
    ``min_overlap`` (height/width in cells)."""
    a1 = 1.0
    b1 = height + width
    c1 = width * height * (1 - min_overlap) / (1 + min_overlap)
    r1 = (b1 + math.sqrt(max(0.0, b1 ** 2 - 4 * a1 * c1))) / 2
    a2 = 4.0
    b2 = 2 * (height + width)
    c2 = (1 - min_overlap) * width * height
    r2 = (b2 + math.sqrt(max(0.0, b2 ** 2 - 4 * a2 * c2))) / 2
    a3 = 4 * min_overlap
    b3 = -2 * min_overlap * (height + width)
    c3 = (min_overlap - 1) * width * height
    r3 = (b3 + math.sqrt(max(0.0, b3 ** 2 - 4 * a3 * c3))) / 2
    return min(r1, r2, r3)


def center_cell(box_cxcywh: np.ndarray, feature_size: int) -> tuple[int, int]:
    """(ix, iy) cell of a normalised box centre, clipped to the grid."""
    f = feature_size
    ix = int(np.clip(math.floor(float(box_cxcywh[0]) * f), 0, f - 1))
    iy = int(np.clip(math.floor(float(box_cxcywh[1]) * f), 0, f - 1))
    return ix, iy


def gaussian_heatmap(box_cxcywh: np.ndarray, feature_size: int, min_overlap: float = 0.7) -> np.ndarray:
    """box: (4,) cx, cy, w, h in crop units [0, 1] -> (1, F, F) float32 heatmap, peak 1."""
    f = int(feature_size)
    heatmap = np.zeros((1, f, f), dtype=np.float32)
    w, h = float(box_cxcywh[2]) * f, float(box_cxcywh[3]) * f
    radius = max(0, int(gaussian_radius(h, w, min_overlap)))
    sigma = (2 * radius + 1) / 6.0
    ix, iy = center_cell(box_cxcywh, f)
    ys, xs = np.mgrid[0:f, 0:f]
    d2 = (xs - ix) ** 2 + (ys - iy) ** 2
    g = np.exp(-d2 / (2 * sigma * sigma))
    g[np.abs(xs - ix) > radius] = 0.0
    g[np.abs(ys - iy) > radius] = 0.0
    g[g < np.finfo(np.float32).eps * g.max()] = 0.0
    heatmap[0] = g.astype(np.float32)
    heatmap[0, iy, ix] = 1.0
    return heatmap
