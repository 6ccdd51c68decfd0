"""``python main.py train --config configs/teacher_bundled.json [--out DIR] [--resume] [--force] [--steps N]``.

Trains the network named by the config on the task loss (``core.training``). Under
``torchrun --nproc_per_node K main.py train ...`` it runs distributed (DDP).

The run folder (``--out``, default ``runs/<config name>``) must not hold an earlier run
(``checkpoint.pt`` / ``training_state.pt``): ``--resume`` continues it, ``--force``
replaces it; otherwise choose another ``--out``. ``--init`` may never be a file the run
writes (its own ``checkpoint.pt``). Both are checked before any work
(``core.training.trainer.prepare_run_folder``).
"""
from __future__ import annotations

from core.training.run import add_common_arguments, run


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a teacher or student on the task loss",
                                   description="Train a tracking network from a JSON config (docs/training.md).")
    add_common_arguments(parser)
    parser.add_argument("--force", action="store_true",
                        help="replace an earlier run in the run folder (without --resume)")
    parser.set_defaults(func=lambda args: run(args, teacher=None, label="train"))
