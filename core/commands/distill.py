"""``python main.py distill``: teacher -> student knowledge distillation, two ways.

- From a teacher: ``distill --teacher CKPT --config configs/student_kd_bundled.json
  [--out DIR]`` distils a frozen teacher checkpoint into the student named by the config
  (feature, score-map and box distillation plus the task loss, weighted by the config's
  ``distill`` section; ``core.training.actors.DistillationActor``). As with ``train``, a
  run folder holding an earlier run is refused unless ``--resume`` (continue it) or
  ``--force`` (replace it), and ``--teacher`` / ``--init`` may never be a file the run
  writes (``core.training.trainer.prepare_run_folder``).
- From the studio's corrections (the closed loop): ``distill --data exports/*.h5
  [--init assets/models/student_bundled.pt] [--out student_ft.pt] [--steps N]``
  fine-tunes the student on the human-checked labels and the teacher outputs stored in
  distillation files (``core.distillation.finetune``), and prints held-out scores before
  and after. The initial weights are never modified. Beside ``--out`` go its ONNX Runtime
  copies (``core.distillation.runtime_copies``), as the studio's Improve writes them: track,
  bench and the studio run the fine-tuned student with the engine of the bundled one.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.assets import models_dir
from core.commands.arguments import finite_float, shipped_file
from core.errors import ConfigError
from core.training.run import add_common_arguments, run
from core.wording import plural, verb

DEFAULT_STUDENT = models_dir() / "student_bundled.pt"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "distill",
        help="distil a trained teacher into the student, or fine-tune the student from studio exports (--data)",
        description="Knowledge distillation teacher -> student (docs/training.md), or the closed loop from\n"
        "distillation HDF5 files (docs/distillation_hdf5.md).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  rgbt-studio distill --teacher runs/teacher_bundled/checkpoint.pt --config configs/student_kd_bundled.json\n"
               "  rgbt-studio distill --data exports/*.h5       (writes runs/student_bundled_finetuned.pt)\n"
               "  rgbt-studio distill --data a.h5 b.h5 --init student.pt --out student_ft.pt --steps 300",
    )
    parser.add_argument("--teacher", type=shipped_file, default=None, help="teacher checkpoint (.pt, project format)")
    parser.add_argument("--data", type=Path, nargs="+", default=None,
                        help="distillation HDF5 files from the studio or export-distill (closed-loop fine-tuning)")
    parser.add_argument("--lr", type=finite_float, default=None, help="fine-tuning learning rate (with --data; default 5e-5)")
    parser.add_argument("--holdout", type=finite_float, default=None,
                        help="fraction of each sequence's last human-checked frames held out for before/after scores "
                             "(with --data; default 0.25; 0 = none)")
    parser.add_argument("--replay", type=finite_float, default=None,
                        help="share of each fine-tuning batch rehearsed from the synthetic training stream, "
                             "with the initial student as soft target (with --data; default 0.5; 0 = off; spread "
                             "over the steps where one batch cannot hold it, e.g. --batch-size 1)")
    parser.add_argument("--shift-cells", type=int, default=None,
                        help="random shift of the stored crops, in feature cells (with --data; default 3; 0 = off)")
    parser.add_argument("--kd-agreement-iou", type=finite_float, default=None,
                        help="distil from stored teacher maps only where the teacher's box overlaps the label "
                             "this much (IoU; with --data; default 0.5; 0 = everywhere)")
    parser.add_argument("--negative-share", type=finite_float, default=None,
                        help="least share of each batch's annotated rows drawn from frames flagged absent "
                             "(with --data; default 0 = their natural share)")
    parser.add_argument("--force", action="store_true",
                        help="replace --out when it exists (with --data: the output file, never an input; "
                             "with --teacher: an earlier run in the run folder, without --resume)")
    add_common_arguments(parser)
    for action in parser._actions:  # --config is needed only for teacher distillation
        if action.dest == "config":
            action.required = False
        if action.dest == "out":
            action.help = ("run folder (default: runs/<config name>); with --data the fine-tuned .pt file "
                           "(default: runs/<initial weights' name>_finetuned.pt, e.g. runs/student_bundled_finetuned.pt)")
        if action.dest == "steps":
            action.help = "override the config's number of steps; with --data the fine-tuning steps (default 200)"
        if action.dest == "batch_size":
            action.help = "override the config's batch size; with --data the fine-tuning batch size (default 16)"
        if action.dest == "init":
            action.help = ("checkpoint initialising the trained network; with --data the student to fine-tune "
                           "(default: the bundled student, never modified)")
    parser.set_defaults(func=_run)


#: the options only the fine-tune from ``--data`` reads, by ``args`` attribute (None: not given)
FINETUNE_ONLY = {"--lr": "lr", "--holdout": "holdout", "--replay": "replay", "--shift-cells": "shift_cells",
                 "--kd-agreement-iou": "kd_agreement_iou", "--negative-share": "negative_share"}


def _run(args: argparse.Namespace) -> int:
    from core.commands.arguments import refuse_checkpoint_folders

    refuse_checkpoint_folders(("--init", args.init), ("--teacher", args.teacher))
    if args.data:
        given = [option for option, value in (("--teacher", args.teacher), ("--config", args.config),
                                              ("--resume", args.resume)) if value]
        if given:  # they were ignored: the fine-tune ran on its own settings
            raise ConfigError(f"{', '.join(given)} {verb(len(given), 'applies', 'apply')} to distillation from a "
                              "teacher (distill --teacher T.pt --config C.json), not to fine-tuning from --data "
                              "(its settings: --steps, --lr, --holdout, --replay, ...)")
        return _finetune(args)
    if args.teacher is None or args.config is None:
        raise ConfigError("distill needs --teacher and --config, or --data FILES for fine-tuning from studio exports")
    given = [option for option, name in FINETUNE_ONLY.items() if getattr(args, name) is not None]
    if given:  # they were ignored: the distillation ran on the config's settings
        raise ConfigError(f"{', '.join(given)} {verb(len(given), 'applies', 'apply')} to fine-tuning from --data, "
                          "not to distillation from a teacher (its settings are the --config file's)")
    from core.commands.train import check_config_not_output, check_seed

    check_seed(args)
    check_config_not_output(args)
    if args.out is not None:
        from core.fileio import check_output

        protected = [(p, "an input of this command") for p in (args.teacher, args.config, args.init) if p]
        check_output(args.out, protected=protected, folder=True, option="--out")
    return run(args, teacher=args.teacher, label="distill")


def _finetune(args: argparse.Namespace) -> int:
    import dataclasses

    from core.distillation.finetune import FinetuneConfig, finetune_student
    from core.distillation.reader import other_file_kind
    from core.errors import DistillationDataError
    from core.fileio import check_output
    from core.progress import run_with_bar

    args.data = _distinct_files(args.data)
    for path in args.data:  # before any work (the reader says the same, after the progress line)
        if path.is_dir():
            raise DistillationDataError(path, "is a folder; give the distillation .h5 file(s) in it")
        if not path.is_file():
            raise DistillationDataError(path, "file not found")
    init = args.init or DEFAULT_STUDENT
    # never beside the bundled weights by default: that folder is the checkout's assets/models or an
    # installed wheel's data files; runs/ of the working folder, as train and distill write their runs
    out = args.out or Path("runs") / f"{Path(init).stem}_finetuned.pt"
    from core.commands.arguments import refuse_onnx_name

    refuse_onnx_name(out, "--out")
    if out.resolve() == Path(init).resolve():
        raise ConfigError(f"--out {out} would overwrite the initial weights; choose another file")
    protected = [(Path(p), "a distillation data file (--data)") for p in args.data]
    protected += [(Path(init), "the initial weights"), (Path(init).with_suffix(".onnx"), "the initial weights' export")]
    size = Path(init).stat().st_size if Path(init).is_file() else 0  # the result is as large as the initial weights
    check_output(out, protected=protected, force=args.force, option="--out", free_bytes=size)
    from core.distillation.runtime_copies import runtime_copy_paths

    for copy in runtime_copy_paths(out):  # written after the fine-tune: refused now, not after minutes
        check_output(copy, protected=protected, force=args.force, option="--out's ONNX copy")
    for path in args.data:  # a checkpoint or a store given as data: said before the progress line
        problem = other_file_kind(path)
        if problem is not None:
            raise DistillationDataError(path, problem)
    overrides = {k: v for k, v in {"steps": args.steps, "batch_size": args.batch_size, "seed": args.seed,
                                   "threads": args.threads, "lr": args.lr, "holdout_fraction": args.holdout,
                                   "replay": args.replay, "shift_cells": args.shift_cells,
                                   "kd_agreement_iou": args.kd_agreement_iou,
                                   "negative_share": args.negative_share,
                                   "device": getattr(args, "device", None)}.items()
                 if v is not None}
    try:
        config = dataclasses.replace(FinetuneConfig(), **overrides)
    except ConfigError as error:  # it named the settings' fields (holdout_fraction), not the options given
        raise ConfigError(_as_options(str(error))) from error
    try:
        result = run_with_bar(finetune_student(init, list(args.data), out, config), "fine-tune")
    except KeyboardInterrupt:  # before the cli's 'cancelled': what a stopped fine-tune left
        print(f"fine-tune: stopped; nothing was written ({out} is written when the fine-tune ends; the initial "
              f"weights {init} are unchanged)", file=sys.stderr)
        raise
    except DistillationDataError as error:
        if not error.problem.startswith("no labelled training samples"):
            raise
        raise DistillationDataError(error.path, _no_training_samples(args.data, config.holdout_fraction)) from error
    print(result.summary())
    print(f"wrote {result.checkpoint} (the initial weights {init} are unchanged)")
    _runtime_copies(result.checkpoint)
    return 0


def _runtime_copies(checkpoint: Path) -> None:
    """Write the ONNX Runtime copies of the fine-tuned ``checkpoint`` and say so; where they
    cannot be written, a note: the checkpoint runs with PyTorch (the bundled student with its
    int8 export, so a comparison of the two would compare engines too)."""
    from core.distillation.runtime_copies import write_runtime_copies

    try:
        copies = write_runtime_copies(checkpoint)
    except Exception as error:  # noqa: BLE001 - the exporters raise many kinds; the checkpoint stands
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"note: no ONNX Runtime copy of {checkpoint} ({first}); it runs with PyTorch (--engine torch), "
              "the bundled student with its ONNX export", file=sys.stderr)
        return
    print(f"wrote {' and '.join(str(c) for c in copies)} (its ONNX Runtime copies: track, bench and the studio "
          "run them with --engine auto)")


#: FinetuneConfig field -> the option of ``distill --data`` that sets it
FINETUNE_OPTIONS = {"holdout_fraction": "--holdout", "lr": "--lr", "replay": "--replay", "shift_cells": "--shift-cells",
                    "kd_agreement_iou": "--kd-agreement-iou", "negative_share": "--negative-share",
                    "steps": "--steps", "batch_size": "--batch-size", "seed": "--seed", "threads": "--threads",
                    "device": "--device"}


def _as_options(text: str) -> str:
    """A FinetuneConfig error in the words of the command line: ``fine-tuning settings:
    holdout_fraction must be in [0, 1) (got 1.5)`` -> ``distill --data: --holdout must be in
    [0, 1) (got 1.5)``."""
    import re

    text = text.replace("fine-tuning settings:", "distill --data:", 1)
    return re.sub(r"\b(" + "|".join(FINETUNE_OPTIONS) + r")\b", lambda m: FINETUNE_OPTIONS[m.group(1)], text)


def _distinct_files(paths: list[Path]) -> list[Path]:
    """``paths`` in order, each file once: a file named twice (``a.h5 a.h5``, ``./a.h5 a.h5``,
    a shell glob overlapping a name) would be read twice and count its samples twice, in
    training and in the held-out scores; a ``note:`` line says which were dropped."""

    seen: set[Path] = set()
    kept: list[Path] = []
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            print(f"note: --data names {path} more than once; it is read once", file=sys.stderr)
            continue
        seen.add(key)
        kept.append(Path(path))
    return kept


def _no_training_samples(data, holdout_fraction: float) -> str:
    """Why ``distill --data`` has nothing to train on, and what to do: the files hold no
    human-checked sample, or every one of them is held out for the before/after scores."""
    from core.distillation.dataset import load_items

    count = len(load_items(data, holdout_fraction=0.0))
    if count == 0:
        return ("no labelled training samples: the file holds no human-checked frame after the first keyframe "
                "(the first keyframe is the template, not a sample; a sample is a drawn or corrected box, an "
                "accepted teacher box, an interpolated or imported one, a frame marked absent); "
                "machine-tracked boxes are not training labels. Check frames in the studio and export again")
    held = ("the 1 human-checked sample is" if count == 1
            else f"all {plural(count, 'human-checked sample')} are")
    return (f"no labelled training samples: {held} held out for the "
            f"before/after scores (--holdout {holdout_fraction:g}, the last part of each sequence); label "
            f"more frames in the studio and export again, or give --holdout 0 to train on "
            f"{'it' if count == 1 else 'all of them'} (no before/after score)")
