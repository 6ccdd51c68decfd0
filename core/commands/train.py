"""``python main.py train --config configs/teacher_bundled.json [--out DIR] [--resume] [--steps N]``.

Trains the network named by the config on the task loss (``core.training``). Under
``torchrun --nproc_per_node K main.py train ...`` it runs distributed (DDP).
"""
from __future__ import annotations

from core.training.run import add_common_arguments, run


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a teacher or student on the task loss",
                                   description="Train a tracking network from a JSON config (docs/training.md).")
    add_common_arguments(parser)
    parser.set_defaults(func=lambda args: run(args, teacher=None, label="train"))
