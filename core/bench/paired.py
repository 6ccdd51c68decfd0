"""Paired SR differences between the trackers of one ``bench accuracy --real`` run.

Every tracker in a run tracks the same runs (sequence, first frame), so the fair comparison of
two trackers is the difference of their SR run by run. The runs of one sequence are not
independent (the same target, overlapping frames), so the interval resamples whole sequences
(a cluster bootstrap): ``resamples`` draws of the sequences with replacement, the mean of the
runs' differences in each, and the 2.5th and 97.5th percentiles of those means. An interval
that contains 0 says the run cannot tell the two trackers apart.

Rows are :func:`core.bench.real_scores.score_real`'s: the per-run rows (``kind`` "sequence")
with ``tracker``, ``modality``, ``sequence`` (``name`` or ``name@frame``) and ``sr``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

#: bootstrap draws for the interval
RESAMPLES = 2000
#: the modalities' order, then all footage together
MODALITY_ORDER = ("visible", "thermal", "rgbt", "all")


def sequence_of(run: str) -> str:
    """The sequence a run belongs to: ``name@frame`` -> ``name``."""
    name, at, frame = run.rpartition("@")
    return name if at and frame.isdigit() else run


@dataclass(frozen=True)
class PairedDifference:
    """``tracker``'s SR minus ``reference``'s over the ``runs`` both tracked in ``modality``
    ("all": every modality the tracker ran on all of), from ``sequences`` sequences: ``mean``
    and the 95 % cluster-bootstrap interval ``low`` - ``high`` (None with fewer than two
    sequences)."""

    tracker: str
    reference: str
    modality: str
    runs: int
    sequences: int
    mean: float
    low: float | None
    high: float | None

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _interval(sums: np.ndarray, counts: np.ndarray, resamples: int, seed: int) -> tuple[float, float] | None:
    """2.5th / 97.5th percentiles of the mean over sequences drawn with replacement, each
    sequence given by the sum and count of its runs' differences."""
    k = len(sums)
    if k < 2:
        return None
    draws = np.random.default_rng(seed).integers(0, k, size=(resamples, k))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def paired_differences(rows: list[dict], reference: str, *, resamples: int = RESAMPLES,
                       seed: int = 0) -> list[PairedDifference]:
    """Every other tracker against ``reference``, per modality and over all footage (see the
    module doc). A tracker that did not run all of the reference's runs (the peers' thermal rows
    run on RGB-T pairs only) gets no "all" entry, as its "all" mean is left out of the table
    too; nor does a run of one modality."""
    runs = [r for r in rows if r.get("kind") == "sequence" and r.get("sr") is not None]
    by_tracker: dict[str, dict[tuple[str, str], float]] = {}
    for r in runs:
        by_tracker.setdefault(r["tracker"], {})[(r["modality"], r["sequence"])] = float(r["sr"])
    base = by_tracker.get(reference)
    if not base:
        return []
    out = []
    for tracker, scores in by_tracker.items():
        if tracker == reference:
            continue
        for modality in MODALITY_ORDER:
            if modality == "all" and (len({m for m, _ in base}) < 2 or any(k not in scores for k in base)):
                continue  # one modality only (its own entry says it all), or not every run: no "all"
            keys = [k for k in base if k in scores and (modality == "all" or k[0] == modality)]
            if not keys:
                continue
            clusters: dict[str, list[float]] = {}
            for key in keys:
                clusters.setdefault(sequence_of(key[1]), []).append(scores[key] - base[key])
            sums = np.array([sum(v) for v in clusters.values()])
            counts = np.array([len(v) for v in clusters.values()], dtype=np.float64)
            interval = _interval(sums, counts, resamples, seed)
            out.append(PairedDifference(tracker, reference, modality, len(keys), len(clusters),
                                        float(sums.sum() / counts.sum()),
                                        None if interval is None else interval[0],
                                        None if interval is None else interval[1]))
    return out
