"""``python main.py bench accuracy --real``: the real-footage benchmark, one run side by side.

What runs (:mod:`core.bench.contenders`, ``REAL_KEYS``): the bundled student (KD), teacher
and no-KD student, the training-free floor (``core.tracking.correlation``), and OpenCV
CSRT, KCF and MIL on the present stream, and on RGB-T pairs also on the thermal stream
(rows ``CSRT (thermal)`` etc.: run on the pairs only, left out of the ``all`` means). On
what: the validation part of ``configs/real_split.json`` (``--split-part train`` for
diagnosis) under ``--data-root``
(``../shared/data``), each sequence cut to its first ``--max-frames`` frames (300 by
default; 0 = all) so that the run fits in 15 minutes on 2 cores; the table prints which
sequences were cut. ``--starts K`` runs each sequence K times from evenly spaced first
frames (``name@frame``), so one early jump to a look-alike weighs less in the mean.
``--veil-visible KEEP`` puts every visible frame under smoke or fog (``core.bench.veil``),
the thermal input clean: what the thermal stream carries when the visible one is blind.
``--resize FACTOR`` scales every frame and box (``core.bench.resize``): the same footage at another
resolution, e.g. 0.5 for targets half the size. ``--frame-step K`` shows the runs every K-th frame
(``core.bench.frame_step``): the same footage at 1/K of its frame rate, its targets moving K times
as far between frames. ``--jpeg QUALITY`` sends every frame through a JPEG round trip
(``core.bench.compression``): the same footage from a strongly compressed video. ``--grey-visible``
makes every visible frame grey (``core.bench.grey``), as a monochrome camera records it.
``--thermal-offset DX,DY`` moves every thermal frame of a pair by (DX, DY) pixels
(``core.bench.misregistration``), as two cameras registered a few pixels off record it. ``--init-error
SPEC`` starts every run from its first box drawn a little off (``core.bench.init_error``, OTB's
SRE). How
it is scored: :mod:`core.bench.real_run` (LasHeR PR/NPR/SR, FPS, runaway share,
confidence AUC, one-step diagnostic every ``--one-step-every`` frames).

Output: the table (:mod:`core.bench.real_table`) on stdout, with the wall time and the
load average; ``--json PATH``: an object ``{"command", "split_file", "part",
"max_frames", "starts", "veil_visible", "resize", "frame_step", "jpeg", "grey_visible", "thermal_offset", "init_error", "streams", "hold_when_lost", "pair_correlation", "pair_shape", "pixel_match",
"one_step_every", "threads", "wall_seconds", "load_average", "notes",
"rows", "paired"}`` (rows: :func:`core.bench.real_run.score_real`; paired: the SR differences
against the first tracker, :mod:`core.bench.paired`); ``--plots DIR``:
``DIR/<visible|thermal|all>/lasher_{PR,NPR,SR}.png``; ``--cache DIR`` reuses runs whose
tracker (weights, tracking code, config), sequence, frames and threads are unchanged.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from pathlib import Path

from core.bench.code_hashes import code_hashes
from core.bench.contenders import REAL_KEYS, build_contenders
from core.bench.footage_options import add_footage_options, footage_changes, footage_payload
from core.bench.paired import paired_differences
from core.bench.peers import PEER_LABELS
from core.bench.real_items import DEFAULT_MAX_FRAMES, real_items
from core.bench.real_run import run_real_bench
from core.bench.real_scores import score_real
from core.bench.real_table import format_real_table
from core.bench.result_cache import ResultCache
from core.bench.veil import VisibleVeil
from core.commands.arguments import (
    finite_float,
    loop_switches,
    pair_switches,
    positive_int,
    refuse_missing_data_root,
)
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import run_with_bar
from core.real_split import load_split
from core.tracking.engines import engine_label
from core.tracking.tracker_config import (
    DEFAULT_STREAMS,
    PAIR_CORRELATION,
    PIXEL_MATCH,
    pair_correlation_weight,
    pixel_match_weight,
)
from core.wording import plural

#: the parsed options the contenders are built from (sent to ``--jobs`` workers)
_BUILD_ARGS = ("trackers", "weights_dir", "models_dir", "random_weights", "engine", "device", "threads", "streams",
               "hold_when_lost", "pair_correlation", "pair_shape", "pixel_match")


def add_arguments(parser) -> None:
    """The ``--real`` options of ``bench accuracy`` (the shared ones are in ``accuracy``)."""
    from core.real_split import DEFAULT_SPLIT_FILE, PARTS

    group = parser.add_argument_group("real footage (--real)")
    group.add_argument("--real", action="store_true",
                       help="benchmark on the real split (configs/real_split.json) instead of the synthetic one")
    group.add_argument("--split-file", type=Path, default=DEFAULT_SPLIT_FILE, help="the split file (default configs/real_split.json)")
    group.add_argument("--split-part", choices=PARTS, default="validation",
                       help="validation (default) or train (for diagnosis only)")
    # default None: given without --real they are refused (bench accuracy ran the synthetic
    # benchmark for minutes, whatever --max-frames said); run_real_accuracy puts the defaults in
    group.add_argument("--max-frames", type=int, default=None,
                       help=f"use the first N frames of each sequence (default {DEFAULT_MAX_FRAMES}; 0 = all)")
    group.add_argument("--starts", type=positive_int, default=None,
                       help="runs per sequence from evenly spaced first frames, each over --max-frames frames "
                            "(default 1: from the first frame only)")
    group.add_argument("--veil-visible", type=finite_float, default=None, metavar="KEEP",
                       help="every visible frame under smoke or fog that keeps KEEP of it (e.g. 0.12; the thermal "
                            "input stays clean): how much the thermal stream carries (core/bench/veil.py)")
    add_footage_options(group)
    group.add_argument("--one-step-every", type=int, default=10,
                       help="one-step diagnostic on every K-th frame (default 10; 0 = off)")
    group.add_argument("--jobs", type=positive_int, default=1,
                       help="worker processes, each running every tracker on a share of the sequences with "
                            "--threads threads (default 1; on 2 cores: --jobs 2 --threads 1)")


def build_real_contenders(args):
    """The contenders of ``args`` (also called in each ``--jobs`` worker process)."""
    return _contenders(args)


def tracker_keys(args) -> list[str]:
    """The contender keys ``--trackers`` names (the real benchmark's default set without it)."""
    return [k.strip() for k in (args.trackers or ",".join(REAL_KEYS)).split(",") if k.strip()]


def _contenders(args):
    contenders = build_contenders(tracker_keys(args), weights_dir=args.weights_dir, models_dir=args.models_dir,
                                  modalities=("visible", "thermal"), random_weights=args.random_weights,
                                  engine=args.engine, device=args.device, threads=args.threads, streams=args.streams,
                                  hold_when_lost=args.hold_when_lost, **loop_switches(args))
    return labelled_peers(contenders)


def labelled_peers(contenders):
    """``contenders`` with each OpenCV peer labelled for the stream it sees: on the present
    stream ("CSRT"; on a thermal-only sequence the visible stream is the thermal frame,
    ``core.sequences``, so "visible" is the present stream), and on the thermal stream of
    RGB-T pairs only ("CSRT (thermal)", ``pairs_only``), where it is another stream."""
    import dataclasses

    out = []
    for c in contenders:
        modality = getattr(c.tracker, "modality", None)
        if c.key in PEER_LABELS and c.available and modality == "visible":
            c = dataclasses.replace(c, label=PEER_LABELS[c.key])
        elif c.key in PEER_LABELS and c.available and modality == "thermal":
            c = dataclasses.replace(c, label=f"{PEER_LABELS[c.key]} (thermal)", pairs_only=True)
        out.append(c)
    return out


def _pair_correlation(args) -> bool:
    """Whether the student's and the teacher's loop correlates two-stream pairs
    (``--pair-correlation``, else the ``TrackerConfig`` default)."""
    return pair_correlation_weight(pair_switches(args)["pair_correlation"]) > 0


def _every_nth_frame(n: int) -> str:
    """"every frame", "every 2nd frame", "every 10th frame" (the one-step diagnostic's header line)."""
    if n == 1:
        return "every frame"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"every {n}{suffix} frame"


def run_real_accuracy(args):
    """The whole real benchmark for parsed ``args``: (payload, bench, reports, text)."""
    import cv2
    import torch

    started = time.perf_counter()
    if args.max_frames is None:
        args.max_frames = DEFAULT_MAX_FRAMES
    if args.starts is None:
        args.starts = 1
    if args.threads is not None and args.threads < 1:
        raise ConfigError("--threads must be >= 1")
    if args.max_frames < 0 or args.max_frames == 1:
        raise ConfigError("--max-frames must be 0 (all) or >= 2")
    if args.one_step_every < 0:
        raise ConfigError("--one-step-every must be >= 0 (0 = off)")
    if args.threads:
        torch.set_num_threads(args.threads)
        cv2.setNumThreads(args.threads)
    split = load_split(args.split_file)
    # nothing to run without the footage, whose default folder may be absent (an installed wheel): one line
    refuse_missing_data_root(args.data_root)
    code_hashes()  # before any tracker is imported: the cache keys name the code that runs
    max_frames = args.max_frames or None
    veil = None if args.veil_visible is None else VisibleVeil(args.veil_visible)
    items, notes = real_items(split, args.split_part, args.data_root, max_frames, args.starts, veil,
                              **footage_changes(args))
    if not items:
        raise ConfigError(f"nothing to evaluate in the {args.split_part} part of {split.path} under "
                          f"{args.data_root}: " + "; ".join(notes or ["no sequence"]))
    contenders = _contenders(args)
    cache = ResultCache(args.cache) if args.cache is not None else None
    if args.jobs < 1:
        raise ConfigError("--jobs must be >= 1")
    build = functools.partial(build_real_contenders, argparse.Namespace(**{
        k: v for k, v in vars(args).items() if k in _BUILD_ARGS}))
    job = run_real_bench(contenders, items, one_step_every=args.one_step_every, cache=cache, threads=args.threads,
                         jobs=args.jobs, build=build)
    bench = run_with_bar(job, "bench accuracy --real")
    rows, reports = score_real(bench)
    wall = time.perf_counter() - started
    counts = {m: sum(i.modality == m for i in items) for m in ("visible", "thermal", "rgbt")}
    header = [f"split: {args.split_part} part of {split.path} under {args.data_root}: {plural(len(items), 'sequence')} ("
              + ", ".join(f"{n} {m}" for m, n in counts.items() if n) + ")"]
    header += notes
    header.append("streams: our models and the floor get the present stream as both inputs (visible-only: RGB and "
                  "its luminance as thermal; thermal-only: thermal as both); CSRT/KCF/MIL see the present stream")
    if counts["rgbt"] and any(c.pairs_only and c.available for c in contenders):
        header.append("on RGB-T pairs the OpenCV peers run twice: on the visible stream (their plain row) and on the "
                      "thermal stream ('(thermal)' rows: RGB-T pairs only, so they are left out of the 'all' means)")
    if args.streams != DEFAULT_STREAMS:
        header.append(f"--streams {args.streams}: what the student and the teacher are fed (TrackerConfig.streams)")
    if args.hold_when_lost:
        header.append("--hold-when-lost: the student's and the teacher's box is held while the target is lost")
    pair_correlation = _pair_correlation(args)
    if pair_correlation != (PAIR_CORRELATION > 0):
        header.append(f"--pair-correlation {args.pair_correlation}: the student's and the teacher's box "
                      + ("is blended with the frozen-feature correlation of both streams on real two-stream pairs"
                         if pair_correlation else "is not blended with the correlation on two-stream pairs")
                      + " (not the default; TrackerConfig.pair_correlation)")
    shape_free = pair_switches(args)["pair_shape"] is False
    if shape_free:
        header.append("--pair-shape free: on real two-stream pairs the student's and the teacher's box may change its "
                      "aspect as on single-modality footage (not the default; TrackerConfig.pair_max_aspect_change)")
    pixel_match = pixel_match_weight(loop_switches(args)["pixel_match"]) > 0
    if pixel_match != (PIXEL_MATCH > 0):
        header.append(f"--pixel-match {args.pixel_match}: the student's and the teacher's reported centre "
                      + ("is matched on the drawn target's pixels" if pixel_match else "is the network's")
                      + " (not the default; TrackerConfig.pixel_match)")
    header.append(f"one-step diagnostic: {_every_nth_frame(args.one_step_every)}" if args.one_step_every
                  else "one-step diagnostic: off")
    engines = sorted({f"{c.label}: {engine_label(c.tracker.engine)}" for c in contenders
                      if c.available and getattr(c.tracker, "engine", None) is not None})
    header.append(plural(args.threads, "CPU thread") + (f" in each of {args.jobs} worker processes" if args.jobs > 1 else "")
                  + "; " + ("; ".join(engines) or "-"))
    reused = sum(r.cached for r in bench.runs.values())
    if reused:
        header.append(f"{reused} of {plural(len(bench.runs), 'run')} read from the cache {args.cache} (FPS as measured then)")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    footer = f"wall time {wall:.0f} s; " + ("load average unknown" if load is None else
                                            f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)")
    order = [c.label for c in contenders]
    reference = next((label for label in order if any(r["tracker"] == label for r in rows)), None)
    paired = paired_differences(rows, reference) if reference is not None else []
    text = format_real_table(rows, header, order, paired) + "\n" + footer
    payload = {"command": "python main.py " + " ".join(sys.argv[1:]) if sys.argv else "",
               "split_file": str(split.path), "part": args.split_part, "data_root": str(args.data_root),
               "max_frames": max_frames, "starts": args.starts, "veil_visible": args.veil_visible,
               **footage_payload(args), "streams": args.streams,
               "hold_when_lost": bool(args.hold_when_lost), "pair_correlation": pair_correlation,
               "pair_shape": "free" if shape_free else "drawn", "pixel_match": pixel_match,
               "one_step_every": args.one_step_every,
               "threads": args.threads, "jobs": args.jobs,
               "wall_seconds": round(wall, 1), "load_average": None if load is None else [round(v, 2) for v in load],
               "notes": header, "rows": rows, "paired": [d.as_dict() for d in paired]}
    return payload, bench, reports, text


def run_real(args) -> int:
    payload, _, reports, text = run_real_accuracy(args)
    print(text)
    if args.plots is not None:
        from core.metrics import save_plots_by_group

        for path in save_plots_by_group(reports, args.plots):
            print(f"wrote {path}", file=sys.stderr)
    if args.json is not None:
        write_text_atomic(args.json, json.dumps(payload, indent=2, allow_nan=False) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
