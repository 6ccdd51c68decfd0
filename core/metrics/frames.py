"""Per-frame errors of one sequence under a protocol (the toolkits' preprocessing).

Inputs are raw arrays as read from files: results ``(M, 4)`` float64 xywh (NaN allowed),
GT ``(N, 4)`` float64 xywh (``0,0,0,0`` rows kept; GTOT corners already converted with
``w = x2 - x1``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.metrics.protocols import Protocol
from core.metrics.toolkit_geometry import (
    centre_error,
    inclusive_iou,
    normalized_centre_error,
    round_results,
)
from core.wording import plural, verb


@dataclass(frozen=True)
class FrameErrors:
    """One sequence's per-frame errors, ready to be thresholded.

    centre_error, overlap: ``(N,)`` float64 (-1 or inf where the protocol forces a value;
    NaN never passes a threshold). norm_centre_error: ``(N,)`` or None.
    counted: ``(N,)`` bool, frames that enter the denominator. notes: what was changed.
    """

    name: str
    centre_error: np.ndarray
    overlap: np.ndarray
    norm_centre_error: np.ndarray | None
    counted: np.ndarray
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.centre_error.shape[0])

    def subset(self, mask: np.ndarray) -> FrameErrors:
        """The same errors restricted to frames where ``mask`` ``(N,)`` is True."""
        m = np.asarray(mask, dtype=bool)
        nce = None if self.norm_centre_error is None else self.norm_centre_error[m]
        return FrameErrors(self.name, self.centre_error[m], self.overlap[m], nce, self.counted[m], self.notes)


def run_start(protocol: Protocol, results) -> int:
    """The 0-based ground-truth row a run starts on: the number of ``0,0,0,0`` rows before the
    first other row of ``results`` ``(M, 4)`` (after the protocol's subsampling). A run from a
    later frame (``track --start-frame N``) writes its frames before N as ``0,0,0,0``, the
    benchmark layouts' row for no box, so that line k stays frame k; a tracker's own run starts
    with its init box, never with such a row. 0 when the first row is a box or no row is one."""
    pred = np.asarray(results, dtype=np.float64).reshape(-1, 4)
    if protocol.subsample > 1:
        pred = pred[:: protocol.subsample]
    boxes = np.flatnonzero(~(pred == 0).all(axis=1))
    return int(boxes[0]) if boxes.size else 0


def prepare_predictions(protocol: Protocol, results: np.ndarray, gt: np.ndarray,
                        start: int = 0) -> tuple[np.ndarray, list[str]]:
    """Apply the protocol's result rules; returns ``(N, 4)`` predictions and notes.

    Order: subsample (VTUAV), cut to the GT length (shorter results are padded with NaN
    rows, which fail every threshold, and noted), replace NaN / w<=0 / h<=0 rows by the
    previous one (protocols with ``replace_bad_predictions``; under ``replace_rule`` ``lasher`` only rows
    with w or h <= 0 or all NaN, on a GT row without NaN; the padding therefore
    carries the last result row; the note says so; no result row at all: every row NaN,
    noted as such), frame 1 = GT, round x, y, w, h (GTOT). ``start`` (:func:`run_start`): the
    row the run starts on, which then plays frame 1's part (the replacements begin after it,
    and it is the row taken from the GT); the rows before it are left as they are (the caller
    leaves them out of the scores).
    """
    notes: list[str] = []
    pred = np.array(results, dtype=np.float64).reshape(-1, 4)
    n = gt.shape[0]
    if protocol.subsample > 1:
        if pred.shape[0] == n and n > 1:
            notes.append(f"the results have as many rows as the ground truth ({n}): {protocol.name} keeps every "
                         f"{protocol.subsample}th result row (the toolkit's results.res(1:{protocol.subsample}:end,:)), "
                         "as results hold every frame and the ground truth every "
                         f"{protocol.subsample}th; were these results already subsampled?")
        pred = pred[:: protocol.subsample]
    if pred.shape[0] > n:
        notes.append(f"{plural(pred.shape[0] - n, 'result row')} beyond the {plural(n, 'ground-truth frame')} "
                     "ignored")
        pred = pred[:n]
    present = min(pred.shape[0], n)
    if pred.shape[0] == 0:
        # a run that output nothing: every row NaN, which each protocol's rules score as a
        # tracker with no box (only what the protocol scores without the tracker can hit)
        notes.append("no result rows: every frame counted as a failure"
                     + (", except frame 1, which this protocol takes from the ground truth for every tracker"
                        if protocol.first_frame_gt and n else ""))
        pred = np.full((n, 4), np.nan)
    elif pred.shape[0] < n and protocol.pad_short == "zeros":
        missing = n - pred.shape[0]
        notes.append(f"{plural(missing, 'frame')} without a result scored as 0,0,0,0 boxes (pytracking pads a "
                     "short result with zeros and does not replace them)")
        pred = np.vstack([pred, np.zeros((missing, 4))])
    elif pred.shape[0] < n:
        missing = n - pred.shape[0]
        without = plural(missing, "frame")
        notes.append(f"{without} without a result: the last result row is carried to the end "
                     "(this protocol replaces invalid rows by the previous one)" if protocol.replace_bad_predictions
                     else f"{without} without a result counted as failures")
        pred = np.vstack([pred, np.full((missing, 4), np.nan)])
    own = slice(start + 1 if protocol.first_frame_gt else start, present)  # the tracker's rows, not the padding
    infinite = int(np.isinf(pred[own]).any(axis=1).sum())
    if infinite:
        notes.append(f"{plural(infinite, 'result row')} with an infinite value scored as a miss")
    bad = np.isnan(pred).any(axis=1) | (pred[:, 2] <= 0) | (pred[:, 3] <= 0)  # no valid box
    if protocol.pad_short == "zeros" and present:
        bad[present:] = False  # pytracking pads after its replacement loop
    if not protocol.replace_bad_predictions:
        boxless = int(bad[own].sum())
        if boxless:
            notes.append(f"{plural(boxless, 'result row')} without a valid box (NaN, or w or h <= 0) scored as "
                         f"{verb(boxless, 'it is', 'they are')} (this protocol does not replace them)")
    else:
        if protocol.replace_rule == "lasher":
            # calcSeqErrRobust.m: `if (isnan(r) | r(3)<=0 | r(4)<=0)&(~isnan(r_anno))`, true only when every
            # element is: w<=0 or h<=0 or all four NaN, on a GT row without NaN
            kept = bad & ~((np.isnan(pred).all(axis=1) | (pred[:, 2] <= 0) | (pred[:, 3] <= 0))
                           & ~np.isnan(gt).any(axis=1))
            bad = bad & ~kept
            partial = int(kept[own].sum())
            if partial:
                notes.append(f"{plural(partial, 'result row')} with a NaN value kept as "
                             f"{verb(partial, 'it is', 'they are')} (a miss): the LasHeR toolkit replaces only rows "
                             "with w or h <= 0 or all four values NaN, where the ground truth has no NaN")
        replaced = 0
        for i in range(start + 1, n):
            if bad[i]:
                pred[i] = pred[i - 1]
                replaced += i < present
        if replaced:
            notes.append(f"{plural(replaced, 'invalid prediction')} replaced by the previous frame's")
    if protocol.first_frame_gt and start < n:
        pred[start] = gt[start]
    if protocol.round_results:
        pred = round_results(pred)
    return pred, notes


def frame_errors(protocol: Protocol, name: str, results, gt_visible, gt_infrared=None) -> FrameErrors:
    """Per-frame errors of one sequence.

    results: ``(M, 4)`` xywh; gt_visible, gt_infrared: ``(N, 4)`` xywh (infrared used only
    by dual-modality protocols; None = same as visible).
    """
    gt_v = np.asarray(gt_visible, dtype=np.float64).reshape(-1, 4)
    gt_i = gt_v if gt_infrared is None else np.asarray(gt_infrared, dtype=np.float64).reshape(-1, 4)
    uneven = None
    if gt_i.shape[0] != gt_v.shape[0]:  # RGBT234 has such sequences (bikeman: 178 and 177 rows)
        n = min(gt_i.shape[0], gt_v.shape[0])
        uneven = (f"the infrared ground truth has {plural(gt_i.shape[0], 'row')} and the visible {gt_v.shape[0]}: "
                  f"scored over the first {plural(n, 'frame')}")
        gt_v, gt_i = gt_v[:n], gt_i[:n]
    start = run_start(protocol, results)
    if start >= gt_v.shape[0]:  # no box within the ground truth's frames: scored as the rows stand
        start = 0
    pred, notes = prepare_predictions(protocol, results, gt_v, start)
    if uneven:
        notes.insert(0, uneven)
    ce = centre_error(pred, gt_v, protocol.inclusive_centres)
    ov = inclusive_iou(pred, gt_v)
    if protocol.dual_modality:
        ce = np.fmin(ce, centre_error(pred, gt_i, protocol.inclusive_centres))  # MATLAB min/max ignore NaN
        ov = np.fmax(ov, inclusive_iou(pred, gt_i))
    nce = normalized_centre_error(pred, gt_v) if protocol.norm_precision_name else None
    counted = np.ones(gt_v.shape[0], dtype=bool)
    if protocol.invalid_gt == "toolkit":
        invalid = ~(gt_v > 0).all(axis=1)  # the toolkit's rect_anno>0 on all 4: a NaN row is invalid too
        ce[invalid] = -1.0
        ov[invalid] = -1.0
        if nce is not None:
            nce[invalid] = -1.0
    elif protocol.invalid_gt == "pytracking":
        invalid = ~((gt_v[:, 2] > 0) & (gt_v[:, 3] > 0))
        ce[invalid] = np.inf
        ov[invalid] = -1.0
        if nce is not None:
            nce[invalid] = -1.0
        counted = ~invalid
    if start:  # frames before the run's start (0,0,0,0 rows): not tracked, so neither hits nor misses
        ce[:start] = np.nan
        ov[:start] = np.nan
        if nce is not None:
            nce[:start] = np.nan
        counted[:start] = False
        rows = "row 1" if start == 1 else f"rows 1..{start}"
        how = f" (as `track --start-frame {start + 1}` writes it)" if protocol.subsample == 1 else ""
        notes.insert(0, f"{rows} 0,0,0,0 before the first box: a run started on ground-truth row {start + 1}{how}, "
                        "scored from there")
    return FrameErrors(name, ce, ov, nce, counted, tuple(notes))
