"""Self-supervised targets on unlabeled RGB-T frames: a random box on a textured region.

Without boxes, a training pair is cut from one registered frame pair (or two frames a few
apart, sharing the box): the "target" is a box where *both* modalities have structure, so
the template holds something to match and the thermal branch sees real thermal texture.
Template/search shift and scale jitter come from ``core.training.processing`` as for any
source.

:func:`textured_box`: ``candidates`` random boxes (side sqrt(w h) a fraction
U(``size_range``) of the shorter image side, aspect exp(U(-a, a))), each scored by the
mean gradient magnitude inside it relative to the frame's mean, per modality; the score
is the smaller of the two (texture in both); the best candidate wins. Gradients are
computed on a copy shrunk by ``SHRINK`` (cheap: a 640x480 pair costs about a millisecond).
"""
from __future__ import annotations

import cv2
import numpy as np

SHRINK = 4


def gradient_energy(image: np.ndarray, shrink: int = SHRINK) -> np.ndarray:
    """(h, w) float32 Sobel gradient magnitude of ``image`` ((H, W) or (H, W, 3) uint8)
    shrunk ``shrink`` times (area average), divided by its mean (1 = average texture)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
    h, w = grey.shape[:2]
    small = cv2.resize(grey, (max(4, w // shrink), max(4, h // shrink)), interpolation=cv2.INTER_AREA)
    small = small.astype(np.float32)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = cv2.magnitude(gx, gy)
    return magnitude / max(float(magnitude.mean()), 1e-3)


def box_means(integral: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Mean of the map under each (x0, y0, x1, y1) int box (exclusive ends) via its integral image."""
    x0, y0, x1, y1 = boxes.T
    total = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    return total / np.maximum((x1 - x0) * (y1 - y0), 1)


def textured_box(visible: np.ndarray, thermal: np.ndarray, rng: np.random.Generator, *,
                 size_range: tuple[float, float] = (0.08, 0.3), aspect: float = 0.6, candidates: int = 24,
                 min_side: float = 12.0, shrink: int = SHRINK) -> np.ndarray:
    """(4,) float64 x, y, w, h (pixels of the frames) of a box with texture in both
    modalities (see the module docstring). ``visible`` (H, W, 3) and ``thermal`` (H, W)
    uint8 on one grid. Deterministic in (frames, rng state)."""
    h, w = thermal.shape[:2]
    energies = [gradient_energy(visible, shrink), gradient_energy(thermal, shrink)]
    sh, sw = energies[0].shape
    integrals = [cv2.integral(e.astype(np.float64)) for e in energies]
    short = min(w, h)
    side = np.maximum(rng.uniform(size_range[0], size_range[1], candidates) * short, min_side)
    ratio = np.exp(rng.uniform(-aspect, aspect, candidates))
    bw = np.minimum(side * np.sqrt(ratio), w - 1.0)
    bh = np.minimum(side / np.sqrt(ratio), h - 1.0)
    x = rng.uniform(0.0, 1.0, candidates) * (w - bw)
    y = rng.uniform(0.0, 1.0, candidates) * (h - bh)
    fx, fy = sw / w, sh / h
    cells = np.stack([np.floor(x * fx), np.floor(y * fy), np.ceil((x + bw) * fx), np.ceil((y + bh) * fy)], axis=1)
    cells = cells.astype(np.int64)
    cells[:, [0, 2]] = np.clip(cells[:, [0, 2]], 0, sw)
    cells[:, [1, 3]] = np.clip(cells[:, [1, 3]], 0, sh)
    cells[:, 2] = np.maximum(cells[:, 2], cells[:, 0] + 1)
    cells[:, 3] = np.maximum(cells[:, 3], cells[:, 1] + 1)
    cells[:, [0, 2]] = np.clip(cells[:, [0, 2]], 0, sw)
    cells[:, [1, 3]] = np.clip(cells[:, [1, 3]], 0, sh)
    score = np.minimum(box_means(integrals[0], cells), box_means(integrals[1], cells))
    best = int(np.argmax(score))
    return np.array([x[best], y[best], bw[best], bh[best]], dtype=np.float64)
