"""``python main.py pseudo-labels OUT.json [--teacher PATH] [--tracklets N] [--length L] ...``.

Labels short tracklets of the split's **train** ``rgbt_unlabeled`` pairs with a tracker
(the bundled teacher by default) and keeps the frames where its forward and backward
tracks agree (``core.training.pseudo_labels``). The file feeds the ``rgbt_pseudo``
training source. OUT is written once, at the end (a cancelled run writes nothing), and
never replaces an existing file without ``--force``; it is never (not even with ``--force``)
the split file, the tracker's weights, or a path inside the data root; nor is ``--cache-dir``
(the decoded frames) inside the data root.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.commands.arguments import (
    add_engine_options,
    finite_float,
    output_file,
    positive_int,
    refuse_missing_data_root,
    shipped_file,
)
from core.errors import OutputError, SequenceError
from core.fileio import check_output, inside
from core.progress import run_with_bar
from core.real_split import DEFAULT_DATA_ROOT, DEFAULT_SPLIT, load_split, resolve_path
from core.training.pseudo_labels import PseudoLabelConfig, pseudo_label_job
from core.training.real_data import (
    DEFAULT_CACHE_DIR,
    FrameLRU,
    rgbt_pair_sequence,
)


def register(subparsers) -> None:
    defaults = PseudoLabelConfig()
    parser = subparsers.add_parser(
        "pseudo-labels", help="label the unlabelled RGB-T train pairs with the teacher (forward-backward checked)",
        description="Label short tracklets of the real split's unlabelled RGB-T train pairs with a tracker (the "
                    "bundled teacher by default) and keep the frames where its forward and backward tracks agree. "
                    "The file feeds the rgbt_pseudo training source. OUT is written once, at the end (a cancelled "
                    "run writes nothing), and never replaces an existing file without --force.")
    parser.add_argument("out", type=output_file, metavar="OUT", help="labels file to write (.json)")
    parser.add_argument("--teacher", type=shipped_file, default=None,
                        help="tracker weights (.pt or .onnx; default: the bundled teacher)")
    add_engine_options(parser)
    parser.add_argument("--threads", type=positive_int, default=None, help="CPU threads of the engine (default: the engine's own choice)")
    parser.add_argument("--split", default=DEFAULT_SPLIT, help=f"split file (default {DEFAULT_SPLIT})")
    parser.add_argument("--data-root", default=DEFAULT_DATA_ROOT, help=f"data root (default {DEFAULT_DATA_ROOT})")
    parser.add_argument("--include", nargs="+", default=None, metavar="NAME",
                        help="only these sequences of the train part's rgbt_unlabeled group")
    parser.add_argument("--tracklets", type=int, default=defaults.tracklets_per_sequence,
                        help=f"start frames per sequence (default {defaults.tracklets_per_sequence})")
    parser.add_argument("--length", type=int, default=defaults.length,
                        help=f"frames tracked forward from each start (default {defaults.length})")
    parser.add_argument("--min-iou", type=finite_float, default=defaults.min_iou,
                        help=f"forward/backward IoU a frame's label needs (default {defaults.min_iou})")
    parser.add_argument("--min-frames", type=int, default=defaults.min_frames,
                        help=f"labelled frames a kept tracklet needs (default {defaults.min_frames})")
    parser.add_argument("--seed", type=int, default=defaults.seed, help=f"seed of the start boxes (default {defaults.seed})")
    parser.add_argument("--cache-dir", default=DEFAULT_CACHE_DIR, help=f"folder of the decoded-frame cache, outside git (default {DEFAULT_CACHE_DIR})")
    parser.add_argument("--force", action="store_true", help="replace OUT when it exists")
    parser.set_defaults(func=_run)


def check_options(args: argparse.Namespace) -> None:
    """ConfigError naming the option, before any work: a count below its least value (it
    was one line in the config's field names, 'need tracklets_per_sequence >= 1, ...'),
    a negative --seed (numpy's 'expected non-negative integer' traceback once the first
    sequence was read), and a --min-frames no tracklet of --length can reach (the run
    tracked every tracklet and wrote a file of none, with status 0)."""
    from core.errors import ConfigError

    for option, value, least in (("--tracklets", args.tracklets, 1), ("--length", args.length, 1),
                                 ("--min-frames", args.min_frames, 2), ("--seed", args.seed, 0)):
        if value < least:
            raise ConfigError(f"{option} must be at least {least}, got {value}")
    if not 0.0 < args.min_iou <= 1.0:
        raise ConfigError(f"--min-iou must lie in (0, 1], got {args.min_iou:g}")
    if args.min_frames > args.length + 1:
        raise ConfigError(f"--min-frames {args.min_frames} is more than the {args.length + 1} frames a tracklet of "
                          f"--length {args.length} labels (its start frame and {args.length} tracked): no tracklet "
                          f"could be kept; give --length {args.min_frames - 1} or more, or a smaller --min-frames")


def _load_teacher(weights: Path, args: argparse.Namespace):
    """The tracker of ``weights`` (``--teacher``, else the bundled teacher); CheckpointError
    naming ``--teacher`` when it is missing (the loader's advice named --weights and
    --random-weights, which this command does not have) or holds the student (the loader named
    the .onnx beside it)."""
    from core.errors import CheckpointError
    from core.tracking.factory import load_tracker

    given = "--teacher" if args.teacher is not None else "the bundled teacher"
    if not Path(weights).exists():
        raise CheckpointError(weights, f"{given}: checkpoint not found" + (
            "" if args.teacher is not None else "; give --teacher with a teacher checkpoint (.pt or .onnx)"))
    try:
        return load_tracker("teacher", weights, engine=args.engine, device=args.device, threads=args.threads)
    except CheckpointError as error:
        if not (error.problem or "").startswith("holds a ") or Path(weights).is_dir():
            raise
        raise CheckpointError(weights, f"{given} {error.problem}") from error


def _noting_last(job, last: list):
    """``job`` passed through, keeping its latest progress report as ``last[0]`` (how far a
    stopped run got)."""
    try:
        while True:
            report = next(job)
            last[:] = [report]
            yield report
    except StopIteration as stop:
        return stop.value
    finally:
        job.close()


def _run(args: argparse.Namespace) -> int:
    from core.fileio import file_sha256
    from core.tracking.factory import default_weights

    check_options(args)
    config = PseudoLabelConfig(tracklets_per_sequence=args.tracklets, length=args.length, min_iou=args.min_iou,
                               min_frames=args.min_frames, seed=args.seed)
    weights = args.teacher if args.teacher is not None else default_weights("teacher", "bundled")
    protected = [(weights, "the tracker's weights"), (Path(weights).with_suffix(".onnx"), "the tracker's weights"),
                 (resolve_path(args.split), "the split file"), (resolve_path(args.data_root), "the data root")]
    check_output(args.out, protected=protected, force=args.force, option="OUT")
    root, cache = resolve_path(args.data_root), Path(args.cache_dir).expanduser()
    if inside(root, cache):
        raise OutputError(cache, f"--cache-dir lies inside the data root {root} (the decoded frames would be written "
                                 "there); choose a folder outside it")
    split = load_split(args.split)
    try:  # the names asked for, before the teacher loads (a typo in --include was said after it, 25 s on a busy machine)
        split.train_folders("rgbt_unlabeled", args.data_root, args.include)
    except SequenceError:
        pass  # a missing data root or folder: said after the teacher, as before
    tracker = _load_teacher(weights, args)  # before the pairs are read (their frames are decoded once, at length)
    refuse_missing_data_root(root)
    lru = FrameLRU(256.0)
    sequences = [(name, rgbt_pair_sequence(name, folder, lru, args.cache_dir))
                 for name, folder in split.train_folders("rgbt_unlabeled", args.data_root, args.include)]
    metadata = {"tracker_weights": str(weights), "tracker_sha256": file_sha256(weights), "split": str(split.path)}
    existed = Path(args.out).exists()
    last: list = []
    job = _noting_last(pseudo_label_job(tracker, sequences, args.out, config, metadata=metadata), last)
    try:
        content = run_with_bar(job, "pseudo-labels")
    except KeyboardInterrupt:  # before the cli's 'cancelled' (or 'terminated'): what the stop left
        from core.progress import nothing_written_line

        how_far = f" after {last[0].done} of {last[0].total} tracked frames" if last and last[0].total else ""
        print(nothing_written_line("pseudo-labels", [args.out], [existed], how_far), file=sys.stderr)
        raise
    print(f"wrote {args.out}: {content['tracklets_kept']} of {content['tracklets_tried']} tracklets kept, "
          f"{content['labelled_frames']} labelled frames (start boxes: {content['kept_by_seed']['hot']} hot blobs, "
          f"{content['kept_by_seed']['texture']} textured)")
    return 0
