"""``python main.py compact-data OUT_DIR [--split configs/real_split.json] [--data-root ../shared/data]``.

Writes a compact copy of the split's **train** part (target-centred crops of every n-th
labelled frame, subsampled unlabelled pairs; ``core.training.compact_data``) for moving
to a training machine that cannot hold the full footage. A training config reads it by
setting ``data_root`` to OUT_DIR (and ``decode_cache: false`` for labelled sources).
Validation sequences are never copied. OUT_DIR is replaced atomically when it is missing,
empty or an earlier compact-data copy (its ``COMPACT.json``); any other existing folder is
refused before any work unless ``--force`` is given. It may not lie inside the data root
nor hold it or the split file (not even with ``--force``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.commands.arguments import finite_float, output_folder, refuse_missing_data_root
from core.errors import ConfigError
from core.fileio import check_output
from core.progress import run_with_bar
from core.real_split import DEFAULT_DATA_ROOT, DEFAULT_SPLIT, load_split, resolve_path
from core.training.compact_data import LIMITS, CompactConfig, check_compact_target, compact_job, limit_problem


def register(subparsers) -> None:
    defaults = CompactConfig()
    parser = subparsers.add_parser(
        "compact-data", help="write a compact copy of the real train footage (crops around the targets) for a training machine",
        description="Write a compact copy of the real split's train part (target-centred JPEG crops of every "
                    "n-th labelled frame, subsampled unlabelled frame pairs) for a training machine that cannot "
                    "hold the full footage; a training config reads it with data_root set to OUT_DIR (and "
                    "decode_cache: false for labelled sources). Validation sequences are never copied. OUT_DIR "
                    "is replaced when it is missing, empty or an earlier compact-data copy; any other folder is "
                    "refused unless --force. It may not lie inside the data root.")
    parser.add_argument("out_dir", type=output_folder, metavar="OUT_DIR", help="folder to write (an earlier compact-data copy is replaced)")
    parser.add_argument("--split", default=DEFAULT_SPLIT, help=f"split file (default {DEFAULT_SPLIT})")
    parser.add_argument("--data-root", default=DEFAULT_DATA_ROOT, help=f"data root (default {DEFAULT_DATA_ROOT})")
    parser.add_argument("--every", type=int, default=defaults.every, help=f"keep every n-th labelled frame (default {defaults.every})")
    parser.add_argument("--context", type=finite_float, default=defaults.context,
                        help=f"crop side in target scales sqrt(w*h), at least 4 (default {defaults.context:g})")
    parser.add_argument("--pixels-per-scale", type=finite_float, default=defaults.pixels_per_scale,
                        help=f"shrink crops so sqrt(w*h) is at most this many pixels (default {defaults.pixels_per_scale:g})")
    parser.add_argument("--quality", type=int, default=defaults.quality, help=f"JPEG quality, 10-100 (default {defaults.quality})")
    parser.add_argument("--pair-every", type=int, default=defaults.pair_every,
                        help=f"keep every n-th frame pair of the unlabelled RGB-T videos (default {defaults.pair_every})")
    parser.add_argument("--pair-max-side", type=int, default=defaults.pair_max_side,
                        help=f"largest side of the unlabelled frame pairs, in pixels (default {defaults.pair_max_side})")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT_DIR even when it is not an earlier compact-data copy (everything in it is lost)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    for name in LIMITS:
        problem = limit_problem(name, getattr(args, name))
        if problem:
            raise ConfigError(f"--{name.replace('_', '-')} {problem}")
    config = CompactConfig(every=args.every, context=args.context, pixels_per_scale=args.pixels_per_scale,
                           quality=args.quality, pair_every=args.pair_every, pair_max_side=args.pair_max_side)
    root = resolve_path(args.data_root)
    load_split(args.split)  # a typo in --split is named before the footage is looked for
    refuse_missing_data_root(root)
    check_output(args.out_dir, protected=[(root, "the data root"), (resolve_path(args.split), "the split file")],
                 folder=True, option="OUT_DIR")
    check_compact_target(args.out_dir, force=args.force)
    existed = Path(args.out_dir).is_dir() and any(Path(args.out_dir).iterdir())
    try:
        summary = run_with_bar(compact_job(args.split, root, args.out_dir, config, force=args.force), "compact-data")
    except KeyboardInterrupt:  # before the cli's 'cancelled' (or 'terminated'): it said only that
        from core.progress import nothing_written_line

        print(nothing_written_line("compact-data", [args.out_dir], [existed]), file=sys.stderr)
        raise
    frames = sum(len(e["frames_kept"]) for e in summary["sequences"].values())
    print(f"wrote {args.out_dir}: {len(summary['sequences'])} train sequences, {frames} frames, "
          f"{summary['bytes'] / 1e6:.1f} MB")
    return 0
