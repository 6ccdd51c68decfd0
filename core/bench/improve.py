"""``python main.py bench improve``: what the studio's Improve costs (export, then the fine-tune).

Model > Improve the student from this project exports the project's checked frames with the
teacher (embedded crops; ``core.distillation.teacher_loading``: its float32 ONNX copy) and
fine-tunes the current student on them (``core.distillation.finetune.finetune_student``, the
studio's settings: 200 steps of 16 rows, half of them rehearsal). This bench does the same on
the bundled demo pair (``assets/demo``) with its ground truth as the project's boxes (what
File > Import the sequence's ground truth gives: 300 checked frames, 9 marked absent) and times
each part: the export, loading the data, the held-out score before, the steps (mean and
spread, the first step apart: it pays for the optimizer's first allocations), the held-out
score after and the checkpoint. The machine's load average and the process's CPU time are
reported beside the wall times: on a shared machine the wall time of the same work varies
with what else runs, the CPU time much less.

``--out`` keeps the data file; ``--reuse`` takes it from there (same demo, same teacher) and
times only the fine-tune. ``--profile N`` prints the N costliest functions of the fine-tune
(cProfile, cumulative time; the profiler slows it down, so its times are not the table's, and
it sees one thread, so the batches are made between the steps then, not in a thread beside them).
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from core.commands.arguments import positive_int
from core.progress import Job, run_with_bar

DATA_NAME = "demo-improve.h5"
IMPROVED_NAME = "student-improved.pt"


@dataclass
class ImproveTiming:
    """Seconds of each part of an Improve on the demo (wall unless named cpu)."""

    threads: int
    steps: int
    batch_size: int
    train_items: int
    held_out_items: int
    export_s: float | None  # None: the data file was reused
    load_s: float
    before_s: float  # the held-out score before, the optimizer and the rehearsal stream made
    first_step_s: float
    step_mean_s: float
    step_median_s: float
    step_max_s: float
    after_s: float  # the held-out score after and the checkpoint written
    finetune_s: float
    finetune_cpu_s: float
    load_average_start: list[float] = field(default_factory=list)
    load_average_end: list[float] = field(default_factory=list)
    mean_iou_before: float = float("nan")
    mean_iou_after: float = float("nan")
    success_before: float = float("nan")
    success_after: float = float("nan")


def export_demo(out_path: Path, device: str = "auto") -> Job[Path]:
    """The demo's ground truth exported as Improve exports a project (embedded crops, the
    teacher's float32 ONNX copy where there is one); returns ``out_path``."""
    from core.assets import demo_dir
    from core.distillation.export import export_distillation
    from core.distillation.teacher_loading import load_teacher_runner
    from core.sequences import open_pair

    demo = demo_dir()
    sequence = open_pair(demo / "visible.mp4", demo / "thermal.mp4")
    try:
        records = sequence.ground_truth()
        teacher, _skipped = load_teacher_runner(None, device)
        return (yield from export_distillation(sequence, records, out_path, teacher, frames_mode="embedded",
                                               student_model="student"))
    finally:
        sequence.close()


def time_finetune(data: Path, out: Path, steps: int = 200, batch_size: int = 16, threads: int | None = None,
                  device: str = "auto", seed: int = 0, prefetch: bool = True) -> Job[ImproveTiming]:
    """Fine-tune the bundled student on ``data`` with the studio's settings (``steps``,
    ``batch_size`` and ``prefetch`` aside) and time each part from the job's own progress reports."""
    import torch

    from core.distillation.finetune import FinetuneConfig, finetune_student
    from core.tracking.factory import default_weights

    config = FinetuneConfig(steps=steps, batch_size=batch_size, threads=threads, device=device, seed=seed,
                            prefetch=prefetch)
    load_start = os.getloadavg()
    started, cpu_started = time.perf_counter(), time.process_time()
    marks: dict[str, float] = {}
    step_times: list[float] = []
    job = finetune_student(default_weights("student"), [data], out, config)
    try:
        while True:
            report = next(job)
            now = time.perf_counter()
            if report.done == 0 and report.message.startswith("scoring"):
                marks.setdefault("before", now)
            elif report.done == 0 and report.message.startswith("fine-tuning"):
                marks.setdefault("training", now)
            elif report.done >= 1 and not report.message.startswith("scoring"):
                step_times.append(now)
            yield report
    except StopIteration as stop:
        result = stop.value
    ended, cpu = time.perf_counter(), time.process_time() - cpu_started
    before = marks.get("before", started)
    training = marks.get("training", before)
    gaps = np.diff(step_times) if len(step_times) > 1 else np.array([np.nan])
    return ImproveTiming(
        threads=threads or torch.get_num_threads(),
        steps=steps,
        batch_size=batch_size,
        train_items=result.train_items,
        held_out_items=result.before.items,
        export_s=None,
        load_s=round(before - started, 2),
        before_s=round(training - before, 2),
        first_step_s=round(step_times[0] - training, 3),
        step_mean_s=round(float(np.mean(gaps)), 3),
        step_median_s=round(float(np.median(gaps)), 3),
        step_max_s=round(float(np.max(gaps)), 3),
        after_s=round(ended - step_times[-1], 2),
        finetune_s=round(ended - started, 1),
        finetune_cpu_s=round(cpu, 1),
        load_average_start=[round(x, 2) for x in load_start],
        load_average_end=[round(x, 2) for x in os.getloadavg()],
        mean_iou_before=round(result.before.mean_iou, 4),
        mean_iou_after=round(result.after.mean_iou, 4),
        success_before=round(result.before.success, 4),
        success_after=round(result.after.success, 4),
    )


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "improve", help="what the studio's Improve costs: export and fine-tune on the demo, timed by part",
        description=__doc__.split("\n\n", 1)[1].replace("``", "'"))
    parser.add_argument("--steps", type=positive_int, default=200, help="fine-tuning steps (default 200, the studio's)")
    parser.add_argument("--batch-size", type=positive_int, default=16, help="rows per step (default 16, the studio's)")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="torch CPU threads (default: torch's own choice, as in the studio)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="where the teacher and the fine-tune run (default auto: the GPU when PyTorch sees one)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"folder kept for the data file ({DATA_NAME}) and the fine-tuned student ({IMPROVED_NAME}) "
                             "(default: a temporary folder, removed after)")
    parser.add_argument("--reuse", action="store_true",
                        help=f"take {DATA_NAME} from --out when it is there (no export; times only the fine-tune)")
    parser.add_argument("--profile", type=positive_int, default=None, metavar="N",
                        help="print the N costliest functions of the fine-tune (cProfile; slows it down; the "
                             "batches are then made between the steps, on the profiled thread, not beside them)")
    parser.add_argument("--json", type=Path, help="write the timings as JSON")
    parser.set_defaults(func=run)


def _table(timing: ImproveTiming) -> str:
    rows = [
        ("export (teacher on every checked frame)", "reused" if timing.export_s is None else f"{timing.export_s:.1f} s"),
        ("load the data", f"{timing.load_s:.1f} s"),
        ("held-out score before + setup", f"{timing.before_s:.1f} s"),
        ("first step", f"{timing.first_step_s:.2f} s"),
        (f"steps 2..{timing.steps}: mean / median / max",
         f"{timing.step_mean_s:.3f} / {timing.step_median_s:.3f} / {timing.step_max_s:.3f} s"),
        ("held-out score after + checkpoint", f"{timing.after_s:.1f} s"),
        ("fine-tune in all (wall / CPU)", f"{timing.finetune_s:.1f} s / {timing.finetune_cpu_s:.1f} s"),
        ("held-out mean IoU / success", f"{timing.mean_iou_before:.3f} -> {timing.mean_iou_after:.3f} / "
                                        f"{timing.success_before:.3f} -> {timing.success_after:.3f}"),
        ("load average at start / end", f"{timing.load_average_start[0]:.2f} / {timing.load_average_end[0]:.2f} "
                                        f"({os.cpu_count()} cores)"),
    ]
    width = max(len(name) for name, _ in rows)
    head = (f"Improve on the demo: {timing.train_items} training items, {timing.held_out_items} held out, "
            f"{timing.steps} steps of {timing.batch_size}, {timing.threads} torch thread(s)")
    return "\n".join([head] + [f"  {name:<{width}}  {value}" for name, value in rows])


def run(args) -> int:
    from core.assets import demo_dir
    from core.bench.outputs import bundled_models, check_bench_outputs
    from core.fileio import write_text_atomic

    check_bench_outputs(args, bundled_models() + [(demo_dir(), "the bundled demo pair")],
                        folders=[("--out", args.out, (DATA_NAME, IMPROVED_NAME))])
    with tempfile.TemporaryDirectory(prefix="rgbt-bench-improve-") as tmp:
        folder = Path(args.out) if args.out is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / DATA_NAME
        export_s = None
        if not (args.reuse and data.is_file()):
            started = time.perf_counter()
            run_with_bar(export_demo(data, args.device), "export")
            export_s = round(time.perf_counter() - started, 1)
        job = time_finetune(data, folder / IMPROVED_NAME, args.steps, args.batch_size, args.threads,
                            args.device, prefetch=not args.profile)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            timing = profiler.runcall(run_with_bar, job, "fine-tune")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        else:
            timing = run_with_bar(job, "fine-tune")
    timing.export_s = export_s
    print(_table(timing))
    if args.json:
        write_text_atomic(args.json, json.dumps(asdict(timing), indent=2))
    return 0
