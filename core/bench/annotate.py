"""``python main.py bench annotate``: what annotating a sequence with the studio costs.

A simulated annotator works through each sequence with ground truth, frame by frame,
the way the studio is used (``docs/studio.md``):

1. it draws the box on the first frame where the target is visible (ground truth);
2. it runs the chosen tracker (**T**) from there to the end;
3. at the first frame where the box falls below IoU ``IOU_THRESHOLD`` (0.5) with the
   ground truth it corrects that frame (the ground-truth box becomes a keyframe) and
   re-tracks from it (a fresh ``init``, as **T** from a keyframe does); 2-3 repeat until
   the end. Frames where the target is absent (no ground-truth box) are neither checked
   nor scored.

Modes (``MODES``):

- ``student``, ``teacher``, ``csrt``, ``kcf`` (and ``mil`` when ``core.bench.peers``
  offers it): that tracker alone (``core.trackers``);
- ``teacher-refined``: the student tracks; on every run of frames whose student
  confidence is below the studio's default review threshold (``low_confidence_for``:
  ``LOW_CONFIDENCE`` on one stream, ``LOW_CONFIDENCE_PAIRS`` on a two-stream pair) the teacher refines (it tracks from the latest
  keyframe when that is at most ``TEACHER_ANCHOR_REACH`` frames back, else from the
  student's box on the frame before the run) and its boxes are accepted, as the studio's
  "Refine low-confidence frames" + "Accept" does;
- ``interpolation``: no tracker; keyframes on the first and the last visible frame,
  linear boxes between keyframes (``core.annotations.interpolation`` semantics), and a
  new keyframe at the first frame below the threshold until none is left.

Reported per mode and set (``synthetic``: the fixed synthetic evaluation split;
``real``: the validation part of ``configs/real_split.json``, paths relative to the data
root ``../shared/data``): **corrections per 100 frames** (keyframes after the first
drawn box, per 100 scored frames) and the **final mean IoU** of the boxes the annotator
ends with (corrected frames count as 1.0), over all scored frames. With ``--restarts-every K``
each tracker mode is also started from the ground-truth box on every K-th frame, and the
**frames to failure** (until its first box below the threshold, at most ``--restart-cap``) are
averaged: the same cost from regular starts, which one chain of corrections measures with a
large spread on small targets with noisy truth boxes (``core.bench.annotator.frames_to_failure``).
``--json`` writes
every row and the per-sequence results. Boxes: x, y, w, h float64 pixels of the visible
frame (``core.geometry``).
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.bench.annotator import (
    IOU_THRESHOLD,
    LOW_CONFIDENCE,
    TEACHER_ANCHOR_REACH,
    Segment,
    annotate_by_interpolation,
    annotate_with,
    final_iou,
    frames_to_failure,
    interpolate_keyframes,
    refined_segment,
    tracker_segment,
)
from core.bench.outputs import without_nan
from core.bench.real_metrics import valid_rows
from core.commands.arguments import add_engine_options, int_at_least, positive_int
from core.errors import ConfigError
from core.progress import Job, Progress, relay
from core.real_split import DEFAULT_DATA_FOLDER, DEFAULT_SPLIT_FILE, load_split
from core.tracking.tracker_config import LOW_CONFIDENCE_PAIRS, low_confidence_for

SETS = ("synthetic", "real")

# the simulated annotator's pieces, importable from here as before the split
__all__ = ["IOU_THRESHOLD", "LOW_CONFIDENCE", "TEACHER_ANCHOR_REACH", "Segment", "annotate_by_interpolation",
           "annotate_with", "final_iou", "frames_to_failure", "interpolate_keyframes", "refined_segment", "tracker_segment",
           "valid_rows", "Item", "SequenceResult", "ModeRow", "summarise", "annotate_bench", "register", "run"]


def modes() -> tuple[str, ...]:
    """Every mode: student, teacher-refined, teacher, the OpenCV trackers, interpolation."""
    from core.trackers import peer_kinds

    return ("student", "teacher-refined", "teacher") + peer_kinds() + ("interpolation",)


DEFAULT_MODES = ("student", "teacher-refined", "csrt", "kcf", "interpolation")


@dataclass(frozen=True)
class SequenceResult:
    """One mode on one sequence: ``frames`` scored, ``corrections`` (keyframes after the
    first box), ``mean_iou`` of the final boxes over the scored frames, ``tracked`` frames
    the tracker(s) ran, ``seconds`` of wall time; with restarts (``--restarts-every``) their
    number, the mean ``frames_to_failure`` and the share of them that ``held`` to the cap
    (NaN without restarts)."""

    mode: str
    set: str
    sequence: str
    frames: int
    corrections: int
    mean_iou: float
    tracked: int
    seconds: float
    restarts: int = 0
    frames_to_failure: float = float("nan")
    held: float = float("nan")


@dataclass(frozen=True)
class ModeRow:
    """A mode over a set: totals and the two figures (frame-weighted); with restarts their
    number, the mean frames to failure and the share that held to the cap (over all restarts)."""

    mode: str
    set: str
    sequences: int
    frames: int
    corrections: int
    corrections_per_100: float
    mean_iou: float
    seconds: float
    restarts: int = 0
    frames_to_failure: float = float("nan")
    held: float = float("nan")


# -- the benchmark ----------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """A sequence with ground truth: ``open()`` builds it; ``set`` is synthetic or real."""

    set: str
    name: str
    num_frames: int
    open: Callable[[], object]


def synthetic_set(frames: int, per_family: int) -> list[Item]:
    from core.bench.eval_sets import synthetic_items

    return [Item("synthetic", i.name, i.num_frames, i.open) for i in synthetic_items(frames, per_family)]


def real_set(split: Path = DEFAULT_SPLIT_FILE, data_root: Path = DEFAULT_DATA_FOLDER,
             frames: int | None = None) -> tuple[list[Item], list[str]]:
    """The validation sequences of ``split`` (JSON, paths relative to ``data_root``; a
    labelled view as its window with the project's boxes, named by its label
    ``folder[first:last]``); (items, notes on what was skipped)."""
    validation = load_split(split).entries("validation")
    data_root = Path(data_root)
    if not data_root.is_dir():
        return [], [f"real sequences skipped: data folder {data_root} is absent"]
    items, notes = [], []
    for _, entry in validation:
        relative = entry.label
        folder = data_root / entry.folder
        if not folder.is_dir():
            notes.append(f"{relative} skipped: folder absent")
            continue
        count = None

        def build(folder=folder, entry=entry):
            return entry.open(folder)

        try:
            sequence = build()
            count = len(sequence) if frames is None else min(len(sequence), int(frames))
            sequence.close()
        except Exception as error:  # noqa: BLE001 - one bad folder is a note, not the end of the run
            notes.append(f"{relative} skipped: {error}")
            continue
        items.append(Item("real", relative, count, build))
    return items, notes


def ground_truth(sequence, frames: int) -> np.ndarray:
    """(frames, 4) ground-truth rows of ``sequence`` (0,0,0,0 where absent)."""
    from core.bench.eval_sets import ground_truth_rows

    return ground_truth_rows(sequence.ground_truth(), frames)[:frames]


class _Limited:
    """The first ``frames`` frames of a sequence."""

    def __init__(self, sequence, frames: int):
        self.sequence, self.frames = sequence, int(frames)
        self.info = sequence.info

    def __len__(self) -> int:
        return self.frames

    def __getitem__(self, index: int):
        return self.sequence[index]


def build_trackers(mode: str, info, threads: int | None, engine: str, device: str, allow_random: bool):
    """The tracker(s) a mode runs: (tracker, teacher or None); (None, None) for interpolation."""
    from core.trackers import TrackerChoice, build_tracker

    def make(name):
        return build_tracker(TrackerChoice(name, engine=engine, device=device, threads=threads,
                                           allow_random=allow_random), info)

    if mode == "interpolation":
        return None, None
    if mode == "teacher-refined":
        return make("student"), make("teacher")
    return make(mode), None


def run_mode(mode: str, item: Item, *, threads: int | None = 1, engine: str = "auto", device: str = "auto",
             allow_random: bool = False, restart_every: int = 0, restart_cap: int = 50) -> Job[SequenceResult]:
    """One mode on one item; yields per-frame Progress, returns its SequenceResult. With
    ``restart_every`` > 0 a tracker mode is also restarted from the ground truth on every
    ``restart_every``-th frame (``frames_to_failure``, at most ``restart_cap`` frames each)."""
    lengths = np.zeros(0, dtype=np.int64)
    started = time.perf_counter()
    sequence = item.open()
    try:
        frames = min(item.num_frames, len(sequence))
        gt = ground_truth(sequence, frames)
        limited = _Limited(sequence, frames)
        if mode == "interpolation":
            boxes, keys = annotate_by_interpolation(gt)
            tracked = 0
            yield Progress(frames, frames, "interpolated")
        else:
            tracker, teacher = build_trackers(mode, sequence.info, threads, engine, device, allow_random)
            segment = (tracker_segment(tracker, limited) if teacher is None
                       else refined_segment(tracker, teacher, limited, low=low_confidence_for(sequence.info)))
            boxes, keys, tracked = yield from annotate_with(segment, gt)
            if restart_every > 0:
                lengths = yield from relay(frames_to_failure(segment, gt, restart_every, restart_cap),
                                           lambda report: Progress(frames, frames, report.message))
    finally:
        sequence.close()
    valid = valid_rows(gt)
    if keys:
        valid[:keys[0]] = False  # frames before the first box are not annotated
    scores = final_iou(boxes, gt, valid)
    return SequenceResult(mode, item.set, item.name, int(valid.sum()), max(len(keys) - 1, 0),
                          float(scores.mean()) if scores.size else float("nan"), tracked,
                          round(time.perf_counter() - started, 2), len(lengths),
                          round(float(lengths.mean()), 2) if len(lengths) else float("nan"),
                          round(float(np.mean(lengths >= restart_cap)), 3) if len(lengths) else float("nan"))


def summarise(results: list[SequenceResult]) -> list[ModeRow]:
    """Frame-weighted figures per (mode, set), in the order the modes first appear."""
    rows = []
    keys = list(dict.fromkeys((r.mode, r.set) for r in results))
    for mode, set_name in keys:
        chosen = [r for r in results if (r.mode, r.set) == (mode, set_name) and r.frames > 0]
        frames = sum(r.frames for r in chosen)
        corrections = sum(r.corrections for r in chosen)
        mean = sum(r.mean_iou * r.frames for r in chosen) / frames if frames else float("nan")
        restarted = [r for r in chosen if r.restarts > 0]
        restarts = sum(r.restarts for r in restarted)
        to_failure = held = float("nan")
        if restarts:
            to_failure = round(sum(r.frames_to_failure * r.restarts for r in restarted) / restarts, 2)
            held = round(sum(r.held * r.restarts for r in restarted) / restarts, 3)
        rows.append(ModeRow(mode, set_name, len(chosen), frames, corrections,
                            round(100.0 * corrections / frames, 2) if frames else float("nan"), round(mean, 4),
                            round(sum(r.seconds for r in chosen), 1), restarts, to_failure, held))
    return rows


def annotate_bench(items: list[Item], chosen_modes, **options) -> Job[list[SequenceResult]]:
    """Every mode on every item; Progress counts frames over all (mode, item) pairs."""
    total = sum(i.num_frames for i in items) * len(chosen_modes)
    base, results = 0, []
    for mode in chosen_modes:
        for item in items:
            label = f"{mode} on {item.name}"
            r = yield from relay(run_mode(mode, item, **options),
                                 lambda report, start=base, label=label: Progress(
                                     start + report.done, total, f"{label}: {report.message}"))
            results.append(r)
            base += item.num_frames
            yield Progress(base, total, f"{label}: {r.corrections} corrections, mean IoU {r.mean_iou:.3f}")
    return results


def format_table(rows: list[ModeRow], load: tuple[float, float], restart_cap: int | None = None) -> str:
    """The report; with ``restart_cap`` (restarts were run) three more columns: the restarts, their
    mean frames to failure and the share that held to the cap ("-" for interpolation)."""
    head = (f"{'mode':<16} {'set':<10} {'seqs':>4} {'frames':>7} {'corr.':>6} {'corr/100':>9} {'mean IoU':>9} "
            f"{'seconds':>8}")
    if restart_cap is not None:
        head += f" {'restarts':>8} {'to fail':>8} {'held':>6}"
    lines = [head]
    for r in rows:
        line = (f"{r.mode:<16} {r.set:<10} {r.sequences:>4} {r.frames:>7} {r.corrections:>6} "
                f"{r.corrections_per_100:>9.2f} {r.mean_iou:>9.3f} {r.seconds:>8.1f}")
        if restart_cap is not None:
            line += (f" {r.restarts:>8} {r.frames_to_failure:>8.1f} {r.held:>6.2f}" if r.restarts
                     else f" {'-':>8} {'-':>8} {'-':>6}")
        lines.append(line)
    lines.append(f"IoU threshold {IOU_THRESHOLD}; load average {load[0]:.2f} before, {load[1]:.2f} after; "
                 f"{os.cpu_count()} CPUs")
    if restart_cap is not None:
        lines.append(f"restarts: from the ground truth on every --restarts-every-th frame; 'to fail' = mean frames "
                     f"until the first box below IoU {IOU_THRESHOLD} (at most {restart_cap}), 'held' = share that "
                     f"reached {restart_cap}")
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("annotate", help="annotation cost with each tracker (simulated annotator)",
                                   description="What annotating a sequence with the studio costs: a simulated "
                                   "annotator draws the first box, runs the chosen tracker to the end, corrects the "
                                   "first frame whose box falls below IoU 0.5 with the ground truth (a keyframe) and "
                                   "re-tracks from there, until the end (--modes: each tracker, the teacher refining the student, or "
                                   "interpolation between keyframes alone). Reported per mode and set: corrections per "
                                   "100 frames and the final mean IoU of the annotated boxes.")
    parser.add_argument("--modes", default=",".join(DEFAULT_MODES),
                        help=f"comma-separated, from {', '.join(modes())} (default: {','.join(DEFAULT_MODES)})")
    parser.add_argument("--sets", default="synthetic,real",
                        help="synthetic, real, or both (synthetic,real; the default)")
    # argparse's checks: --per-family 0 left the synthetic set out without a word (and the real set ran for
    # many minutes); --synthetic-frames 0 was 'SyntheticConfig: num_frames must be >= 1', naming no option
    parser.add_argument("--synthetic-frames", type=int_at_least(2), default=150,
                        help="frames per synthetic sequence (150)")
    parser.add_argument("--per-family", type=positive_int, default=1, help="synthetic sequences per challenge family (1)")
    parser.add_argument("--frames", type=int_at_least(2), default=None,
                        help="use at most this many frames of a real sequence")
    parser.add_argument("--split", type=Path, default=DEFAULT_SPLIT_FILE, help="the real split JSON (default configs/real_split.json)")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_FOLDER, help="folder the split's sequence paths are relative to (default ../shared/data)")
    parser.add_argument("--threads", type=positive_int, default=1, help="CPU threads of the models (default 1)")
    add_engine_options(parser, subject="the student and the teacher")
    parser.add_argument("--random-weights", action="store_true", help="random models when no weights exist (tests)")
    parser.add_argument("--restarts-every", type=int, default=0, metavar="K",
                        help="also start each tracker from the ground truth on every K-th frame and report the mean "
                             "frames until its first box below IoU 0.5 (0 = off, the default)")
    parser.add_argument("--restart-cap", type=positive_int, default=50, metavar="N",
                        help="count at most N frames per restart; only frames with N frames after them are "
                             "started from (default 50)")
    parser.add_argument("--json", type=Path, default=None, help="write the rows and per-sequence results here")
    parser.set_defaults(func=run)


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input: the split file,
    the bundled models, a dataset folder of the data root (:mod:`core.bench.outputs`)."""
    from core.bench.outputs import bundled_models, check_bench_outputs

    inputs = [(args.split, "the split file (--split)")] + bundled_models()
    check_bench_outputs(args, inputs, data_roots=[(args.data_root, "--data-root")])


def run(args) -> int:
    from core.fileio import write_text_atomic
    from core.progress import run_with_bar

    check_outputs(args)
    chosen = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in modes()]
    if unknown or not chosen:
        raise ConfigError(f"unknown mode(s) {unknown or chosen}; choose from {', '.join(modes())}")
    # 'both', as --help and the refusal name it, was refused ("takes synthetic, real or both, got 'both'")
    sets = list(SETS) if args.sets.strip() == "both" else [s.strip() for s in args.sets.split(",") if s.strip()]
    if not sets or any(s not in SETS for s in sets):
        raise ConfigError(f"--sets takes synthetic, real or both, got {args.sets!r}")
    if args.restarts_every < 0:  # before the sets are built
        raise ConfigError(f"--restarts-every takes 0 (off) or a positive frame step, got {args.restarts_every}")
    items, notes = [], []
    if "synthetic" in sets:
        items += synthetic_set(args.synthetic_frames, args.per_family)
    if "real" in sets:
        real, notes = real_set(args.split, args.data_root, args.frames)
        items += real
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not items:
        raise ConfigError("no sequence to annotate (see the notes above)")
    load_before = os.getloadavg()[0]
    results = run_with_bar(annotate_bench(items, chosen, threads=args.threads, engine=args.engine,
                                          device=args.device, allow_random=args.random_weights,
                                          restart_every=args.restarts_every, restart_cap=args.restart_cap),
                           "bench annotate")
    rows = summarise(results)
    print(format_table(rows, (load_before, os.getloadavg()[0]), args.restart_cap if args.restarts_every else None))
    if args.json is not None:
        payload = {"rows": [asdict(r) for r in rows], "sequences": [asdict(r) for r in results], "notes": notes,
                   "iou_threshold": IOU_THRESHOLD, "low_confidence": {"single stream": LOW_CONFIDENCE, "two-stream pairs": LOW_CONFIDENCE_PAIRS},
                   "restarts_every": args.restarts_every, "restart_cap": args.restart_cap,
                   "load_average": [round(v, 2) for v in os.getloadavg()], "cpu_count": os.cpu_count()}
        write_text_atomic(args.json, json.dumps(without_nan(payload), indent=2, allow_nan=False) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
