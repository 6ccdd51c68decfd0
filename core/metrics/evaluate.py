"""Thresholding and aggregation: per-sequence curves, mean over sequences or pooled frames.

Public: :func:`sequence_curves`, :func:`aggregate`, :func:`evaluate_arrays`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from core.metrics.frames import FrameErrors, frame_errors
from core.metrics.protocols import Protocol
from core.metrics.report import AttributeScores, Curve, EvalReport, SequenceScores


def _counts(protocol: Protocol, fe: FrameErrors) -> dict[str, np.ndarray]:
    """Hit counts per threshold (numerators), keyed by score name -> ``(T,)`` float64."""
    pt = np.asarray(protocol.precision_thresholds)[None, :]
    ce = fe.centre_error[:, None]
    with np.errstate(invalid="ignore"):
        hits_p = (ce < pt) if protocol.precision_strict else (ce <= pt)
        out = {protocol.precision_name: hits_p.sum(axis=0).astype(np.float64)}
        if protocol.norm_precision_name:
            nt = np.asarray(protocol.norm_thresholds)[None, :]
            out[protocol.norm_precision_name] = (fe.norm_centre_error[:, None] <= nt).sum(axis=0).astype(np.float64)
        st = np.asarray(protocol.success_thresholds)[None, :]
        out[protocol.success_name] = (fe.overlap[:, None] > st).sum(axis=0).astype(np.float64)
    return out


def _thresholds(protocol: Protocol) -> dict[str, np.ndarray]:
    out = {protocol.precision_name: np.asarray(protocol.precision_thresholds)}
    if protocol.norm_precision_name:
        out[protocol.norm_precision_name] = np.asarray(protocol.norm_thresholds)
    out[protocol.success_name] = np.asarray(protocol.success_thresholds)
    return out


def _score(protocol: Protocol, name: str, curve: np.ndarray) -> float:
    """The representative number of one curve."""
    if name == protocol.precision_name:
        return float(curve[protocol.precision_index])
    if name == protocol.norm_precision_name:
        return float(curve[protocol.norm_index])
    if protocol.success_score == "trapezoid":
        t = np.asarray(protocol.success_thresholds)
        return float(((curve[1:] + curve[:-1]) / 2.0 * np.diff(t)).sum())
    return float(curve.mean())


def sequence_curves(protocol: Protocol, fe: FrameErrors) -> SequenceScores:
    """Curves and scores of one sequence (fraction of its counted frames)."""
    den = max(int(fe.counted.sum()), 1)
    thr = _thresholds(protocol)
    curves = {k: Curve(k, thr[k], v / den) for k, v in _counts(protocol, fe).items()}
    scores = {k: _score(protocol, k, c.values) for k, c in curves.items()}
    return SequenceScores(fe.name, len(fe), scores, curves)


def aggregate(protocol: Protocol, errors: Sequence[FrameErrors]) -> tuple[dict[str, float], dict[str, Curve]]:
    """Overall scores and curves: pooled frame counts (GTOT) or the mean of per-sequence curves."""
    if not errors:
        raise ConfigError(f"protocol {protocol.name}: nothing to evaluate (no sequence)")
    thr = _thresholds(protocol)
    if protocol.pooled:
        total = {k: np.zeros(len(v)) for k, v in thr.items()}
        den = 0
        for fe in errors:
            for k, v in _counts(protocol, fe).items():
                total[k] += v
            den += int(fe.counted.sum())
        curves = {k: Curve(k, thr[k], v / max(den, 1)) for k, v in total.items()}
    else:
        per = [sequence_curves(protocol, fe) for fe in errors]
        curves = {k: Curve(k, thr[k], np.mean([s.curves[k].values for s in per], axis=0)) for k in thr}
    scores = {k: _score(protocol, k, c.values) for k, c in curves.items()}
    return scores, curves


def _fit_mask(mask, n: int) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    src = np.asarray(mask, dtype=bool).reshape(-1)[:n]
    m[: src.shape[0]] = src
    return m


def evaluate_arrays(
    protocol: Protocol,
    results: Mapping[str, np.ndarray],
    ground_truth: Mapping[str, tuple[np.ndarray, np.ndarray | None]],
    *,
    tracker: str = "tracker",
    sequence_tags: Mapping[str, Sequence[str]] | None = None,
    frame_tags: Mapping[str, Mapping[str, np.ndarray]] | None = None,
    attribute_source: str | None = None,
    notes: Sequence[str] = (),
    result_files: Mapping[str, str | Path] | None = None,
) -> EvalReport:
    """Evaluate ``results`` (name -> ``(M,4)`` xywh) against ``ground_truth``
    (name -> (visible ``(N,4)``, infrared ``(N,4)`` or None)) over the sequences of ``results``.

    sequence_tags: attribute -> sequence names; frame_tags: attribute -> {sequence: ``(N,)``
    bool mask}. result_files: name -> the file the results were read from, which then
    names the sequence in its notes. Sequences without GT raise ConfigError.
    """
    missing = [n for n in results if n not in ground_truth]
    if missing:
        raise ConfigError(f"protocol {protocol.name}: no ground truth for sequence(s) {missing[:5]}")
    errors = [frame_errors(protocol, n, results[n], *ground_truth[n]) for n in sorted(results)]
    scores, curves = aggregate(protocol, errors)
    by_name = {fe.name: fe for fe in errors}
    label = dict(result_files or {})
    all_notes = list(notes) + [f"{label.get(fe.name, fe.name)}: {n}" for fe in errors for n in fe.notes]
    attributes: list[AttributeScores] = []
    for attr, names in (sequence_tags or {}).items():
        subset = [by_name[n] for n in names if n in by_name]
        if subset:
            s, _ = aggregate(protocol, subset)
            attributes.append(AttributeScores(attr, "sequence", len(subset), sum(len(f) for f in subset), s))
    for attr, masks in (frame_tags or {}).items():
        subset = [by_name[n].subset(_fit_mask(m, len(by_name[n]))) for n, m in masks.items() if n in by_name]
        subset = [f for f in subset if len(f) and f.counted.any()]
        if subset:
            s, _ = aggregate(protocol, subset)
            attributes.append(AttributeScores(attr, "frame", len(subset), sum(len(f) for f in subset), s))
    return EvalReport(
        protocol=protocol.name,
        tracker=tracker,
        scores=scores,
        curves=curves,
        sequences=tuple(sequence_curves(protocol, fe) for fe in errors),
        attributes=tuple(attributes),
        attribute_source=attribute_source if attributes else None,
        notes=tuple(all_notes),
    )
