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
5. Score the student before and after on the *other* (unseen) evaluation sequences of
   that family and on the whole split (LasHeR SR). Targets: family +0.05, split >= -0.01.
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
from core.bench.contenders import Contender
from core.bench.eval_sets import synthetic_items
from core.distillation.export import TeacherRunner, export_distillation
from core.distillation.finetune import FinetuneConfig, finetune_student
from core.fileio import write_text_atomic
from core.geometry import iou
from core.progress import Job, Progress, run_with_bar
from core.tracking.run import track_sequence

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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


def _student_contender(label: str, path: Path, threads: int | None):
    from core.tracking.factory import load_tracker

    return Contender("student", label, str(path), load_tracker("student", path, engine="torch", threads=threads))


def _family_sr(rows, label: str) -> dict[str, float]:
    out = {}
    for row in rows:
        if row["tracker"] == label and row["kind"] == "family":
            out[row["sequence"].split(":", 1)[1]] = row["sr"]
        if row["tracker"] == label and row["kind"] == "overall":
            out["overall"] = row["sr"]
    return out


def loop_job(args) -> Job[dict]:
    from core.synthetic import sample_sequence
    from core.tracking.factory import load_tracker

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    student_path = Path(args.student)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        student = load_tracker("student", student_path, engine="torch", threads=args.threads,
                               allow_random=args.random_weights)
        teacher = load_tracker("teacher", args.teacher, engine="torch", threads=args.threads,
                               allow_random=args.random_weights)
    if not student_path.is_file():  # random weights for a dry run: save them so fine-tuning starts from them
        from core.models.checkpoint import save_checkpoint

        student_path = save_checkpoint(out / "student_random.pt", student.engine.model)
        student = load_tracker("student", student_path, engine="torch", threads=args.threads)
    items = synthetic_items(frames=args.eval_frames, per_family=args.per_family)
    before_c = _student_contender("student before", student_path, args.threads)
    yield Progress(0, None, "scoring the student on the evaluation split")
    bench = yield from run_bench([before_c], items)
    rows_before, _ = score(bench)
    before = _family_sr(rows_before, "student before")
    family = args.family
    if family == "auto":
        family = min((f for f in before if f != "overall"), key=lambda f: before[f])
    rng = np.random.default_rng(args.seed)
    files, stats = [], []
    for k in range(args.annotate):
        sequence = sample_sequence(rng, family)
        sequence = type(sequence)(replace(sequence.config, num_frames=args.frames), sequence.seed,
                                  name=f"{family}-annotated-{k}")
        with AnnotationStore.open(out / f"{sequence.name}.rgbt.sqlite") as store:
            stat = yield from annotate_scripted(sequence, student, teacher, store, args.accept_iou)
            stats.append(stat)
            path = yield from export_distillation(
                sequence, store.records(), out / f"{sequence.name}.h5",
                TeacherRunner(teacher.engine, teacher.model_config, "teacher", teacher.weights_path or None),
                frames_mode="embedded", student_outputs=store.tracker_outputs("student"),
                teacher_outputs=store.tracker_outputs("teacher"), student_model="student",
            )
        files.append(path)
    config = FinetuneConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, threads=args.threads,
                            holdout_fraction=0.2)
    result = yield from finetune_student(student_path, files, out / "student_loop.pt", config)
    after_c = _student_contender("student after", result.checkpoint, args.threads)
    yield Progress(0, None, "scoring the fine-tuned student")
    bench_after = yield from run_bench([after_c], items)
    rows_after, _ = score(bench_after)
    after = _family_sr(rows_after, "student after")
    return {
        "family": family,
        "annotated": [asdict(s) for s in stats],
        "finetune": {"held_out_before": asdict(result.before), "held_out_after": asdict(result.after),
                     "train_items": result.train_items, "steps": result.steps, "seconds": round(result.seconds, 1),
                     "checkpoint": str(result.checkpoint)},
        "sr_before": before,
        "sr_after": after,
        "family_gain": round(after[family] - before[family], 4),
        "overall_change": round(after["overall"] - before["overall"], 4),
    }


def format_result(result: dict) -> str:
    family = result["family"]
    lines = [f"challenge family (worst for the student): {family}"]
    for s in result["annotated"]:
        lines.append(f"  annotated {s['sequence']}: {s['frames']} frames, {s['manual']} manual, "
                     f"{s['teacher_accepted']} teacher accepted, {s['absent']} absent")
    ft = result["finetune"]
    lines.append(f"fine-tuning: {ft['train_items']} items, {ft['steps']} steps, {ft['seconds']} s; held-out mean IoU "
                 f"{ft['held_out_before']['mean_iou']:.3f} -> {ft['held_out_after']['mean_iou']:.3f}")
    lines.append(f"{'LasHeR SR (synthetic split)':40s} {'before':>8s} {'after':>8s} {'change':>8s}")
    for group in sorted(result["sr_before"], key=lambda g: (g == "overall", g != family, g)):
        b, a = result["sr_before"][group], result["sr_after"].get(group, float("nan"))
        mark = "  <- annotated family" if group == family else ""
        lines.append(f"{group:40s} {b:8.3f} {a:8.3f} {a - b:+8.3f}{mark}")
    lines.append(f"targets: family gain {result['family_gain']:+.3f} (>= +0.05), "
                 f"overall change {result['overall_change']:+.3f} (>= -0.01)")
    return "\n".join(lines)


def run(args) -> int:
    result = run_with_bar(loop_job(args), "bench loop")
    print(format_result(result))
    if args.json:
        write_text_atomic(args.json, json.dumps(result, indent=2))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("loop", help="annotate a weak family, fine-tune the student, measure before/after")
    models = PROJECT_ROOT / "assets" / "models"
    parser.add_argument("--student", type=Path, default=models / "student_bundled.pt")
    parser.add_argument("--teacher", type=Path, default=models / "teacher_bundled.pt")
    parser.add_argument("--family", default="auto", help="challenge family to annotate (default: the student's worst)")
    parser.add_argument("--annotate", type=int, default=4, help="sequences to annotate")
    parser.add_argument("--frames", type=int, default=150, help="frames per annotated sequence")
    parser.add_argument("--eval-frames", type=int, default=150)
    parser.add_argument("--per-family", type=int, default=3)
    parser.add_argument("--accept-iou", type=float, default=0.6)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("runs") / "loop")
    parser.add_argument("--random-weights", action="store_true", help="dry run with random weights")
    parser.add_argument("--json", type=Path)
    parser.set_defaults(func=run)
