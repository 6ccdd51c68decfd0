"""``python main.py bench safeguards``: the tracker's inference safeguards, ablated on real footage.

One model (student or teacher, any checkpoint) runs under several test-loop
configurations (:data:`VARIANTS`, :class:`core.tracking.tracker.TrackerConfig`) side by
side on the **validation** part of ``configs/real_split.json`` (the machinery of
``bench accuracy --real``: :mod:`core.bench.real_run`), from the plain OSTrack loop
(``legacy``) adding one safeguard at a time up to the defaults, then the optional
heuristics on top of the defaults (``--resize FACTOR``: every frame and box scaled,
``core.bench.resize``; ``--frame-step K``: every K-th frame, ``core.bench.frame_step``; ``--jpeg
QUALITY``: every frame through a JPEG round trip, ``core.bench.compression``). The report gives, per variant, the mean SR per
modality, the runaway share (mean and worst sequence), the confidence AUC, and the SR
change against ``legacy`` per sequence (the worst sequence's change is what "the new
defaults lose SR on no validation sequence" is judged by).

Tune only on the validation split; ``docs/tracking_heuristics.md`` holds the table.
"""
from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
import time
from pathlib import Path

from core.bench.contenders import Contender
from core.bench.footage_options import add_footage_options, footage_changes, footage_payload
from core.bench.real_items import DEFAULT_MAX_FRAMES, real_items
from core.bench.real_run import run_real_bench
from core.bench.real_scores import score_real
from core.commands.arguments import add_engine_options, finite_float, positive_int, shipped_file
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import run_with_bar
from core.real_split import DEFAULT_DATA_FOLDER, DEFAULT_SPLIT_FILE, load_split
from core.tracking.tracker_config import (
    DISTRACTOR_GATE,
    HOLD_THRESHOLD,
    MAX_SIZE_RATIO,
    TrackerConfig,
    hold_options,
)
from core.wording import plural

LOST_THRESHOLD = 0.25

#: key -> (description, TrackerConfig). Each "+" row adds one safeguard to the row above it.
VARIANTS: dict[str, tuple[str, TrackerConfig]] = {
    "legacy": ("plain OSTrack loop (old defaults)", TrackerConfig.legacy()),
    "penalty": ("+ scale/aspect-change penalty", TrackerConfig.legacy(scale_penalty_k=0.04)),
    "damping": ("+ size damping (lr 0.5, <= 1.1x/frame)",
                TrackerConfig.legacy(scale_penalty_k=0.04, size_lr=0.5, max_size_change=1.1)),
    "bounds2": ("+ size bound 2x the initial box per side",
                TrackerConfig.legacy(scale_penalty_k=0.04, size_lr=0.5, max_size_change=1.1, max_size_ratio=2.0)),
    "score_lr": ("+ size rate x peak score (SiamRPN)",
                 TrackerConfig.legacy(scale_penalty_k=0.04, size_lr=0.5, max_size_change=1.1, max_size_ratio=2.0,
                                      size_lr_by_score=True)),
    "aspect": ("+ aspect within 1.5x of the initial box",
               TrackerConfig(max_size_ratio=2.0, size_lr=0.5, size_calibration=0.0, online_filter_weight=0.0)),
    "bound15": ("+ size bound 1.5x per side (the issue-10 defaults)",
                TrackerConfig(max_size_ratio=1.5, size_lr=0.5, size_calibration=0.0, online_filter_weight=0.0)),
    "lr01": ("+ size rate 0.1 instead of 0.5",
             TrackerConfig(max_size_ratio=1.5, size_calibration=0.0, online_filter_weight=0.0)),
    "calibration": ("+ half the init frame's size bias removed",
                    TrackerConfig(max_size_ratio=1.5, online_filter_weight=0.0)),
    "filter": ("+ online correlation filter (weight 0.5)", TrackerConfig(max_size_ratio=1.5)),
    "default": (f"+ size bound widened to {MAX_SIZE_RATIO:g}x per side = defaults", TrackerConfig()),
    "floor10": ("defaults, every box at least 10 px (OSTrack's clip)", TrackerConfig(box_floor="margin")),
    "cal10": ("defaults, all of the init frame's size bias removed", TrackerConfig(size_calibration=1.0)),
    "cal0": ("defaults, no size calibration (the network's size as read)", TrackerConfig(size_calibration=0.0)),
    "lr025": ("defaults, size rate 0.25", TrackerConfig(size_lr=0.25)),
    "lr015": ("defaults, size rate 0.15", TrackerConfig(size_lr=0.15)),
    "lr005": ("defaults, size rate 0.05", TrackerConfig(size_lr=0.05)),
    "lost": (f"defaults + loss handling (conf < {LOST_THRESHOLD}: hold size, widen search)",
             TrackerConfig(lost_threshold=LOST_THRESHOLD)),
    "hold": ("defaults + loss handling holding the position", TrackerConfig(lost_threshold=LOST_THRESHOLD,
                                                                            hold_when_lost=True)),
    "hold_switch": (f"defaults + the users' hold switch (conf < {HOLD_THRESHOLD}: position and size held)",
                    TrackerConfig(**hold_options(True))),
    "distractors": ("defaults + distractor memory (gate 0.5)", TrackerConfig(distractor_gate=DISTRACTOR_GATE)),
    "window075": ("defaults, window influence 0.75", TrackerConfig(window_influence=0.75)),
    "template": ("defaults + template update (> 0.91)", TrackerConfig(template_update=True)),
    "kalman": ("defaults + Kalman fallback (< 0.25)", TrackerConfig(kalman_fallback=True)),
    "slow": ("defaults, <= 1.05x/frame", TrackerConfig(max_size_change=1.05)),
    "aspect125": ("defaults, aspect within 1.25x", TrackerConfig(max_aspect_change=1.25)),
    "tight": ("defaults, aspect within 1.25x, size bound 1.25x", TrackerConfig(max_aspect_change=1.25,
                                                                           max_size_ratio=1.25)),
}


#: the variants whose loss threshold ``--lost-threshold`` replaces (``hold_switch`` is the
#: users' switch as shipped: its threshold is part of what it measures)
THRESHOLD_VARIANTS = frozenset({"lost", "hold"})


def variant_contenders(model: str, weights: str | None, keys, engine: str = "torch", threads: int | None = None,
                       lost_threshold: float | None = None) -> list[Contender]:
    """One contender per variant key, all sharing one engine (a Tracker holds no per-sequence state);
    ``lost_threshold`` replaces the threshold of the THRESHOLD_VARIANTS."""
    import dataclasses

    from core.bench.contenders import model_fingerprint
    from core.tracking.factory import default_weights, load_tracker
    from core.tracking.tracker import Tracker

    base = load_tracker(model, weights, engine=engine, device="cpu", threads=threads)
    path = Path(weights) if weights else default_weights(model)
    out = []
    for key in keys:
        label, config = VARIANTS[key]
        if lost_threshold is not None and key in THRESHOLD_VARIANTS:
            config = dataclasses.replace(config, lost_threshold=float(lost_threshold))
        tracker = Tracker(base.engine, base.model_config, config, weights_path=base.weights_path)
        name = f"{key}: {label}"
        out.append(Contender(key, name, str(path), tracker,
                             fingerprint=model_fingerprint(name, model, path, tracker)))
    return out


def register(subparsers) -> None:
    parser = subparsers.add_parser("safeguards", help="ablation of the tracker's inference safeguards on the real "
                                                      "validation split (SR, runaway, confidence AUC)",
                                   description="The tracker's inference safeguards, ablated on real footage: one "
                                   "model runs under several test-loop variants, from the plain OSTrack loop "
                                   "(legacy), adding one safeguard at a time up to the defaults, then the optional "
                                   "heuristics on top, on the validation part of the real split. Per variant: mean "
                                   "SR per modality, the runaway share (frames whose box is over 4x the true box's "
                                   "area; mean and worst sequence), the confidence AUC, and the SR change against legacy per sequence. "
                                   "Tune only on the validation split (docs/tracking_heuristics.md holds the table).")
    parser.add_argument("--model", choices=("student", "teacher"), default="student",
                        help="which network runs (default student)")
    parser.add_argument("--weights", type=shipped_file, default=None, help="checkpoint .pt or .onnx (default: the bundled one)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"subset of {','.join(VARIANTS)}")
    parser.add_argument("--lost-threshold", type=finite_float, default=None,
                        help=f"confidence below which the target counts as lost in the variants "
                             f"{', '.join(sorted(THRESHOLD_VARIANTS))} (default {LOST_THRESHOLD}; "
                             f"hold_switch keeps {HOLD_THRESHOLD})")
    parser.add_argument("--split-file", type=Path, default=DEFAULT_SPLIT_FILE,
                        help="split file whose validation part is run (default configs/real_split.json)")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_FOLDER,
                        help="folder the split's sequence paths are relative to (default ../shared/data)")
    parser.add_argument("--max-frames", type=int, default=DEFAULT_MAX_FRAMES,
                        help=f"first frames of each sequence ({DEFAULT_MAX_FRAMES}; 0 = all)")
    parser.add_argument("--starts", type=int, default=1,
                        help="runs per sequence from evenly spaced first frames (default 1)")
    add_footage_options(parser)
    add_engine_options(parser, engine="torch", device=None, subject="the models (always on the CPU)")
    parser.add_argument("--threads", type=positive_int, default=1, help="CPU threads of each worker (default 1)")
    parser.add_argument("--jobs", type=positive_int, default=2,
                        help="worker processes, the sequences shared out among them (default 2)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.set_defaults(func=run)


def _keys(text: str) -> list[str]:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in VARIANTS]
    if unknown or not keys:
        raise ConfigError(f"unknown variant(s) {unknown}; choose from {list(VARIANTS)}")
    return keys


def ablation_rows(rows: list[dict]) -> list[dict]:
    """Per variant: mean SR per modality and all, runaway mean / worst, AUC (all), and the
    per-sequence SR change against ``legacy`` (``worst_delta``, ``worst_sequence``) when
    ``legacy`` ran."""
    means = {(r["key"], r["modality"]): r for r in rows if r["kind"] == "mean"}
    sequences = {(r["key"], r["sequence"]): r for r in rows if r["kind"] == "sequence"}
    keys = list(dict.fromkeys(r["key"] for r in rows if r["kind"] == "mean"))
    names = list(dict.fromkeys(r["sequence"] for r in rows if r["kind"] == "sequence"))
    out = []
    for key in keys:
        overall = means.get((key, "all")) or next(r for (k, _), r in means.items() if k == key)
        row = {"variant": key, "label": overall["tracker"], "sr_all": overall["sr"],
               "runaway": overall["runaway"], "runaway_max": overall.get("runaway_max"), "auc": overall["auc"],
               "fps": overall["fps"]}
        for modality in ("visible", "thermal", "rgbt"):
            if (key, modality) in means:
                row[f"sr_{modality}"] = means[(key, modality)]["sr"]
        if any(k == "legacy" for k, _ in sequences):
            deltas = {n: sequences[(key, n)]["sr"] - sequences[("legacy", n)]["sr"] for n in names}
            worst = min(deltas, key=deltas.get)
            row.update(worst_delta=round(deltas[worst], 4), worst_sequence=worst,
                       deltas={n: round(d, 4) for n, d in deltas.items()})
        out.append(row)
    return out


def format_ablation(table: list[dict], notes=()) -> str:
    def f(value):
        return "   -  " if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:6.3f}"

    lines = ["bench safeguards: SR (LasHeR), runaway = share of frames with box area > 4x GT (mean / worst "
             "sequence), AUC of the confidence for IoU >= 0.5, worst per-sequence SR change vs legacy", *notes]
    width = max(len(r["label"]) for r in table)
    lines.append(f"{'variant':<{width}} | {'SR vis':>6} {'SR thr':>6} {'SR all':>6} | {'runaw':>6} {'worst':>6} | "
                 f"{'AUC':>6} | {'worst dSR':>9} (sequence)")
    for r in table:
        worst = f"{r['worst_delta']:+9.3f} ({r['worst_sequence']})" if "worst_delta" in r else "        -"
        lines.append(f"{r['label']:<{width}} | {f(r.get('sr_visible'))} {f(r.get('sr_thermal'))} {f(r['sr_all'])} | "
                     f"{f(r['runaway'])} {f(r['runaway_max'])} | {f(r['auc'])} | {worst}")
    return "\n".join(lines)


def run_ablation(args) -> tuple[dict, str]:
    started = time.perf_counter()
    keys = _keys(args.variants)
    if args.max_frames < 0 or args.max_frames == 1:
        raise ConfigError("--max-frames must be 0 (all) or >= 2")
    split = load_split(args.split_file)
    items, notes = real_items(split, "validation", args.data_root, args.max_frames or None, args.starts,
                              **footage_changes(args))
    if not items:
        raise ConfigError(f"no validation sequence under {args.data_root}: " + "; ".join(notes))
    build = functools.partial(variant_contenders, args.model, args.weights, keys, args.engine, args.threads,
                              args.lost_threshold)
    contenders = build()
    bench = run_with_bar(run_real_bench(contenders, items, one_step_every=0, threads=args.threads,
                                        jobs=args.jobs, build=build), "bench safeguards")
    rows, _ = score_real(bench)
    table = ablation_rows(rows)
    load = os.getloadavg()
    notes = [f"{args.model} weights {contenders[0].weights}; {plural(len(items), 'validation sequence')}", *notes,
             f"wall time {time.perf_counter() - started:.0f} s; load average {load[0]:.1f} / {load[1]:.1f}"]
    payload = {"model": args.model, "weights": contenders[0].weights, "max_frames": args.max_frames, "starts": args.starts,
               **footage_payload(args),
               "variants": {k: repr(VARIANTS[k][1]) for k in keys}, "table": table, "rows": rows, "notes": notes}
    return payload, format_ablation(table, notes)


def check_outputs(args: argparse.Namespace) -> None:
    """OutputError before any work when ``--json`` would replace an input: the checkpoint,
    the bundled models, the split file, a dataset folder of the data root (:mod:`core.bench.outputs`)."""
    from core.bench.outputs import bundled_models, check_bench_outputs, split_inputs, weights_inputs

    inputs = weights_inputs(args.weights, "the checkpoint (--weights)") + bundled_models()
    inputs += split_inputs(args.split_file)
    check_bench_outputs(args, inputs, data_roots=[(args.data_root, "--data-root")])


def run(args: argparse.Namespace) -> int:
    from core.bench.weights import checkpoint_or_random

    checkpoint_or_random(args.weights, "--weights", False, random_option=False)  # a typo: one line, before the footage
    check_outputs(args)
    payload, text = run_ablation(args)
    print(text)
    if args.json is not None:
        write_text_atomic(args.json, json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
