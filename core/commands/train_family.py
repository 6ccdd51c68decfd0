"""``python main.py train-family --budget-s 520 --out DIR [--teacher-config ...]``.

Trains the teacher, the no-KD student and the KD student in a fixed time
(``core.training.family``): a calibration of steps/s, then the teacher and the no-KD
student side by side, then the KD student distilled from that teacher with the no-KD
student's init, data and steps. Defaults: the GPU configs on the compact train copy
(``python main.py compact-data runs/compact-train``), both students from the shipped
no-KD student, the teacher from the shipped teacher. Prints where the checkpoints are.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from core.commands.arguments import finite_float, output_folder
from core.fileio import check_output
from core.progress import run_with_bar
from core.training.family import FamilyPlan, train_family

MODELS = Path("assets/models")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train-family", help="train the teacher, the no-KD and the KD student in a fixed time (a GPU session)",
        description="Train the teacher, the no-KD student and the KD student within a fixed time (--budget-s): "
                    "first a calibration of steps per second, then the teacher and the no-KD student side by "
                    "side, then the KD student distilled from that teacher with the no-KD student's start, data "
                    "and steps. Defaults: the GPU configs on the compact train copy (python main.py compact-data "
                    "runs/compact-train), both students from the shipped no-KD student, the teacher from the "
                    "shipped teacher. Prints where the checkpoints are. (core.training.family)")
    parser.add_argument("--out", type=output_folder, required=True, help="folder of the three run folders and family.json")
    parser.add_argument("--budget-s", type=finite_float, required=True, help="seconds for everything, calibration included")
    parser.add_argument("--calibrate-s", type=finite_float, default=60.0, help="seconds measuring steps/s (default 60)")
    parser.add_argument("--teacher-config", type=Path, default=Path("configs/teacher_real_gpu.json"),
                        help="training config of the teacher (default configs/teacher_real_gpu.json)")
    parser.add_argument("--student-config", type=Path, default=Path("configs/student_real_gpu.json"),
                        help="training config of the no-KD student (default configs/student_real_gpu.json)")
    parser.add_argument("--kd-config", type=Path, default=Path("configs/student_kd_real_gpu.json"),
                        help="distillation config of the KD student (default configs/student_kd_real_gpu.json)")
    parser.add_argument("--teacher-init", type=Path, default=MODELS / "teacher_bundled.pt",
                        help="checkpoint the teacher starts from ('none': from scratch; default "
                             "assets/models/teacher_bundled.pt)")
    parser.add_argument("--student-init", type=Path, default=MODELS / "student_nokd_bundled.pt",
                        help="checkpoint both students start from ('none': from scratch; default "
                             "assets/models/student_nokd_bundled.pt)")
    parser.add_argument("--workers", type=int, default=7, help="data workers per run in phase 1 (twice that in phase 2; default 7)")
    parser.add_argument("--log-every", type=int, default=10, help="steps between metrics rows (checkpoints: 5x; default 10)")
    parser.add_argument("--max-steps", type=int, default=None,
                        help="at most this many steps per run (a quick check of the recipe: the runs end before "
                             "the budget, and each phase ends when its runs do; default: as the budget allows)")
    parser.set_defaults(func=_run)


def _none(path: Path) -> Path | None:
    return None if str(path).lower() == "none" else path


def _project_path(path: Path | None) -> Path | None:
    """A config or checkpoint path as the other commands take their defaults
    (``core.assets.resolve_path``): from the working directory when it is there, else from
    the project (``configs/...`` and ``assets/models/...`` of the source tree or the installed
    copy). Run from another folder, every default (``configs/teacher_real_gpu.json``) was
    'file not found'."""
    from core.assets import resolve_path

    return None if path is None else resolve_path(path)


def _run(args) -> int:
    check_output(args.out / "family.json")
    plan = FamilyPlan(*(_project_path(p) for p in (args.teacher_config, args.student_config, args.kd_config)),
                      args.out, args.budget_s, args.calibrate_s, _project_path(_none(args.teacher_init)),
                      _project_path(_none(args.student_init)), args.workers, args.log_every, args.max_steps)
    summary = run_with_bar(train_family(plan), "train-family")
    print(json.dumps({k: summary.get(k) for k in ("steps", "checkpoints", "elapsed_s")}, indent=2), file=sys.stderr)
    for name, why in summary.get("missing", {}).items():  # the family is not whole: said, status 1
        print(f"train-family: {name} left no checkpoint: {why}; give more --budget-s", file=sys.stderr)
    return 1 if summary.get("missing") else 0
