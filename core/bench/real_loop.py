"""``python main.py bench loop-real``: does the studio's closed loop make the student better on
the rest of the real footage it was given?

``bench loop`` answers that for the synthetic challenge families. This bench asks it where an
annotator meets it: a real video, whose first part they labelled, and whose rest they want
tracked better. On every validation view of the real split (``--split-file``, under
``--data-root``):

1. **Labels.** The first ``--label-share`` of the view's frames carry their truth boxes as
   manual keyframes, and its rows without a box are flagged absent: what a user who checked
   every frame of that part leaves in the annotation store (:func:`labelled_records`).
2. **Export.** Each view's labels become a distillation file with the teacher's maps and the
   frames embedded (``core.distillation.export``, the studio's "Export distillation data"),
   ``--out/<view>.h5``; ``--reuse`` keeps the files of an earlier run with the same key.
3. **Fine-tuning.** The student is fine-tuned on all of them (``finetune_student``, the job
   behind the studio's "Improve the student" and ``distill --data``), ``--out/student_loop_real.pt``;
   with ``--per-view`` one student per view instead, on that view's labels alone, as the studio
   improves the student from one project (``--out/per_view/``). ``--control`` also fine-tunes
   with the rehearsal rows alone (no label), which says how much of a change the labels made.
4. **The rest.** Each view is tracked from its truth box at ``--starts`` evenly spaced first
   frames of the unlabelled part (:func:`rest_items`), by the student before and after (both on
   PyTorch, the default loop; with ``--per-view`` each view by its own student) and by OpenCV CSRT, through the real benchmark
   (``core.bench.real_run``): the table of ``bench accuracy --real`` and the paired SR
   differences against the student before.

The labelled and the tracked frames never overlap, so the change is on frames the fine-tuning
never saw, of footage it did. Output: the table on stdout; ``--json``: an object
``{"command", "split_file", "data_root", "label_share", "starts", "labelled", "per_view",
"finetune" (per student label, a list: one entry per view with ``--per-view``), "control", "wall_seconds", "load_average", "notes", "rows", "paired"}``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.annotations.records import FrameAnnotation
from core.assets import models_dir
from core.bench.code_hashes import code_hashes
from core.bench.contenders import build_contenders
from core.bench.eval_sets import ground_truth_rows
from core.bench.outputs import without_nan
from core.bench.paired import paired_differences
from core.bench.real_items import RealItem, real_items
from core.bench.real_metrics import valid_rows
from core.bench.real_run import run_real_bench
from core.bench.real_scores import score_real
from core.bench.real_table import format_real_table
from core.bench.result_cache import ResultCache
from core.bench.weights import add_checkpoint_options, bench_tracker, checkpoint_or_random
from core.commands.arguments import finite_float, positive_int
from core.errors import CheckpointError, ConfigError
from core.fileio import file_sha256, safe_component, write_text_atomic
from core.progress import Job, Progress, run_with_bar

BEFORE = "student (before)"
AFTER = "student (fine-tuned)"
CONTROL = "student (control)"
CHECKPOINT = "student_loop_real.pt"
CONTROL_CHECKPOINT = "student_loop_real_control.pt"


@dataclass(frozen=True)
class LabelledView:
    """One view's labelled part: ``frames`` in the view, ``labelled`` (the first frames that
    carry labels), of which ``boxes`` hold a box and ``absent`` are flagged absent."""

    view: str
    frames: int
    labelled: int
    boxes: int
    absent: int


def label_end(length: int, share: float) -> int:
    """How many first frames of a ``length``-frame view are labelled: ``share`` of them,
    at least 1 and leaving at least 2 to track."""
    return int(min(max(round(length * share), 1), length - 2))


def labelled_records(ground_truth: np.ndarray, end: int) -> dict[int, FrameAnnotation]:
    """The annotation records of frames ``0 .. end - 1``: the truth box as a manual keyframe,
    or absent (a keyframe without a box) where the row ``(N, 4)`` is not a box."""
    valid = valid_rows(ground_truth)
    return {f: (FrameAnnotation(f, ground_truth[f].copy(), keyframe=True) if valid[f]
                else FrameAnnotation(f, None, absent=True, keyframe=True)) for f in range(end)}


def rest_items(item: RealItem, end: int, starts: int) -> list[RealItem]:
    """Runs over the unlabelled part ``end ..`` of ``item``'s view: ``starts`` evenly spaced
    first frames, each to the view's end, named ``view@frame``."""
    rest = item.length - end
    firsts = sorted({end + int(round(k * rest / starts)) for k in range(starts)})
    return [dataclasses.replace(item, name=f"{item.name}@{first}", first_frame=first, num_frames=item.length - first)
            for first in firsts if item.length - first >= 2]


def _stem(item: RealItem) -> str:
    """The file-name stem of ``item``'s view in ``--out`` (its folder or window label as one path component)."""
    return safe_component(item.cache_sequence)


def _export_views(args, views: list[RealItem], teacher_path: Path | None,
                  out: Path) -> Job[tuple[list[Path], list[LabelledView]]]:
    """Label and export every view (or reuse an earlier run's files with ``--reuse``); the
    teacher's maps come from ``teacher_path`` (None: the bundled teacher, or random weights
    with ``--random-weights``, :func:`core.bench.weights.bench_tracker`)."""
    from core.bench.loop import record_exports, reused_exports
    from core.distillation.export import TeacherRunner, export_distillation
    from core.tracking.factory import default_weights

    record_path = out / "labels.json"
    random = teacher_path is None and args.random_weights
    if teacher_path is None and not random:
        teacher_path = default_weights("teacher")
    key = {"views": [v.cache_sequence for v in views], "label_share": args.label_share,
           "teacher": "random" if random or not teacher_path.is_file() else file_sha256(teacher_path)}
    reused = reused_exports(record_path, key, LabelledView) if args.reuse else None
    if reused is not None:
        yield Progress(0, None, f"reusing the {len(reused[0])} labelled views of {record_path}")
        return reused
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        teacher = bench_tracker("teacher", teacher_path, random, threads=args.threads)
    runner = TeacherRunner(teacher.engine, teacher.model_config, "teacher", None if random else str(teacher_path))
    files, stats = [], []
    for k, view in enumerate(views):
        sequence = view.open()
        try:
            truth = ground_truth_rows(sequence.ground_truth(), len(sequence))
            end = label_end(len(sequence), args.label_share)
            records = labelled_records(truth, end)
            yield Progress(k, len(views), f"exporting the first {end} frames of {view.name}")
            path = yield from export_distillation(sequence, records, out / f"{_stem(view)}.h5", runner,
                                                  frames_mode="embedded")
        finally:
            sequence.close()
        boxes = sum(r.box is not None for r in records.values())
        files.append(Path(path))
        stats.append(LabelledView(view.name, len(truth), end, boxes, end - boxes))
    record_exports(record_path, key, files, stats)
    return files, stats


def _finetune_config(args, control: bool = False):
    from core.distillation.finetune import FinetuneConfig

    return FinetuneConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, threads=args.threads,
                          holdout_fraction=0.2, replay=args.replay, seed=args.seed, use_annotations=not control)


def _csrt(threads: int | None) -> list:
    """CSRT on the present stream, and on the thermal stream of RGB-T pairs as its own row."""
    from core.bench.real_accuracy import labelled_peers

    return labelled_peers(build_contenders(["csrt"], weights_dir=models_dir(), modalities=("visible", "thermal"),
                                           threads=threads))


def loop_real_job(args) -> Job[dict]:
    """The whole bench for parsed ``args`` (module doc); returns the JSON payload with
    ``text``, the table."""
    from core.bench.loop import student_contender
    from core.distillation.finetune import finetune_student
    from core.real_split import load_split

    started = time.perf_counter()
    student_path = checkpoint_or_random(args.student, "--student", args.random_weights)
    teacher_path = checkpoint_or_random(args.teacher, "--teacher", args.random_weights)
    code_hashes()  # before any tracker is imported: the cache keys name the code that runs
    if student_path is None and not args.random_weights:
        from core.tracking.factory import default_weights

        student_path = default_weights("student")
        if not student_path.is_file():
            raise CheckpointError(student_path, "the bundled student checkpoint is missing (give --student, or "
                                                "--random-weights for a dry run)")
    with warnings.catch_warnings():  # a checkpoint of the other network or a damaged one: one line before any work
        warnings.simplefilter("ignore")
        for model, path in (("student", student_path), ("teacher", teacher_path)):
            if path is not None:
                bench_tracker(model, path, False, engine="torch", threads=args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    split = load_split(args.split_file)
    views, notes = real_items(split, "validation", args.data_root, max_frames=None, starts=1)
    if not views:
        raise ConfigError(f"nothing to label in the validation part of {split.path} under {args.data_root}: "
                          + "; ".join(notes or ["no sequence"]))
    if student_path is None and args.random_weights:  # a dry run: saved, so fine-tuning starts from them
        from core.models.checkpoint import save_checkpoint

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            random_student = bench_tracker("student", None, True, threads=args.threads)
        student_path = save_checkpoint(out / "student_random.pt", random_student.engine.model)
    files, stats = yield from _export_views(args, views, teacher_path, out)
    ends = {s.view: s.labelled for s in stats}
    cache = ResultCache(out / "cache")
    before = student_contender(BEFORE, student_path, args.threads)
    peers = _csrt(args.threads)
    items = [run for view in views for run in rest_items(view, ends[view.name], args.starts)]
    bench = yield from run_real_bench([before, *peers], items, cache=cache, threads=args.threads)
    # (views, their files, where their student goes): every view at once, or each on its own
    groups = ([([view], [path], (out / "per_view", f"{_stem(view)}_")) for view, path in zip(views, files, strict=True)]
              if args.per_view else [(views, files, (out, ""))])
    runs = [(AFTER, CHECKPOINT, False)] + ([(CONTROL, CONTROL_CHECKPOINT, True)] if args.control else [])
    results: dict[str, list] = {}
    tuned = []  # one contender per label, for the table (its runs come from every group)
    for label, name, control in runs:
        for k, (group, group_files, (folder, prefix)) in enumerate(groups):
            yield Progress(k, len(groups), f"fine-tuning the {label}" + (f" on {group[0].name}" if args.per_view else ""))
            folder.mkdir(parents=True, exist_ok=True)
            checkpoint = folder / f"{prefix}{name}"
            result = yield from finetune_student(student_path, group_files, checkpoint, _finetune_config(args, control))
            results.setdefault(label, []).append(result)
            contender = student_contender(label, result.checkpoint, args.threads)
            rest = [run for view in group for run in rest_items(view, ends[view.name], args.starts)]
            tracked = yield from run_real_bench([contender], rest, cache=cache, threads=args.threads)
            bench.runs.update(tracked.runs)
        tuned.append(contender)
    bench.contenders = [before, *tuned, *peers]
    rows, _ = score_real(bench)
    paired = paired_differences(rows, BEFORE)
    labelled = sum(s.labelled for s in stats)
    header = [f"labelled: the first {args.label_share:g} of each of the {len(stats)} validation views of "
              f"{split.path} ({labelled} frames: the truth boxes as manual keyframes, "
              f"{sum(s.absent for s in stats)} absent), exported with the teacher's maps to {out}"]
    for label, done in results.items():
        before_iou = float(np.mean([r.before.mean_iou for r in done]))
        after_iou = float(np.mean([r.after.mean_iou for r in done]))
        header.append(f"{label}: " + (f"one student per view, {done[0].steps} steps each"
                                      if args.per_view else f"one student for all views, {done[0].steps} steps")
                      + f", {sum(r.train_items for r in done)} items, {sum(r.seconds for r in done):.0f} s; held-out "
                      f"crops' mean IoU {before_iou:.3f} -> {after_iou:.3f}"
                      + ("; rehearsal rows only (no label)" if label == CONTROL else ""))
    header.append(f"tracked: the unlabelled rest of each view from {args.starts} evenly spaced first frames "
                  "(view@frame), to the view's end; the students on PyTorch with the default loop")
    header += notes
    wall = time.perf_counter() - started
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    footer = f"wall time {wall:.0f} s; " + ("load average unknown" if load is None else
                                            f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)")
    text = format_real_table(rows, header, [c.label for c in bench.contenders], paired) + "\n" + footer
    return {"command": "python main.py " + " ".join(sys.argv[1:]), "split_file": str(split.path),
            "data_root": str(args.data_root), "label_share": args.label_share, "starts": args.starts,
            "labelled": [asdict(s) for s in stats],
            "per_view": bool(args.per_view),
            "finetune": {label: [{"checkpoint": str(r.checkpoint), "steps": r.steps, "train_items": r.train_items,
                                  "seconds": round(r.seconds, 1), "held_out_before": asdict(r.before),
                                  "held_out_after": asdict(r.after)} for r in done] for label, done in results.items()},
            "control": bool(args.control), "wall_seconds": round(wall, 1),
            "load_average": None if load is None else [round(v, 2) for v in load],
            "notes": header, "rows": rows, "paired": [d.as_dict() for d in paired], "text": text}


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input, or ``--out`` would
    hold a checkpoint written over the student or the teacher, or lie in the footage."""
    from core.bench.outputs import bundled_models, check_bench_outputs, weights_inputs

    if not 0.0 < args.label_share < 1.0:
        raise ConfigError(f"--label-share must be between 0 and 1 (got {args.label_share:g})")
    if not 0.0 <= args.replay < 1.0:
        raise ConfigError(f"--replay must be in [0, 1) (got {args.replay:g})")
    inputs = weights_inputs(args.student, "the student's checkpoint (--student)")
    inputs += weights_inputs(args.teacher, "the teacher's checkpoint (--teacher)") + bundled_models()
    written = (CHECKPOINT, CONTROL_CHECKPOINT, "student_random.pt", "labels.json")
    check_bench_outputs(args, inputs, [("--out", args.out, written)], data_roots=[(args.data_root, "--data-root")])


def run(args) -> int:
    check_outputs(args)
    payload = run_with_bar(loop_real_job(args), "bench loop-real")
    text = payload.pop("text")
    print(text)
    if args.json:
        write_text_atomic(args.json, json.dumps(without_nan(payload), indent=2, allow_nan=False) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    from core.real_split import DEFAULT_DATA_FOLDER, DEFAULT_SPLIT_FILE

    parser = subparsers.add_parser(
        "loop-real", help="label the first part of real videos, fine-tune the student, track the rest",
        description="Does the studio's closed loop help on real footage? Labels the first part of every "
                    "validation view of the real split with its truth boxes, exports the labels as distillation "
                    "data (teacher maps, frames embedded), fine-tunes the student on them, and tracks the "
                    "unlabelled rest of every view with the student before and after and with OpenCV CSRT "
                    "(LasHeR SR, paired differences against the student before).")
    add_checkpoint_options(parser, teacher_role="whose maps the exported files carry")
    parser.add_argument("--split-file", type=Path, default=DEFAULT_SPLIT_FILE,
                        help="the split file (default configs/real_split.json); its validation part is used")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_FOLDER,
                        help="the folder the split's paths are relative to (default ../shared/data)")
    parser.add_argument("--label-share", type=finite_float, default=0.5,
                        help="share of each view's first frames that are labelled (default 0.5)")
    parser.add_argument("--starts", type=positive_int, default=2,
                        help="runs per view from evenly spaced first frames of its unlabelled rest (default 2)")
    parser.add_argument("--steps", type=positive_int, default=300, help="fine-tuning steps (default 300)")
    parser.add_argument("--batch-size", type=positive_int, default=16, help="fine-tuning batch size (default 16)")
    parser.add_argument("--lr", type=finite_float, default=5e-5, help="fine-tuning learning rate (default 5e-5)")
    parser.add_argument("--replay", type=finite_float, default=0.5,
                        help="share of each batch rehearsed from the synthetic training stream with the initial "
                             "student as soft target (default 0.5; 0 = off)")
    parser.add_argument("--seed", type=int, default=0, help="fine-tuning seed (default 0)")
    parser.add_argument("--control", action="store_true",
                        help="also fine-tune with the rehearsal rows only (no label) and track with it")
    parser.add_argument("--per-view", action="store_true",
                        help="fine-tune one student per view on that view's labels alone and track its rest with "
                             "it, as the studio improves the student from one project (default: one student for "
                             "all views)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the exported views of an earlier run in --out (same views, share and teacher)")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads for tracking and fine-tuning (default: PyTorch's own choice)")
    parser.add_argument("--out", type=Path, default=Path("runs") / "loop_real",
                        help="folder for the exported views, the fine-tuned students and the result cache "
                             "(default runs/loop_real)")
    parser.add_argument("--random-weights", action="store_true",
                        help="dry run with random weights for the student and the teacher (those not named with "
                             "--student / --teacher)")
    parser.add_argument("--json", type=Path)
    parser.set_defaults(func=run)
