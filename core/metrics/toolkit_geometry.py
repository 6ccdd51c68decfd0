"""Box geometry exactly as the official MATLAB RGB-T toolkits compute it.

All boxes here are ``(N, 4)`` float64 ``x, y, w, h`` (top-left + size) like
:mod:`core.geometry`, but the overlap uses the toolkits' *inclusive pixels*: a box covers
columns ``x .. x + w - 1`` and the intersection width is ``min(x2) - max(x1) + 1``.
For boxes given as x, y, w, h this equals the continuous IoU algebraically; the inclusive
convention matters where corners are converted (``w = x2 - x1 + 1`` vs GTOT's ``x2 - x1``).
"""
from __future__ import annotations

import numpy as np


def _arr(boxes) -> np.ndarray:
    return np.atleast_2d(np.asarray(boxes, dtype=np.float64))


def matlab_colon(start: float, step: float, stop: float) -> np.ndarray:
    """``start:step:stop`` with MATLAB's element values (symmetric from both ends).

    MATLAB computes the first half as ``start + k*step`` and the second half as
    ``stop - (n-1-k)*step``, so e.g. ``0:0.05:1`` ends exactly at 1.0 and its middle
    values can differ in the last bit from ``numpy.arange``; ties with ``>`` depend on it.
    """
    n = int(np.floor((stop - start) / step + 1e-10)) + 1
    k = np.arange(n, dtype=np.float64)
    values = start + k * step
    half = n // 2
    end = start + (n - 1) * step
    if abs(end - stop) < 1e-9 * max(1.0, abs(stop)):
        end = stop
    values[half:] = end - (n - 1 - k[half:]) * step
    return values


def matlab_round(values) -> np.ndarray:
    """MATLAB ``round``: halves away from zero (``numpy.round`` rounds halves to even)."""
    v = np.asarray(values, dtype=np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def inclusive_iou(pred, gt) -> np.ndarray:
    """Per-row overlap of ``pred`` and ``gt`` ``(N, 4)`` xywh with inclusive pixels -> ``(N,)``.

    ``x2 = x + w - 1``; intersection ``max(0, min(x2) - max(x1) + 1)`` per axis; union
    ``w_p*h_p + w_g*h_g - inter``, as the toolkits' ``calcRectInt`` computes it, with MATLAB's
    ``min``/``max``, which return the other argument where one is NaN: a row with a NaN ``w`` or
    ``h`` gives NaN (never a hit with ``>``), one with a NaN ``x`` or ``y`` only takes the GT's edge
    on that axis (``NaN,10,10,10`` on GT ``10,10,10,10`` has IoU 1, as in the toolkits).
    """
    p, g = _arr(pred), _arr(gt)
    px1, py1, pw, ph = p.T
    gx1, gy1, gw, gh = g.T
    ww = np.fmax(0.0, np.fmin(px1 + pw - 1, gx1 + gw - 1) - np.fmax(px1, gx1) + 1)
    hh = np.fmax(0.0, np.fmin(py1 + ph - 1, gy1 + gh - 1) - np.fmax(py1, gy1) + 1)
    inter = ww * hh
    with np.errstate(divide="ignore", invalid="ignore"):
        return inter / (pw * ph + gw * gh - inter)


def centres(boxes, inclusive: bool = False) -> np.ndarray:
    """``(N, 4)`` xywh -> ``(N, 2)`` centre ``x + w/2, y + h/2`` (RGBT234, VTUAV, GTOT), or with
    ``inclusive`` ``x + (w-1)/2`` (LasHeR's ``calcSeqErrRobust.m``, pytracking).

    The shift is the same for both boxes, so distances agree on paper; in floating point the
    last bit can differ for fractional boxes, which decides a tie with a threshold.
    """
    b = _arr(boxes)
    if inclusive:
        return b[:, :2] + (b[:, 2:] - 1) / 2
    return b[:, :2] + b[:, 2:] / 2.0


def centre_error(pred, gt, inclusive: bool = False) -> np.ndarray:
    """Euclidean distance between the centres of ``pred`` and ``gt`` ``(N, 4)`` -> ``(N,)`` px
    (``inclusive``: see :func:`centres`)."""
    d = centres(pred, inclusive) - centres(gt, inclusive)
    return np.sqrt((d**2).sum(axis=1))


def normalized_centre_error(pred, gt) -> np.ndarray:
    """Centre distance with both centres divided by the GT ``w`` and ``h`` -> ``(N,)``.

    Computed in the LasHeR toolkit's order (``calcSeqErrRobust_norm.m``; pytracking's
    ``calc_err_center(normalized=True)`` is the same): centres ``x + (w-1)/2``, each centre
    divided by the GT size, then the difference. ``(c_p - c_g) / w`` is the same number on
    paper but not in floating point: 14 px off a 70 px target is 0.2 that way and
    0.20000000000000018 the toolkit's way, a miss at its 0.20 threshold.
    GT rows with ``w`` or ``h`` of 0 give inf/NaN; the protocols overwrite those rows.
    """
    p, g = _arr(pred), _arr(gt)
    with np.errstate(divide="ignore", invalid="ignore"):
        cp = (p[:, :2] + (p[:, 2:] - 1) / 2) / g[:, 2:]
        cg = (g[:, :2] + (g[:, 2:] - 1) / 2) / g[:, 2:]
        return np.sqrt(((cp - cg) ** 2).sum(axis=1))


def corners_to_gtot_xywh(corners) -> np.ndarray:
    """GTOT GT ``(N, 4)`` ``x1 y1 x2 y2`` -> xywh with ``w = x2 - x1``, ``h = y2 - y1`` (no +1)."""
    c = _arr(corners)
    return np.stack([c[:, 0], c[:, 1], c[:, 2] - c[:, 0], c[:, 3] - c[:, 1]], axis=1)


def round_corners(boxes) -> np.ndarray:
    """Round a tracker's xywh boxes the way a corner-based toolkit stores them.

    Corners ``x1 = x, y1 = y, x2 = x + w, y2 = y + h`` are rounded to whole pixels
    (MATLAB ``round``) and converted back with ``w = x2 - x1`` (the GTOT convention).
    """
    b = _arr(boxes)
    x1, y1 = matlab_round(b[:, 0]), matlab_round(b[:, 1])
    x2, y2 = matlab_round(b[:, 0] + b[:, 2]), matlab_round(b[:, 1] + b[:, 3])
    return np.stack([x1, y1, x2 - x1, y2 - y1], axis=1)


def round_results(boxes) -> np.ndarray:
    """Round a tracker's xywh boxes the way the GTOT evaluation reads a results file:
    each of ``x, y, w, h`` to a whole pixel (MATLAB ``round``), so the right edge is
    ``round(x) + round(w)`` (not ``round(x + w)`` as :func:`round_corners` gives)."""
    return matlab_round(_arr(boxes))
