"""``python main.py distill --teacher CKPT --config configs/student_kd_bundled.json [--out DIR]``.

Distils a frozen teacher checkpoint into the student named by the config (feature,
score-map and box distillation plus the task loss, weighted by the config's
``distill`` section; ``core.training.actors.DistillationActor``).
"""
from __future__ import annotations

from pathlib import Path

from core.training.run import add_common_arguments, run


def register(subparsers) -> None:
    parser = subparsers.add_parser("distill", help="distil a trained teacher into the student",
                                   description="Knowledge distillation teacher -> student (docs/training.md).")
    parser.add_argument("--teacher", type=Path, required=True, help="teacher checkpoint (.pt, project format)")
    add_common_arguments(parser)
    parser.set_defaults(func=lambda args: run(args, teacher=args.teacher, label="distill"))
