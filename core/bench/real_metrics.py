"""Per-frame measures of ``bench accuracy --real`` beside PR/NPR/SR: runaway share,
confidence ROC AUC and the one-step diagnostic.

All boxes are ``(N, 4)`` float64 ``x, y, w, h`` pixels (``core.geometry``). A ground-truth
row is *valid* when it is finite with ``w > 0`` and ``h > 0``; invalid rows (``NaN`` or
``0,0,0,0``: the target is absent) are left out of every measure here.

- :func:`runaway_share`: the share of valid frames where the predicted box's area is more
  than ``RUNAWAY_FACTOR`` (4) times the ground truth's: a box that grows in positive
  feedback until it covers the frame.
- :func:`roc_auc`: the rank-based (Mann-Whitney) ROC AUC of a score for a binary label,
  ties counted one half; ``NaN`` when either class is empty. The bench asks whether a
  tracker's per-frame confidence predicts ``IoU >= CONFIDENT_IOU`` (0.5).
- :func:`review_flags`: how well the studio's review flags (confidence below the footage's
  threshold) find the frames below ``CONFIDENT_IOU``: share flagged, precision, recall, F1.
- :func:`box_jitter`: how much the box shakes while it is on the target: the mean
  frame-to-frame change of the centre error (predicted minus true centre), in units of the
  target's side ``sqrt(w h)``, over consecutive frames both at ``IoU >= CONFIDENT_IOU``.
  A box that keeps a steady offset from a moving target scores 0; one that jumps to either
  side of it on alternate frames scores the size of the jumps. Label noise of the truth
  adds to every tracker alike.
- :func:`one_step_summary`: medians of the one-step diagnostic (the tracker restarted
  from the ground-truth box of frame ``t - 1`` and asked for frame ``t``): centre error
  in pixels and normalised by the ground truth's diagonal, predicted / true width and
  height ratios.
"""
from __future__ import annotations

import numpy as np

from core.geometry import box_center, iou

RUNAWAY_FACTOR = 4.0
CONFIDENT_IOU = 0.5


def valid_rows(boxes) -> np.ndarray:
    """``(N,)`` bool: rows of ``(N, 4)`` boxes that are finite with ``w > 0`` and ``h > 0``."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    with np.errstate(invalid="ignore"):
        return np.isfinite(b).all(axis=1) & (b[:, 2] > 0) & (b[:, 3] > 0)


def runaway_frames(predicted, ground_truth, factor: float = RUNAWAY_FACTOR) -> np.ndarray:
    """``(N,)`` bool: valid ground-truth frames whose predicted area exceeds ``factor`` x the
    ground truth's area (a non-finite prediction is not a runaway: it has no area)."""
    p = np.asarray(predicted, dtype=np.float64).reshape(-1, 4)
    g = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    if len(p) != len(g):
        raise ValueError(f"runaway: {len(p)} predicted rows for {len(g)} ground-truth rows")
    ok = valid_rows(g) & np.isfinite(p).all(axis=1)
    with np.errstate(invalid="ignore"):
        area_p = np.clip(p[:, 2], 0, None) * np.clip(p[:, 3], 0, None)
        return ok & (area_p > factor * g[:, 2] * g[:, 3])


def runaway_share(predicted, ground_truth, factor: float = RUNAWAY_FACTOR) -> tuple[float, int, int]:
    """``(share, runaway frames, valid frames)``; share is ``NaN`` without a valid frame."""
    g = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    n = int(valid_rows(g).sum())
    k = int(runaway_frames(predicted, g, factor).sum())
    return (k / n if n else float("nan")), k, n


def frame_iou(predicted, ground_truth) -> np.ndarray:
    """``(N,)`` IoU per frame (``core.geometry.iou``), ``NaN`` where the ground truth is invalid."""
    p = np.asarray(predicted, dtype=np.float64).reshape(-1, 4)
    g = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    return np.where(valid_rows(g), iou(p, g), np.nan)


def roc_auc(scores, labels) -> float:
    """ROC AUC of ``scores`` (higher = more positive) for boolean ``labels``, both ``(N,)``.

    Rank formulation: ``(sum of the positives' ranks - P (P + 1) / 2) / (P N)`` with
    average ranks for tied scores (a tie between a positive and a negative counts 1/2).
    Pairs with a non-finite score are dropped. Returns ``NaN`` when there is no positive
    or no negative.
    """
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels, dtype=bool).reshape(-1)
    if len(s) != len(y):
        raise ValueError(f"roc_auc: {len(s)} scores for {len(y)} labels")
    keep = np.isfinite(s)
    s, y = s[keep], y[keep]
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    sorted_scores = s[order]
    ranks = np.empty(len(s), dtype=np.float64)
    # average rank (1-based) of every run of equal scores
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        ranks[order[a:b]] = (a + 1 + b) / 2.0
    return float((ranks[y].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def confidence_auc(confidences, predicted, ground_truth, min_iou: float = CONFIDENT_IOU) -> float:
    """AUC of per-frame ``confidences`` for ``IoU >= min_iou`` over valid ground-truth frames."""
    overlap = frame_iou(predicted, ground_truth)
    keep = np.isfinite(overlap)
    return roc_auc(np.asarray(confidences, dtype=np.float64).reshape(-1)[keep], overlap[keep] >= min_iou)


def review_flags(confidences, thresholds, predicted, ground_truth, min_iou: float = CONFIDENT_IOU) -> dict:
    """How well flagging the frames whose ``confidences`` fall below ``thresholds`` (per frame,
    ``(N,)``; the studio's review threshold of each frame's footage) finds the failed frames
    (``IoU < min_iou``), over valid ground-truth frames. Returns ``flagged`` (share of frames),
    ``precision``, ``recall`` and ``f1`` of the flags against the failures (NaN where undefined)
    and ``frames``."""
    overlap = frame_iou(predicted, ground_truth)
    keep = np.isfinite(overlap)
    conf = np.asarray(confidences, dtype=np.float64).reshape(-1)[keep]
    flagged = conf < np.asarray(thresholds, dtype=np.float64).reshape(-1)[keep]
    failed = overlap[keep] < min_iou
    hits = int((flagged & failed).sum())
    precision = hits / int(flagged.sum()) if flagged.any() else float("nan")
    recall = hits / int(failed.sum()) if failed.any() else float("nan")
    f1 = (2 * precision * recall / (precision + recall)
          if np.isfinite(precision) and np.isfinite(recall) and precision + recall > 0 else float("nan"))
    return {"flagged": float(flagged.mean()) if flagged.size else float("nan"), "precision": precision,
            "recall": recall, "f1": f1, "frames": int(keep.sum())}


def box_jitter(predicted, ground_truth, min_iou: float = CONFIDENT_IOU) -> tuple[float, int]:
    """``(jitter, steps)``: the mean over frame pairs ``(t-1, t)`` that both have valid truth and
    ``IoU >= min_iou`` of ``|e_t - e_(t-1)| / sqrt(w_t h_t)``, where ``e`` is the predicted
    minus the true box centre (pixels) and ``w_t, h_t`` the truth's size; ``steps`` is the
    number of such pairs (``jitter`` NaN when there is none). Rows are consecutive frames of
    one run; pooled runs must be measured run by run and combined with the steps as weights."""
    p = np.asarray(predicted, dtype=np.float64).reshape(-1, 4)
    g = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    if len(p) != len(g):
        raise ValueError(f"jitter: {len(p)} predicted rows for {len(g)} ground-truth rows")
    overlap = frame_iou(p, g)
    with np.errstate(invalid="ignore"):
        on_target = np.isfinite(overlap) & (overlap >= min_iou)
    pairs = on_target[1:] & on_target[:-1]
    if not pairs.any():
        return float("nan"), 0
    error = box_center(p) - box_center(g)
    step = np.linalg.norm(error[1:] - error[:-1], axis=-1)[pairs]
    side = np.sqrt(g[1:, 2] * g[1:, 3])[pairs]
    return float(np.mean(step / side)), int(pairs.sum())


def one_step_errors(predicted, ground_truth) -> dict[str, np.ndarray]:
    """Per-frame one-step errors over rows where both boxes are valid: ``centre_px``,
    ``centre_norm`` (centre error / ground-truth diagonal), ``width_ratio`` and
    ``height_ratio`` (predicted / true), each ``(K,)`` float64."""
    p = np.asarray(predicted, dtype=np.float64).reshape(-1, 4)
    g = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    keep = valid_rows(g) & valid_rows(p)
    p, g = p[keep], g[keep]
    centre = np.linalg.norm(box_center(p) - box_center(g), axis=-1)
    return {"centre_px": centre, "centre_norm": centre / np.hypot(g[:, 2], g[:, 3]),
            "width_ratio": p[:, 2] / g[:, 2], "height_ratio": p[:, 3] / g[:, 3]}


def one_step_summary(errors: dict[str, np.ndarray]) -> dict[str, float | int]:
    """Medians of :func:`one_step_errors` (``NaN`` when empty) and ``frames``, the count."""
    out: dict[str, float | int] = {"frames": int(len(errors["centre_px"]))}
    for name, values in errors.items():
        out[name] = float(np.median(values)) if len(values) else float("nan")
    return out
