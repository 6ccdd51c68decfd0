"""Scores of ``bench accuracy --real`` (:func:`score_real`).

**Scores** (:func:`score_real`): protocol ``lasher`` of ``core.metrics`` (PR at 20 px,
NPR at 0.2, SR = mean success over 21 IoU thresholds; frame 1 = GT; absent-target rows
(NaN in ``groundtruth.txt`` -> ``0,0,0,0``) are counted the toolkit's way), the runaway
share, the box jitter, confidence ROC AUC for IoU >= 0.5 and the one-step medians
(``core.bench.real_metrics``; absent frames left out). Means per modality are the mean
over sequences (PR/NPR/SR, runaway share, with its maximum over sequences too); FPS,
AUC, the jitter and the one-step medians pool the frames of the modality's sequences. A contender
that runs on RGB-T pairs only (``Contender.pairs_only``) is scored where it ran: its
``rgbt`` rows, and no ``all`` mean (it would be its ``rgbt`` mean under another name).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.bench.contenders import FLOOR_KEY, MODEL_FILES, Contender
from core.bench.real_items import RealItem
from core.bench.real_metrics import (
    box_jitter,
    confidence_auc,
    one_step_errors,
    one_step_summary,
    review_flags,
    runaway_share,
    valid_rows,
)
from core.bench.real_run import RealBench
from core.bench.real_track import RealRun
from core.tracking.tracker_config import review_threshold

PROTOCOL = "lasher"
ALL = "all"


def stream_text(contender: Contender, modality: str) -> str:
    """What the contender sees on a sequence of ``modality`` (the table's note column)."""
    if contender.key in MODEL_FILES or contender.key == FLOOR_KEY:
        mode = getattr(getattr(contender.tracker, "config", None), "modalities", "both")
        if contender.key == FLOOR_KEY and mode == "visible":
            return {"visible": "RGB", "thermal": "T", "rgbt": "RGB only"}.get(modality, "-")
        if contender.key == FLOOR_KEY and mode == "thermal":
            return {"visible": "gray of RGB", "thermal": "T", "rgbt": "T only"}.get(modality, "-")
        return {"visible": "RGB + its gray as T", "thermal": "T as both", "rgbt": "RGB + T"}.get(modality, "-")
    if getattr(contender.tracker, "modality", "visible") == "thermal":
        return {"visible": "gray of RGB", "thermal": "T (3 channels)", "rgbt": "T only"}.get(modality, "-")
    return {"visible": "RGB", "thermal": "T (3 channels)", "rgbt": "RGB only"}.get(modality, "-")


def _num(value, digits: int = 4):
    if value is None:
        return None
    value = float(value)
    return None if not np.isfinite(value) else round(value, digits)


def _fps(runs: Sequence[RealRun]) -> float | None:
    seconds = sum(r.seconds for r in runs)
    frames = sum(r.tracked for r in runs)
    return round(frames / seconds, 2) if seconds > 0 and frames > 0 else None


def _pooled(runs: Sequence[RealRun], gts: Sequence[np.ndarray]):
    """Frames 1.. of every run concatenated: (boxes, confidences, one-step boxes, gt)."""
    boxes = np.concatenate([r.boxes[1:] for r in runs]) if runs else np.zeros((0, 4))
    conf = np.concatenate([r.confidences[1:] for r in runs]) if runs else np.zeros(0)
    probe = np.concatenate([r.one_step[1:] for r in runs]) if runs else np.zeros((0, 4))
    gt = np.concatenate([g[1:] for g in gts]) if gts else np.zeros((0, 4))
    return boxes, conf, probe, gt


def _extras(runs: Sequence[RealRun], gts: Sequence[np.ndarray], per_sequence: bool,
            modalities: Sequence[str]) -> dict:
    boxes, conf, probe, gt = _pooled(runs, gts)
    probed = np.isfinite(probe).all(axis=1)
    steps = one_step_summary(one_step_errors(probe[probed], gt[probed]))
    thresholds = np.concatenate([np.full(len(g) - 1, review_threshold(m == "rgbt")) for g, m in zip(gts, modalities, strict=True)]
                                ) if gts else np.zeros(0)
    flags = review_flags(conf, thresholds, boxes, gt)
    out = {"auc": _num(confidence_auc(conf, boxes, gt)),
           "auc_frames": int(valid_rows(gt).sum()),
           "flags": {k: (v if k == "frames" else _num(v)) for k, v in flags.items()},
           "one_step": {k: (v if k == "frames" else _num(v)) for k, v in steps.items()},
           "fps": _fps(runs)}
    jitters = [box_jitter(r.boxes, g) for r, g in zip(runs, gts, strict=True)]
    steps_on_target = sum(n for _, n in jitters)
    out["jitter"] = _num(sum(j * n for j, n in jitters if n) / steps_on_target) if steps_on_target else None
    shares = [runaway_share(r.boxes[1:], g[1:]) for r, g in zip(runs, gts, strict=True)]
    finite = [s[0] for s in shares if np.isfinite(s[0])]
    if per_sequence:
        out.update(runaway=_num(shares[0][0]), runaway_frames=shares[0][1], valid_frames=shares[0][2])
    else:
        out.update(runaway=_num(np.mean(finite)) if finite else None,
                   runaway_max=_num(max(finite)) if finite else None,
                   runaway_frames=int(sum(s[1] for s in shares)), valid_frames=int(sum(s[2] for s in shares)))
    return out


def score_real(bench: RealBench) -> tuple[list[dict], dict[str, list]]:
    """Rows and plot reports from raw runs.

    Rows (dicts, JSON-ready, ``None`` for undefined values): ``kind`` ``sequence``
    (``sequence`` = name, ``folder``, ``modality``, ``frames`` evaluated, ``length`` of the
    sequence, ``start_frame``), ``mean`` (``sequence`` = ``"mean"``, ``modality`` one of
    the modalities or ``"all"``, ``sequences``) or ``missing`` (``reason``). Every scored
    row has ``tracker``, ``key``, ``stream``, ``pr``, ``npr``, ``sr``, ``fps``, ``runaway``,
    ``runaway_frames``, ``valid_frames``, ``auc``, ``auc_frames``, ``flags`` (the studio's review
    flags at each footage's default threshold, ``tracker_config.review_threshold``: ``flagged``,
    ``precision``, ``recall``, ``f1``, ``frames``), ``one_step`` (``frames``,
    ``centre_px``, ``centre_norm``, ``width_ratio``, ``height_ratio``: medians), ``jitter``
    (``core.bench.real_metrics.box_jitter``, pooled over runs weighted by their on-target steps)
    and ``weights``; mean rows add ``runaway_max`` (the worst sequence).
    Reports: ``{modality or "all": [EvalReport per available contender]}``.
    """
    from core.metrics import evaluate_arrays, get_protocol

    protocol = get_protocol(PROTOCOL)
    groups: dict[str, list[RealItem]] = {}
    for item in bench.items:
        groups.setdefault(item.modality, []).append(item)
    if len(groups) > 1:
        groups[ALL] = list(bench.items)
    rows: list[dict] = []
    reports: dict[str, list] = {}
    for c in (c for c in bench.contenders if c.available):
        for modality, group in groups.items():
            items = [i for i in group if c.applies_to(i.modality)]
            if not items or (len(items) < len(group) and modality == ALL):
                continue  # a pairs-only contender: no rows where it did not run, no partial "all" mean
            runs = {i.name: bench.runs[(c.label, i.name)] for i in items}
            gts = {i.name: bench.ground_truth[i.name] for i in items}
            report = evaluate_arrays(protocol, {n: r.boxes for n, r in runs.items()},
                                     {n: (g, None) for n, g in gts.items()}, tracker=c.label)
            reports.setdefault(modality, []).append(report)
            base = {"tracker": c.label, "key": c.key, "weights": c.weights, "protocol": PROTOCOL}
            if modality != ALL:
                by_name = {s.name: s for s in report.sequences}
                for i in items:
                    s = by_name[i.name]
                    rows.append({**base, "kind": "sequence", "modality": modality, "sequence": i.name,
                                 "folder": i.folder, "stream": stream_text(c, modality),
                                 "frames": int(s.frames), "length": i.length, "start_frame": runs[i.name].start,
                                 "cached": runs[i.name].cached,
                                 **{k.lower(): _num(s.scores.get(k)) for k in ("PR", "NPR", "SR")},
                                 **_extras([runs[i.name]], [gts[i.name]], per_sequence=True,
                                           modalities=[i.modality])})
            stream = stream_text(c, modality) if modality != ALL else "-"
            rows.append({**base, "kind": "mean", "modality": modality, "sequence": "mean", "stream": stream,
                         "sequences": len(items), "frames": int(sum(len(g) for g in gts.values())),
                         **{k.lower(): _num(report.scores.get(k)) for k in ("PR", "NPR", "SR")},
                         **_extras([runs[n] for n in gts], list(gts.values()), per_sequence=False,
                                   modalities=[i.modality for i in items])})
    for c in bench.contenders:
        if not c.available:
            rows.append({"tracker": c.label, "key": c.key, "kind": "missing", "modality": "-", "sequence": "-",
                         "reason": c.reason, "weights": c.weights})
    return rows, reports
