"""``python main.py average-weights CKPT CKPT [...] --out OUT.pt``: the mean of the weights
of checkpoints of one model (one training lineage; ``core.training.averaging``). The
inputs are never modified; OUT must not be one of them."""
from __future__ import annotations

import argparse
from pathlib import Path

from core.commands.arguments import output_file, refuse_onnx_name, shipped_file
from core.fileio import check_output
from core.training.averaging import write_average


def register(subparsers) -> None:
    parser = subparsers.add_parser("average-weights", help="average the weights of checkpoints of one model",
                                   description="Write the mean of the weights of several checkpoints of one model "
                                   "(one training lineage) to --out. The inputs "
                                   "are never modified; --out may not be one of them.")
    parser.add_argument("checkpoints", type=shipped_file, nargs="+", metavar="CKPT", help="project checkpoints (.pt)")
    parser.add_argument("--out", type=output_file, required=True, help="checkpoint to write")
    parser.add_argument("--force", action="store_true", help="replace OUT when it exists (never an input)")
    parser.set_defaults(func=_run)


def check_inputs(checkpoints: list[Path]) -> None:
    """Each CKPT a file, before --out is judged (a folder among them was refused as '--out lies
    inside the folder of an input checkpoint'), and at least two different ones: one checkpoint
    named twice was 'averaged' into a copy of itself ('mean of 2 checkpoints'). A checkpoint
    named more than once among others counts that many times (a weighted mean), said in a note."""
    import sys

    from core.errors import CheckpointError, ConfigError

    counts: dict[Path, int] = {}
    given: dict[Path, Path] = {}  # the name the user gave first, for the note
    for path in checkpoints:
        if path.is_dir():
            raise CheckpointError(path, "is a folder; give the checkpoint files (.pt) to average")
        key = path.resolve()
        counts[key] = counts.get(key, 0) + 1
        given.setdefault(key, path)
    if len(checkpoints) >= 2 and len(counts) < 2:
        raise ConfigError(f"{checkpoints[0]} is the only checkpoint given ({len(checkpoints)} times): its mean is "
                          "itself; averaging needs at least two different checkpoints")
    for key, count in counts.items():
        if count > 1:
            print(f"note: {given[key]} is given {count} times; it counts {count} times in the mean "
                  f"(weight {count} of {len(checkpoints)})", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    check_inputs(list(args.checkpoints))
    refuse_onnx_name(args.out, "--out")
    protected = [(p, "an input checkpoint") for p in args.checkpoints]
    check_output(args.out, protected=protected, force=args.force, option="--out")
    write_average(list(args.checkpoints), args.out)
    print(f"wrote {args.out}: mean of {len(args.checkpoints)} checkpoints")
    return 0
