"""``python main.py bench memory``: process growth while tracking a long video pair.

Writes (or takes) a long visible/thermal video pair, tracks it end to end with the
student (``track_sequence``: frames decoded lazily, nothing kept), and samples the
process's resident memory every ``--every`` frames. The reported growth is the
largest RSS after the warm-up (the first ``--warmup`` frames: model, codec and cache
buffers allocated) minus the RSS at the end of the warm-up. Target: < 100 MB on a
10,000-frame pair.
"""
from __future__ import annotations

import gc
import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from core.bench.open_speed import generate_pair, generation_size, rss_mib
from core.commands.arguments import add_engine_options, int_at_least, positive_int
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import Progress, run_with_bar


@dataclass
class MemoryResult:
    frames: int
    width: int
    height: int
    engine: str
    rss_start_mib: float
    rss_after_warmup_mib: float
    rss_max_mib: float
    rss_end_mib: float
    growth_after_warmup_mib: float
    tracking_fps: float
    samples: list[tuple[int, float]]


def measure(visible: Path, thermal: Path, *, model: str = "student", engine: str = "auto", warmup: int = 200,
            every: int = 250, threads: int | None = None, random_weights: bool = False):
    """Job: track the pair and sample RSS; returns a :class:`MemoryResult`."""
    from core.sequences import open_pair
    from core.tracking.factory import describe, load_tracker
    from core.tracking.run import track_sequence

    gc.collect()
    rss_start = rss_mib()
    sequence = open_pair(visible, thermal)
    tracker = load_tracker(model=model, engine=engine, threads=threads, allow_random=random_weights)
    total = len(sequence)
    if total <= warmup:  # the growth 'after the warm-up' was 0.0 MiB of nothing measured: 'target < 100 MB' met
        sequence.close()
        raise ConfigError(f"{visible}: {total} frames leave none to measure after the {warmup}-frame warm-up "
                          "(--warmup); give a longer pair or a smaller --warmup")
    first = sequence[0]
    h, w = first.thermal.shape
    init_box = (w * 0.4, h * 0.4, w * 0.12, h * 0.12)
    samples: list[tuple[int, float]] = []
    rss_after_warmup = None
    started = time.perf_counter()
    job = track_sequence(tracker, sequence, init_box)
    try:
        for report in job:
            frame = report.done
            if frame == warmup:
                gc.collect()
                rss_after_warmup = rss_mib()
                samples.append((frame, rss_after_warmup))
            elif frame % every == 0 or frame == total:
                samples.append((frame, rss_mib()))
            yield Progress(frame, total, report.message)
    finally:
        job.close()
    elapsed = time.perf_counter() - started
    sequence.close()
    if rss_after_warmup is None:
        rss_after_warmup = samples[0][1] if samples else rss_mib()
    after = [rss for frame, rss in samples if frame >= warmup] or [rss_after_warmup]
    return MemoryResult(
        frames=total,
        width=w,
        height=h,
        engine=describe(tracker),
        rss_start_mib=round(rss_start, 1),
        rss_after_warmup_mib=round(rss_after_warmup, 1),
        rss_max_mib=round(max(after), 1),
        rss_end_mib=round(after[-1], 1),
        growth_after_warmup_mib=round(max(after) - rss_after_warmup, 1),
        tracking_fps=round(total / elapsed, 1),
        samples=[(f, round(r, 1)) for f, r in samples],
    )


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input: the videos
    given, the ground truth beside them, the bundled models (:mod:`core.bench.outputs`)."""
    from core.annotations.formats.gt_files import protected_sources
    from core.bench.outputs import bundled_models, check_bench_outputs

    inputs = [(args.visible, "the visible video"), (args.thermal, "the thermal video")]
    check_bench_outputs(args, inputs + protected_sources(args.visible, args.thermal) + bundled_models())


def run(args) -> int:
    width, height = generation_size(args, "memory")
    if args.visible is None and args.frames <= args.warmup:
        raise ConfigError(f"--frames {args.frames} leaves none to measure after the {args.warmup}-frame warm-up "
                          "(--warmup); give more --frames or a smaller --warmup")
    check_outputs(args)
    with tempfile.TemporaryDirectory(prefix="rgbt-bench-memory-") as tmp:
        if args.visible is not None:
            visible, thermal = Path(args.visible), Path(args.thermal)
        else:
            print(f"writing a {args.frames}-frame {width}x{height} video pair ...")
            visible, thermal = generate_pair(Path(tmp), args.frames, width, height)
        result = run_with_bar(
            measure(visible, thermal, model=args.model, engine=args.engine, warmup=args.warmup, every=args.every,
                    threads=args.threads, random_weights=args.random_weights),
            "bench memory",
        )
    print(f"{result.frames} frames {result.width}x{result.height}, {args.model} on {result.engine}")
    print(f"RSS start {result.rss_start_mib} MiB, after warm-up {result.rss_after_warmup_mib} MiB, "
          f"max {result.rss_max_mib} MiB, end {result.rss_end_mib} MiB")
    print(f"growth after warm-up: {result.growth_after_warmup_mib} MiB (target < 100 MB); "
          f"tracking {result.tracking_fps} FPS including decode")
    if args.json:
        write_text_atomic(args.json, json.dumps(asdict(result), indent=2))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "memory", help="process memory growth while tracking a long pair (target < 100 MB)",
        description="Track a long visible/thermal pair from end to end with the bundled model (frames decoded "
                    "one at a time, nothing kept) and sample the process's resident memory (RSS). Reported "
                    "growth: the largest RSS after the warm-up minus the RSS at the end of the warm-up. "
                    "Target: < 100 MB on a 10,000-frame pair. Without VISIBLE THERMAL a synthetic pair is "
                    "written to a temporary folder first.")
    parser.add_argument("visible", nargs="?", help="visible video (default: a generated pair)")
    parser.add_argument("thermal", nargs="?", help="thermal video (needed with VISIBLE)")
    parser.add_argument("--frames", type=int, default=10000,
                        help="frames of the generated pair (default 10000; ignored with VISIBLE THERMAL)")
    parser.add_argument("--size", default="640x512",
                        help="frame size WxH of the generated pair (default 640x512)")
    parser.add_argument("--model", default="student", choices=("student", "teacher"),
                        help="bundled model that tracks (default student)")
    add_engine_options(parser, device=None)
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads of the engine (default: the engine's own choice)")
    parser.add_argument("--warmup", type=int_at_least(0), default=200,
                        help="frames before the baseline RSS is taken (model, codec and cache buffers "
                             "allocated; default 200)")
    parser.add_argument("--every", type=positive_int, default=250, help="sample the RSS every N frames (default 250)")
    parser.add_argument("--random-weights", action="store_true", help="use random weights when none are bundled")
    parser.add_argument("--json", type=Path)
    parser.set_defaults(func=run)
