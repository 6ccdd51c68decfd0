"""The reported box's centre, matched on the drawn target's own pixels.

The networks place the box's centre 0.05-0.1 of the target's side off on real footage (their
score map has 16 cells across a crop four targets wide), and on thin targets such as walking
people that alone costs 0.1 SR where a classical tracker matching pixels is exact
(``docs/tracking_heuristics.md``, "The centre matched on the drawn target's pixels"). This
module measures that error frame by frame:

- on the init frame it keeps the drawn box's pixels (:func:`start`): the visible frame's
  luminance and, on a two-stream pair, the thermal frame, each resampled so that the box's
  area is ``TEMPLATE_SIDE`` squared (aspect kept);
- on each frame (:func:`match`) it cuts the region around the tracker's box, ``reach`` of the
  box's side further on each side, at the same resolution, and finds the best normalised
  cross-correlation (``cv2.TM_CCOEFF_NORMED``, averaged over the streams) of the kept pixels,
  resized to the box's current size, with a sub-pixel parabola fit;
- :func:`refined` moves the box's centre by the match's shift, times a share that ramps from 0
  at a correlation of ``gate[0]`` to ``weight`` at ``gate[1]``: a poor match (the target turned,
  blurred, or is hidden) leaves the network's centre.

The size is never changed, and the tracker's own loop is not fed the moved centre
(``core.tracking.tracker``): only the reported box moves, so the match cannot lead the tracker
astray. Boxes are ``x, y, w, h`` float64 pixels of the visible frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.sequences.base import FramePair

#: The kept template's size: its area is TEMPLATE_SIDE squared (pixels after resampling).
TEMPLATE_SIDE = 32
#: The smallest template side after resampling (pixels); thinner boxes are widened to it.
MIN_SIDE = 4
#: A stream whose kept pixels vary less than this (standard deviation, grey levels) is not
#: matched: a flat template correlates equally everywhere (OpenCV gives 1 at every place).
MIN_CONTRAST = 2.0


@dataclass(frozen=True, eq=False)
class PixelTemplate:
    """The drawn target's pixels: ``planes`` is one (h, w) float32 array per stream, grey levels
    0-255: the visible frame's luminance first and the thermal frame second on a two-stream pair;
    on one-stream footage (``two_streams`` False) the one stream (the luminance of a visible-only
    sequence, the thermal frame of a thermal-only one)."""

    planes: tuple[np.ndarray, ...]
    two_streams: bool


@dataclass(frozen=True)
class PixelMatch:
    """One frame's match: ``shift`` (dx, dy) image pixels from the box's centre to the best
    match's, and ``score`` the normalised cross-correlation there (-1..1; NaN when the box was
    unusable or every stream's kept pixels are flat, :data:`MIN_CONTRAST`)."""

    shift: tuple[float, float]
    score: float


def _planes(pair: FramePair, two_streams: bool, feed: str = "both") -> list[np.ndarray]:
    """The frames to match: on a two-stream pair [visible (H, W, 3) RGB, thermal (H, W)] for the
    feed "both", [thermal] for "thermal", [visible] for "visible"; on one-stream footage
    [thermal] (the luminance of a visible-only sequence, the thermal frame of a thermal-only
    one). :func:`_cut` turns a visible cut into luminance."""
    if not two_streams or feed == "thermal":
        return [pair.thermal]
    if feed == "visible":
        return [pair.visible]
    return [pair.visible, pair.thermal]


def _scale(box: np.ndarray) -> float:
    """Resampled pixels per image pixel for ``box``: its area becomes TEMPLATE_SIDE squared."""
    return TEMPLATE_SIDE / math.sqrt(max(float(box[2] * box[3]), 1e-6))


def _sides(box: np.ndarray, scale: float) -> tuple[int, int]:
    return (max(MIN_SIDE, int(round(float(box[2]) * scale))), max(MIN_SIDE, int(round(float(box[3]) * scale))))


def _cut(plane: np.ndarray, centre, scale: float, size: tuple[int, int]) -> np.ndarray:
    """(size[1], size[0]) float32: ``plane`` ((H, W) or (H, W, 3) RGB, then as luminance) around
    ``centre`` (x, y image pixels), resampled by ``scale``, the border replicated outside the image."""
    width, height = size
    matrix = np.array([[scale, 0.0, width / 2.0 - scale * centre[0]],
                       [0.0, scale, height / 2.0 - scale * centre[1]]], dtype=np.float32)
    cut = cv2.warpAffine(plane, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if cut.ndim == 3:
        cut = cv2.cvtColor(cut, cv2.COLOR_RGB2GRAY)
    return cut.astype(np.float32)


def _centre(box: np.ndarray) -> tuple[float, float]:
    return float(box[0] + box[2] / 2.0), float(box[1] + box[3] / 2.0)


def start(pair: FramePair, box, two_streams: bool) -> PixelTemplate:
    """The drawn target's pixels: ``box`` (x, y, w, h, w and h > 0) on the init frame ``pair``."""
    box = np.asarray(box, dtype=np.float64)
    scale = _scale(box)
    size = _sides(box, scale)
    planes = tuple(_cut(plane, _centre(box), scale, size) for plane in _planes(pair, two_streams))
    return PixelTemplate(planes, bool(two_streams))


def _subpixel(left: float, peak: float, right: float) -> float:
    """The parabola's vertex through three samples, relative to the middle one (-0.5..0.5)."""
    curvature = left - 2.0 * peak + right
    if curvature >= 0 or not math.isfinite(curvature):
        return 0.0
    return float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))


def match(template: PixelTemplate, pair: FramePair, box, reach: float, feed: str = "both") -> PixelMatch:
    """Where the kept pixels fit best around ``box`` on ``pair``: within ``reach`` (> 0) of the
    box's width and height of its centre. On a two-stream pair ``feed`` ("both", "thermal" or
    "visible", the tracker's feed) says which streams are matched: the thermal one alone while
    the visible stream is blind."""
    box = np.asarray(box, dtype=np.float64)
    if not (np.isfinite(box).all() and box[2] > 0 and box[3] > 0):
        return PixelMatch((0.0, 0.0), float("nan"))
    scale = _scale(box)
    width, height = _sides(box, scale)
    region = (int(round(width * (1.0 + 2.0 * reach))), int(round(height * (1.0 + 2.0 * reach))))
    centre = _centre(box)
    planes = _planes(pair, template.two_streams, feed)
    kept = template.planes
    if len(planes) < len(kept):
        kept = kept[:1] if feed == "visible" else kept[-1:]
    responses = []
    for plane, pixels in zip(planes, kept, strict=True):
        pixels = cv2.resize(pixels, (width, height))
        if float(pixels.std()) >= MIN_CONTRAST:
            responses.append(cv2.matchTemplate(_cut(plane, centre, scale, region), pixels, cv2.TM_CCOEFF_NORMED))
    if not responses:
        return PixelMatch((0.0, 0.0), float("nan"))
    response = np.nan_to_num(np.mean(responses, axis=0), nan=0.0)
    _, best, _, (col, row) = cv2.minMaxLoc(response)
    x, y = float(col), float(row)
    if 0 < col < response.shape[1] - 1:
        x += _subpixel(response[row, col - 1], best, response[row, col + 1])
    if 0 < row < response.shape[0] - 1:
        y += _subpixel(response[row - 1, col], best, response[row + 1, col])
    shift = ((x + width / 2.0 - region[0] / 2.0) / scale, (y + height / 2.0 - region[1] / 2.0) / scale)
    return PixelMatch(shift, float(best))


def share(score: float, weight: float, gate: tuple[float, float]) -> float:
    """How much of a match's shift the box takes: 0 at a correlation ``score`` of ``gate[0]`` or
    below, ``weight`` from ``gate[1]``, linear between; 0 for a NaN score."""
    if not math.isfinite(score):
        return 0.0
    low, high = gate
    return float(weight * np.clip((score - low) / (high - low), 0.0, 1.0))


def refined(box, found: PixelMatch, weight: float, gate: tuple[float, float]) -> np.ndarray:
    """(4,) float64: ``box`` with its centre moved by ``share`` of the match's shift, same size."""
    box = np.asarray(box, dtype=np.float64).copy()
    amount = share(found.score, weight, gate)
    box[0] += amount * found.shift[0]
    box[1] += amount * found.shift[1]
    return box
