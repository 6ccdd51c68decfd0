"""``python main.py train --config configs/teacher_bundled.json [--out DIR] [--resume] [--force] [--steps N]``.

Trains the network named by the config on the task loss (``core.training``). Under
``torchrun --nproc_per_node K main.py train ...`` it runs distributed (DDP).

The run folder (``--out``, default ``runs/<config name>``) must not hold an earlier run
(``checkpoint.pt`` / ``training_state.pt``): ``--resume`` continues it, ``--force``
replaces it; otherwise choose another ``--out``. ``--init`` may never be a file the run
writes (its own ``checkpoint.pt``). Both are checked before any work
(``core.training.trainer.prepare_run_folder``). ``--config`` may not be the run folder's
``config.json`` either (the run rewrites it with the resolved config), except with
``--resume``, where it is that run's own record (:func:`check_config_not_output`).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.training.run import add_common_arguments, run, run_folder


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a teacher or student on the task loss",
                                   description="Train a tracking network from a JSON config (docs/training.md).",
                                   formatter_class=argparse.RawDescriptionHelpFormatter,
                                   epilog="examples:\n"
                                          "  rgbt-studio train --config configs/teacher_real.json --out runs/t1\n"
                                          "  rgbt-studio train --config configs/teacher_real.json --out runs/t1 --resume\n"
                                          "  torchrun --standalone --nproc_per_node 2 main.py train --config ...   (DDP)")
    add_common_arguments(parser)
    parser.add_argument("--force", action="store_true",
                        help="replace an earlier run in the run folder (without --resume)")
    parser.set_defaults(func=_run)


def check_config_not_output(args) -> None:
    """OutputError before any work when ``--config`` is the ``config.json`` the run writes in
    its folder (``--out`` or the default): the user's file (its ``extends`` chain, its own
    values) would be replaced by the resolved config. With ``--resume`` it is the run's own
    record and may be given."""
    from core.errors import OutputError

    if args.resume or args.config is None:
        return
    written = run_folder(args) / "config.json"
    config = Path(args.config)
    same = config.resolve() == written.resolve()
    if not same and config.exists() and written.exists():
        same = os.path.samefile(config, written)
    if same:
        raise OutputError(config, f"--config is the config.json this run writes in {written.parent}; copy it "
                                  "elsewhere first, choose another --out, or give --resume to continue that run")


def check_seed(args) -> None:
    """ConfigError before any work for a negative ``--seed`` (numpy's generator refuses one with a
    traceback once the data is being prepared, after the run folder got its config.json)."""
    from core.errors import ConfigError

    if args.seed is not None and args.seed < 0:
        raise ConfigError(f"--seed must be >= 0, got {args.seed}")


def _run(args) -> int:
    from core.commands.arguments import refuse_checkpoint_folders

    refuse_checkpoint_folders(("--init", args.init))
    check_seed(args)
    check_config_not_output(args)
    return run(args, teacher=None, label="train")
