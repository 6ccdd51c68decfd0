"""Running every contender on every sequence and scoring it (the job of ``bench accuracy``).

Each sequence is opened once; all available contenders start on frame 0 from the
ground-truth box and then track frame by frame side by side (every frame is read or
rendered once, whatever the number of contenders). Only the contenders' ``init`` /
``track`` calls are timed: **FPS = frames tracked after the first / seconds spent in
``track``** (frame decoding and rendering excluded), summed over the sequences of a row.

Scores use ``core.metrics`` with the protocol ``lasher`` (PR at 20 px, SR = mean success
over the 21 overlap thresholds 0:0.05:1, frame 1 = ground truth, mean over sequences);
a family's scores are that protocol's aggregate over the family's sequences.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.bench.contenders import Contender
from core.bench.eval_sets import SYNTHETIC, EvalItem, ground_truth_rows
from core.bench.real_metrics import valid_rows
from core.bench.result_cache import ResultCache, run_key
from core.bench.side_by_side import SideBySide
from core.errors import ConfigError
from core.progress import Job, Progress

PROTOCOL = "lasher"


@dataclass
class SequenceRun:
    """One contender on one sequence: boxes (M, 4) x, y, w, h float64 for frames
    ``start`` .. ``start + M - 1`` (row 0 = the init box), ``seconds`` spent in ``track``
    for ``tracked`` frames."""

    boxes: np.ndarray
    seconds: float
    tracked: int
    start: int = 0
    cached: bool = False


@dataclass
class BenchRuns:
    """Raw results: ``runs[(contender label, dataset, sequence)]``, ground truth per
    ``(dataset, sequence)``, the items evaluated and notes."""

    contenders: list[Contender]
    items: list[EvalItem]
    runs: dict[tuple[str, str, str], SequenceRun] = field(default_factory=dict)
    ground_truth: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def track_item(item: EvalItem, contenders: Sequence[Contender], done: int, total: int,
               cache: ResultCache | None = None, threads: int | None = None) -> Job[dict]:
    """Track one sequence with every available contender; returns {label: SequenceRun}
    and ``"__gt__"``: the (M, 4) ground-truth rows evaluated. The first frame with a
    ground-truth box initialises (frame 0 unless the target starts hidden, e.g. a short
    synthetic occlusion sequence); earlier frames are not evaluated. With ``cache``,
    contenders with a stored run of this sequence are not re-tracked (their SequenceRun
    has ``cached=True``). Yields one Progress per frame."""
    sequence = item.open()
    try:
        n = min(len(sequence), item.num_frames)
        gt = ground_truth_rows(sequence.ground_truth(), n)
        valid = valid_rows(gt)
        if not valid.any():
            raise ConfigError(f"{item.dataset}/{item.name}: no ground-truth box in its first {n} frames")
        start = int(np.argmax(valid))  # the first labelled, visible frame initialises
        gt = gt[start:]
        init_box = gt[0].copy()
        keys = {c.label: run_key(c.fingerprint, item.dataset, item.name, gt, threads)
                for c in contenders if c.available}
        cached = {}
        if cache is not None:
            for c in contenders:
                if c.available and (hit := cache.get(keys[c.label])) is not None and len(hit[0]) == len(gt):
                    cached[c.label] = SequenceRun(hit[0], hit[1], hit[2], start, cached=True)
        active = [c for c in contenders if c.available and c.label not in cached]
        boxes = {c.label: np.full((len(gt), 4), np.nan) for c in active}
        if not active:
            yield Progress(done + n, total, f"{item.dataset}/{item.name} (cached)")
            return {**cached, "__gt__": gt}
        loop = SideBySide(active, sequence[start], init_box)
        for c in active:
            boxes[c.label][0] = init_box
        yield Progress(done + start + 1, total, f"{item.dataset}/{item.name} {start + 1}/{n}")
        for index in range(start + 1, n):
            for label, step in loop.track(sequence[index]).items():
                boxes[label][index - start] = step.box
            yield Progress(done + index + 1, total, f"{item.dataset}/{item.name} {index + 1}/{n}")
    finally:
        sequence.close()
    out = {label: SequenceRun(boxes[label], loop.seconds[label], len(gt) - 1, start) for label in boxes}
    if cache is not None:
        for label, run in out.items():
            cache.put(keys[label], run.boxes, run.seconds, run.tracked)
    return {**out, **cached, "__gt__": gt}


def run_bench(contenders: Sequence[Contender], items: Sequence[EvalItem], *, cache: ResultCache | None = None,
              threads: int | None = None) -> Job[BenchRuns]:
    """Track every item with every available contender (reusing ``cache`` entries made
    with the same ``threads``). Progress counts frames (each frame = all contenders);
    cancel with ``job.close()`` between frames (nothing of the open sequence is cached)."""
    result = BenchRuns(list(contenders), list(items))
    total = sum(item.num_frames for item in items)
    done = 0
    for item in items:
        out = yield from track_item(item, contenders, done, total, cache, threads)
        result.ground_truth[(item.dataset, item.name)] = out.pop("__gt__")
        for label, run in out.items():
            result.runs[(label, item.dataset, item.name)] = run
        done += item.num_frames
    return result


def _fps(runs: Sequence[SequenceRun]) -> float | None:
    seconds = sum(r.seconds for r in runs)
    frames = sum(r.tracked for r in runs)
    return round(frames / seconds, 2) if seconds > 0 and frames > 0 else None


def _row(tracker: str, dataset: str, sequence: str, kind: str, scores: dict | None, fps, **extra) -> dict:
    return {"tracker": tracker, "dataset": dataset, "sequence": sequence,
            "pr": None if scores is None else round(float(scores["PR"]), 4),
            "sr": None if scores is None else round(float(scores["SR"]), 4),
            "fps": fps, "kind": kind, "protocol": PROTOCOL, **extra}


def score(bench: BenchRuns):
    """Rows and reports from raw runs.

    Returns ``(rows, reports)``: rows are dicts ``{"tracker", "dataset", "sequence", "pr",
    "sr", "fps", "kind", "protocol", ...}`` with ``kind`` one of ``sequence`` (one
    sequence; ``group`` = its family), ``family`` (``sequence`` = ``"family:<name>"``,
    ``sequences`` = count), ``overall`` (``sequence`` = ``"overall"``: every sequence of
    the dataset) and ``missing`` (``pr``/``sr``/``fps`` null, ``reason``);
    reports: ``{dataset: [EvalReport per available contender]}`` for the plots.
    """
    from core.metrics import evaluate_arrays, get_protocol

    protocol = get_protocol(PROTOCOL)
    datasets: dict[str, list[EvalItem]] = {}
    for item in bench.items:
        datasets.setdefault(item.dataset, []).append(item)
    rows, reports = [], {}
    for dataset, items in datasets.items():
        groups: dict[str, list[str]] = {}
        for item in items:
            groups.setdefault(item.group, []).append(item.name)
        gt = {item.name: (bench.ground_truth[(dataset, item.name)], None) for item in items}
        for c in (c for c in bench.contenders if c.available):
            runs = {item.name: bench.runs[(c.label, dataset, item.name)] for item in items}
            tags = groups if dataset == SYNTHETIC else None
            report = evaluate_arrays(protocol, {n: r.boxes for n, r in runs.items()}, gt, tracker=c.label,
                                     sequence_tags=tags)
            reports.setdefault(dataset, []).append(report)
            notes = {item.name: item.note for item in items if item.note}
            for s in report.sequences:
                group = next(item.group for item in items if item.name == s.name)
                rows.append(_row(c.label, dataset, s.name, "sequence", s.scores, _fps([runs[s.name]]),
                                 group=group, frames=s.frames, start_frame=runs[s.name].start,
                                 cached=runs[s.name].cached, weights=c.weights,
                                 **({"note": notes[s.name]} if s.name in notes else {})))
            for a in report.attributes:
                rows.append(_row(c.label, dataset, f"family:{a.attribute}", "family", a.scores,
                                 _fps([runs[n] for n in groups[a.attribute]]), sequences=a.sequences,
                                 frames=a.frames, weights=c.weights))
            rows.append(_row(c.label, dataset, "overall", "overall", report.scores, _fps(list(runs.values())),
                             sequences=len(items), cached_sequences=sum(r.cached for r in runs.values()),
                             weights=c.weights))
    for c in bench.contenders:
        if not c.available:
            rows.append(_row(c.label, "-", "-", "missing", None, None, reason=c.reason, weights=c.weights))
    return rows, reports
