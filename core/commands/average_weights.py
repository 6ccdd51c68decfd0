"""``python main.py average-weights CKPT CKPT [...] --out OUT.pt``: the mean of the weights
of checkpoints of one model (one training lineage; ``core.training.averaging``). The
inputs are never modified; OUT must not be one of them."""
from __future__ import annotations

import argparse
from pathlib import Path

from core.fileio import check_output
from core.training.averaging import write_average


def register(subparsers) -> None:
    parser = subparsers.add_parser("average-weights", help="average the weights of checkpoints of one model",
                                   description="Write the mean of the weights of several checkpoints of one model "
                                   "(one training lineage) to --out. The inputs "
                                   "are never modified; --out may not be one of them.")
    parser.add_argument("checkpoints", type=Path, nargs="+", metavar="CKPT", help="project checkpoints (.pt)")
    parser.add_argument("--out", type=Path, required=True, help="checkpoint to write")
    parser.add_argument("--force", action="store_true", help="replace OUT when it exists (never an input)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    protected = [(p, "an input checkpoint") for p in args.checkpoints]
    check_output(args.out, protected=protected, force=args.force, option="--out")
    write_average(list(args.checkpoints), args.out)
    print(f"wrote {args.out}: mean of {len(args.checkpoints)} checkpoints")
    return 0
