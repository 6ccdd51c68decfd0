"""``python main.py bench loop``: does annotating make the student better? (issue 6 evidence)

1. Score the bundled student on the fixed synthetic evaluation split and pick the
   challenge family it handles worst (or ``--family``).
2. Annotate ``--annotate`` fresh training sequences of that family (training seeds,
   disjoint from the evaluation split) through the studio's path, scripted with the same
   core calls the studio makes: the user draws frame 1 (manual keyframe); the student
   tracks to the end; the teacher refines every frame (proposals); the user accepts the
   teacher's box where it is right (IoU >= ``--accept-iou`` with the true box: the user's
   judgement) and draws the true box as a manual keyframe where it is not; absent
   frames are flagged absent. Every step goes through the annotation store and history.
3. Export each annotated sequence as distillation data (HDF5, embedded crops).
4. Fine-tune the student on them (``core.distillation.finetune``).
5. Score the student before and after on unseen sequences of that family
   (``--family-eval`` of them: the split's sequences of the family and more drawn the
   same way, all with evaluation seeds that training never uses) and on the whole split
   (LasHeR SR). Targets: family +0.05, split >= -0.01. Three sequences per family are
   too few to judge one family (one sequence moves the mean by 0.1 or more); the family
   figure therefore uses ten by default.

Annotated sequences and their exports are kept in ``--out``; ``--reuse`` takes them from
there (same family, seed and count) instead of annotating again, and tracking results of
unchanged checkpoints come from a result cache, so trying another fine-tuning setting
costs only the fine-tuning and the scoring of the new student.
"""
from __future__ import annotations

import json
import uuid
import warnings
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from core.annotations.history import History, SetRecords, merge_tracker_results
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.bench.accuracy_run import run_bench, score
from core.bench.contenders import Contender, model_fingerprint
from core.bench.eval_sets import synthetic_items
from core.bench.weights import add_checkpoint_options, bench_tracker, checkpoint_or_random
from core.commands.arguments import finite_float, int_at_least, positive_int
from core.distillation.export import TeacherRunner, export_distillation
from core.distillation.finetune import FinetuneConfig, finetune_student
from core.errors import ConfigError
from core.fileio import read_json_object, write_text_atomic
from core.geometry import iou
from core.progress import Job, Progress, run_with_bar
from core.tracking.run import track_sequence


@dataclass
class AnnotationStats:
    sequence: str
    frames: int
    manual: int
    teacher_accepted: int
    absent: int


def annotate_scripted(sequence, student, teacher, store: AnnotationStore, accept_iou: float = 0.6) -> Job[AnnotationStats]:
    """One scripted studio session on a synthetic ``sequence`` (true boxes play the user)."""
    history = History(store)
    truth, hidden = sequence.boxes, sequence.absent
    n = len(sequence)
    first = int(np.argmin(hidden))
    history.execute(SetRecords([FrameAnnotation(first, truth[first], keyframe=True)], label="draw"))
    run_id = uuid.uuid4().hex[:8]
    # the student tracks (one undo step), never overwriting manual boxes
    history.begin_group("track")
    outputs = []
    for report in track_sequence(student, sequence, truth[first], start=first):
        done = report.payload
        if done.frame == first:
            continue
        outputs.append((done.frame, done.box, done.confidence))
        record = FrameAnnotation(done.frame, done.box, provenance=Provenance.STUDENT, confidence=done.confidence)
        history.execute(SetRecords(merge_tracker_results(store.records(done.frame, done.frame + 1), [record])))
        yield Progress(done.frame, 2 * n, f"{sequence.name}: student")
    history.end_group()
    store.put_tracker_outputs("student", run_id, outputs)
    # the teacher refines all frames: proposals, then the user's verdicts
    proposals = []
    for report in track_sequence(teacher, sequence, truth[first], start=first):
        done = report.payload
        if done.frame != first:
            proposals.append((done.frame, done.box, done.confidence))
        yield Progress(n + done.frame, 2 * n, f"{sequence.name}: teacher")
    store.put_proposals(run_id, proposals)
    store.put_tracker_outputs("teacher", run_id, proposals)
    verdicts = []
    for frame, box, confidence in proposals:
        if hidden[frame]:
            verdicts.append(FrameAnnotation(frame, None, absent=True, keyframe=True))
        elif float(iou(box, truth[frame])) >= accept_iou:
            verdicts.append(FrameAnnotation(frame, box, provenance=Provenance.TEACHER, confidence=confidence))
        else:
            verdicts.append(FrameAnnotation(frame, truth[frame], keyframe=True))
    history.execute(SetRecords(verdicts, label="review"))
    store.clear_proposals()
    records = store.records()
    return AnnotationStats(
        sequence.name,
        n,
        sum(r.provenance == Provenance.MANUAL and not r.absent for r in records.values()),
        sum(r.provenance == Provenance.TEACHER for r in records.values()),
        sum(r.absent for r in records.values()),
    )


def student_contender(label: str, path: Path, threads: int | None):
    """The student checkpoint ``path`` as a benchmark contender named ``label`` (PyTorch engine,
    the default loop; the checkpoint's hash in its cache key)."""
    from core.tracking.factory import load_tracker

    tracker = load_tracker("student", path, engine="torch", threads=threads)
    return Contender("student", label, str(path), tracker,
                     fingerprint=model_fingerprint("student", "student", path, tracker))


def _sequence_sr(rows) -> dict[str, float]:
    return {row["sequence"]: row["sr"] for row in rows if row["kind"] == "sequence"}


def _scores(per_sequence: dict[str, float], split_items, family_items) -> dict[str, float]:
    """SR per family of the split, ``overall`` (the split) and ``family_eval`` (the
    family's ``--family-eval`` sequences), each the mean over its sequences (LasHeR)."""
    out: dict[str, float] = {}
    groups: dict[str, list[str]] = {}
    for item in split_items:
        groups.setdefault(item.group, []).append(item.name)
    for group, names in groups.items():
        out[group] = float(np.mean([per_sequence[n] for n in names]))
    out["overall"] = float(np.mean([per_sequence[item.name] for item in split_items]))
    if family_items:
        out["family_eval"] = float(np.mean([per_sequence[item.name] for item in family_items]))
    return out


def _evaluate(contender, split_items, family_items, cache) -> Job[dict[str, float]]:
    names = {item.name for item in split_items}
    items = list(split_items) + [item for item in family_items if item.name not in names]
    bench = yield from run_bench([contender], items, cache=cache)
    rows, _ = score(bench)
    return _scores(_sequence_sr(rows), split_items, family_items)


def _read_record(path: Path) -> dict | None:
    """The reuse record at ``path``; None when absent or unreadable (it is a cache: a
    damaged one is rebuilt, not an error)."""
    try:
        return read_json_object(path, "reuse record")
    except ConfigError:
        return None


def reused_exports(path: Path, key: dict, stats_type) -> tuple[list[Path], list] | None:
    """``(files, stats)`` an earlier run recorded at ``path`` (:func:`record_exports`) when its key
    is ``key`` and every file is still there (``stats`` rebuilt as ``stats_type``); None otherwise:
    the record is a cache, so an absent, damaged or other run's record means "export again"."""
    record = _read_record(path)
    if record is None or record.get("key") != key:
        return None
    try:
        files = [Path(f) for f in record["files"]]
        stats = [stats_type(**s) for s in record["stats"]]
    except (KeyError, TypeError):  # a damaged record is rebuilt
        return None
    return (files, stats) if files and all(f.is_file() for f in files) else None


def record_exports(path: Path, key: dict, files: list[Path], stats: list) -> None:
    """Record a run's exported ``files`` and their ``stats`` (dataclasses) under ``key`` at ``path``."""
    write_text_atomic(path, json.dumps({"key": key, "files": [str(f) for f in files],
                                        "stats": [asdict(s) for s in stats]}, indent=2))


def _weights_key(named, random_weights: bool, model: str = "student") -> str:
    """What a checkpoint option stands for in a record's key: the SHA-256 of the named file, or of
    the bundled ``model`` checkpoint when none is named (their content: a checkpoint retrained into
    the same path is another one; its path keyed it, and the old student's annotations were
    reused), or ``random``."""
    from core.fileio import file_sha256
    from core.tracking.factory import default_weights

    if named is None and random_weights:
        return "random"
    named = default_weights(model) if named is None else named
    try:
        return f"sha256:{file_sha256(named)}"
    except OSError:  # unreadable: its loading says why; nothing to reuse
        return str(named)


def _annotate_family(args, family, student, teacher, out: Path) -> Job[tuple[list[Path], list[AnnotationStats]]]:
    """Annotate and export ``args.annotate`` training-seed sequences of ``family`` (or
    reuse an earlier run's, recorded in ``annotations.json``, with ``--reuse``)."""
    from core.synthetic import sample_sequence

    record_path = out / "annotations.json"
    key = {"family": family, "seed": args.seed, "count": args.annotate, "frames": args.frames,
           "accept_iou": args.accept_iou, "student": _weights_key(args.student, args.random_weights, "student"),
           "teacher": _weights_key(args.teacher, args.random_weights, "teacher")}
    reused = reused_exports(record_path, key, AnnotationStats) if args.reuse else None
    if reused is not None:
        yield Progress(0, None, f"reusing {len(reused[0])} annotated sequences from {record_path}")
        return reused
    rng = np.random.default_rng(args.seed)
    files, stats = [], []
    for k in range(args.annotate):
        sequence = sample_sequence(rng, family)
        sequence = type(sequence)(replace(sequence.config, num_frames=args.frames), sequence.seed,
                                  name=f"{family}-annotated-{k}")
        database = out / f"{sequence.name}.rgbt.sqlite"
        database.unlink(missing_ok=True)  # a fresh session, not an earlier run's edits
        with AnnotationStore.open(database) as store:
            stat = yield from annotate_scripted(sequence, student, teacher, store, args.accept_iou)
            stats.append(stat)
            path = yield from export_distillation(
                sequence, store.records(), out / f"{sequence.name}.h5",
                TeacherRunner(teacher.engine, teacher.model_config, "teacher", teacher.weights_path or None),
                frames_mode="embedded", student_outputs=store.tracker_outputs("student"),
                teacher_outputs=store.tracker_outputs("teacher"), student_model="student",
                tracker_outputs={name: store.tracker_outputs(name) for name in ("student", "teacher")},
            )
        files.append(path)
    record_exports(record_path, key, files, stats)
    return files, stats


def finetune_config(args) -> FinetuneConfig:
    return FinetuneConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, threads=args.threads,
                          holdout_fraction=0.2, replay=args.replay, shift_cells=args.shift_cells,
                          kd_agreement_iou=args.kd_agreement_iou, negative_share=args.negative_share)


def loop_job(args) -> Job[dict]:
    from core.bench.result_cache import ResultCache
    from core.tracking.factory import load_tracker

    student_path = checkpoint_or_random(args.student, "--student", args.random_weights)
    teacher_path = checkpoint_or_random(args.teacher, "--teacher", args.random_weights)
    with warnings.catch_warnings():  # before --out is made: a checkpoint of the other network is one line
        warnings.simplefilter("ignore")
        student = bench_tracker("student", student_path, args.random_weights, threads=args.threads)
        teacher = bench_tracker("teacher", teacher_path, args.random_weights, threads=args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cache = ResultCache(out / "cache")
    if student_path is None and args.random_weights:  # a dry run: save them so fine-tuning starts from them
        from core.models.checkpoint import save_checkpoint

        student_path = save_checkpoint(out / "student_random.pt", student.engine.model)
        student = load_tracker("student", student_path, engine="torch", threads=args.threads)
    elif student_path is None:
        student_path = Path(student.weights_path)
    split_items = synthetic_items(frames=args.eval_frames, per_family=args.per_family)
    before_c = student_contender("student before", student_path, args.threads)
    family = args.family
    if family == "auto":
        yield Progress(0, None, "scoring the student on the evaluation split")
        split_scores = yield from _evaluate(before_c, split_items, [], cache)
        family = min((f for f in split_scores if f != "overall"), key=lambda f: split_scores[f])
    family_items = synthetic_items(frames=args.eval_frames, per_family=max(args.family_eval, 1), families=[family])
    yield Progress(0, None, f"scoring the student on the split and {len(family_items)} {family} sequences")
    before = yield from _evaluate(before_c, split_items, family_items, cache)
    files, stats = yield from _annotate_family(args, family, student, teacher, out)
    config = finetune_config(args)
    result = yield from finetune_student(student_path, files, out / "student_loop.pt", config)
    after_c = student_contender("student after", result.checkpoint, args.threads)
    yield Progress(0, None, "scoring the fine-tuned student")
    after = yield from _evaluate(after_c, split_items, family_items, cache)
    control = None
    if args.control:  # the same fine-tuning without the annotated rows: what rehearsal alone does
        control_config = replace(config, use_annotations=False)
        control_result = yield from finetune_student(student_path, files, out / "student_control.pt", control_config)
        control_c = student_contender("student control", control_result.checkpoint, args.threads)
        yield Progress(0, None, "scoring the control student (rehearsal only)")
        control = yield from _evaluate(control_c, split_items, family_items, cache)
    return {
        "family": family,
        "family_chosen": args.family if args.family == "auto" else "given",
        "family_eval_sequences": [item.name for item in family_items],
        "split_sequences": len(split_items),
        "split_per_family": args.per_family,
        "annotated": [asdict(s) for s in stats],
        "finetune": {"held_out_before": asdict(result.before), "held_out_after": asdict(result.after),
                     "train_items": result.train_items, "steps": result.steps, "seconds": round(result.seconds, 1),
                     "checkpoint": str(result.checkpoint), "config": asdict(config)},
        "sr_before": before,
        "sr_after": after,
        "family_gain": round(after["family_eval"] - before["family_eval"], 4),
        "overall_change": round(after["overall"] - before["overall"], 4),
        "sr_control": control,
        "family_gain_over_control": None if control is None else round(after["family_eval"] - control["family_eval"], 4),
    }


def format_result(result: dict) -> str:
    family = result["family"]
    how = "the student's worst on the split" if result.get("family_chosen") == "auto" else "chosen with --family"
    lines = [f"challenge family annotated: {family} ({how})"]
    for s in result["annotated"]:
        lines.append(f"  annotated {s['sequence']}: {s['frames']} frames, {s['manual']} manual, "
                     f"{s['teacher_accepted']} teacher accepted, {s['absent']} absent")
    ft = result["finetune"]
    lines.append(f"fine-tuning: {ft['train_items']} items, {ft['steps']} steps, {ft['seconds']} s; held-out mean IoU "
                 f"{ft['held_out_before']['mean_iou']:.3f} -> {ft['held_out_after']['mean_iou']:.3f}")
    control = result.get("sr_control")
    header = f"{'LasHeR SR (synthetic split)':40s} {'before':>8s} {'after':>8s} {'change':>8s}"
    lines.append(header + (f" {'control':>8s}" if control else ""))
    count = len(result["family_eval_sequences"])
    order = sorted(result["sr_before"], key=lambda g: (g == "overall", g != "family_eval", g != family, g))
    for group in order:
        b, a = result["sr_before"][group], result["sr_after"].get(group, float("nan"))
        name = f"{family}: {count} unseen sequences" if group == "family_eval" else group
        per_family = result.get("split_per_family", 3)
        mark = "  <- target" if group == "family_eval" else (f"  (split's {per_family})" if group == family else "")
        if group == "overall":
            name = f"overall (split, {result.get('split_sequences', 24)} sequences)"
        extra = f" {control[group]:8.3f}" if control else ""
        lines.append(f"{name:40s} {b:8.3f} {a:8.3f} {a - b:+8.3f}{extra}{mark}")
    lines.append(f"targets: family gain {result['family_gain']:+.3f} (>= +0.05), "
                 f"overall change {result['overall_change']:+.3f} (>= -0.01)")
    if control:
        lines.append(f"control (the same fine-tuning, rehearsal rows only, no annotation): family "
                     f"{control['family_eval'] - result['sr_before']['family_eval']:+.3f}; the annotations add "
                     f"{result['family_gain_over_control']:+.3f}")
    return "\n".join(lines)


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input (the student's or
    the teacher's checkpoint, the bundled models) or ``--out`` would get a checkpoint
    written over the student or the teacher (:mod:`core.bench.outputs`)."""
    from core.bench.outputs import bundled_models, check_bench_outputs, weights_inputs

    inputs = weights_inputs(args.student, "the student's checkpoint (--student)")
    inputs += weights_inputs(args.teacher, "the teacher's checkpoint (--teacher)") + bundled_models()
    written = ("student_loop.pt", "student_control.pt", "student_random.pt")
    check_bench_outputs(args, inputs, [("--out", args.out, written)])


def run(args) -> int:
    check_outputs(args)
    result = run_with_bar(loop_job(args), "bench loop")
    print(format_result(result))
    if args.json:
        write_text_atomic(args.json, json.dumps(result, indent=2))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "loop", help="annotate a weak family, fine-tune the student, measure before/after",
        description="Does annotating make the student better? Scores the student on the synthetic evaluation "
                    "split, picks the challenge family it handles worst (or --family), annotates fresh training "
                    "sequences of that family the way the studio does (a simulated user accepts the teacher's "
                    "box or draws the true one), exports them as distillation data, fine-tunes the student on "
                    "them and scores it before and after on unseen sequences of the family and on the whole "
                    "split (LasHeR SR). Targets: family +0.05, split >= -0.01.")
    add_checkpoint_options(parser, teacher_role="whose boxes the simulated user accepts")
    parser.add_argument("--family", default="auto", help="challenge family to annotate (default: the student's worst)")
    parser.add_argument("--annotate", type=positive_int, default=4, help="sequences to annotate (default 4)")
    parser.add_argument("--frames", type=int_at_least(2), default=150, help="frames per annotated sequence (default 150)")
    parser.add_argument("--eval-frames", type=int_at_least(2), default=150,
                        help="frames per evaluation sequence, split and family (default 150)")
    parser.add_argument("--per-family", type=positive_int, default=3, help="split sequences per family (default 3)")
    parser.add_argument("--family-eval", type=positive_int, default=10,
                        help="unseen evaluation sequences of the annotated family scored before/after (default 10)")
    parser.add_argument("--control", action="store_true",
                        help="also fine-tune without the annotated rows (rehearsal only) and score it: "
                             "how much of the gain the annotations made")
    parser.add_argument("--reuse", action="store_true", help="reuse the annotated sequences of an earlier run in --out")
    parser.add_argument("--replay", type=finite_float, default=FinetuneConfig.replay,
                        help="share of each fine-tuning batch rehearsed from the synthetic training stream, with "
                             f"the initial student as soft target (default {FinetuneConfig.replay:g}; 0 = off)")
    parser.add_argument("--shift-cells", type=int, default=FinetuneConfig.shift_cells,
                        help="random shift of the stored crops, in feature cells "
                             f"(default {FinetuneConfig.shift_cells}; 0 = off)")
    parser.add_argument("--kd-agreement-iou", type=finite_float, default=FinetuneConfig.kd_agreement_iou,
                        help="distil from the stored teacher maps only where the teacher's box overlaps the label "
                             f"this much (IoU; default {FinetuneConfig.kd_agreement_iou:g}; 0 = everywhere)")
    parser.add_argument("--negative-share", type=finite_float, default=FinetuneConfig.negative_share,
                        help="least share of annotated rows drawn from frames flagged absent "
                             f"(default {FinetuneConfig.negative_share:g})")
    parser.add_argument("--accept-iou", type=finite_float, default=0.6,
                        help="the simulated user accepts the teacher's box when its IoU with the true box is at "
                             "least this, else draws the true box (default 0.6)")
    parser.add_argument("--steps", type=positive_int, default=300, help="fine-tuning steps (default 300)")
    parser.add_argument("--batch-size", type=positive_int, default=16, help="fine-tuning batch size (default 16)")
    parser.add_argument("--lr", type=finite_float, default=5e-5, help="fine-tuning learning rate (default 5e-5)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the annotated training sequences (default 2024)")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads for tracking and fine-tuning (default: PyTorch's own choice)")
    parser.add_argument("--out", type=Path, default=Path("runs") / "loop",
                        help="folder for the annotated sequences, their exports, the result cache and the "
                             "fine-tuned student (default runs/loop)")
    parser.add_argument("--random-weights", action="store_true",
                        help="dry run with random weights for the student and the teacher (those not named with "
                             "--student / --teacher)")
    parser.add_argument("--json", type=Path)
    parser.set_defaults(func=run)
