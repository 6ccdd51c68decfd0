"""``python main.py bench speed``: teacher vs student speed, both scales, each engine.

For every (model, scale, engine) the benchmark measures, at batch 1:

- **end to end** per frame: the tracker's whole ``track`` call (search crops of both
  modalities, normalisation, network, Hann-window decoding, mapping back, clipping) on
  a synthetic 640x480 pair held in memory (frame decoding excluded), each call from the
  state after ``init`` on a 40x40 target (so the crop cost does not drift);
- **network alone**: ``engine.run`` on fixed normalised inputs (for the torch engine,
  numpy <-> tensor conversion included; for ONNX Runtime, its session run).

Engines: ``torch`` (PyTorch), ``onnx`` (ONNX Runtime on a float32 export made for the run) and
``int8`` (ONNX Runtime on the CPU, on that export's int8 copy, ``core.tracking.quantize``: what the
tracker runs on a CPU when the int8 copy ships beside the weights).

FPS = 1 / median per-frame time (the median resists the other processes of a shared
machine). The models of one scale and engine are timed **in turns** of 10 frames each
(after a warm-up frame per turn), so a machine whose speed drifts during the run slows
them alike and the student/teacher ratio stays fair. Params and GFLOPs (multiply-add = 2 FLOPs) come from ``core.models.profile``.
The bundled models use their checkpoints when present, else random weights (speed does
not depend on the weights); the paper-scale models are random ViT-B networks. Paper
scale on a CPU takes about a second per frame, so it runs ``--paper-frames`` frames.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.commands.arguments import positive_int
from core.fileio import write_text_atomic
from core.progress import Job, Progress, run_with_bar

MODELS = ("teacher", "student")
SCALES = ("bundled", "paper")
ENGINES = ("torch", "onnx", "int8")
FRAME_SIZE = (640, 480)


@dataclass(frozen=True)
class SpeedRow:
    """One measured configuration (the ``--json`` row)."""

    model: str
    scale: str
    engine: str
    device: str
    fps_end_to_end: float
    fps_network: float
    params: int
    gflops: float


def synthetic_pairs(count: int = 8, size=FRAME_SIZE, seed: int = 0):
    """``count`` FramePairs (textured background, a bright square moving right) and the
    initial box (x, y, w, h) of the square on the first one."""
    from core.sequences.base import FramePair

    width, height = size
    rng = np.random.default_rng(seed)
    background = rng.integers(0, 120, size=(height, width), dtype=np.uint8)
    pairs = []
    for i in range(count):
        thermal = background.copy()
        x = 280 + 3 * i
        thermal[220:260, x:x + 40] = 230
        visible = np.stack([thermal, np.roll(thermal, 5, axis=1), 255 - thermal], axis=2)
        pairs.append(FramePair(i, visible, thermal))
    return pairs, np.array([280.0, 220.0, 40.0, 40.0])


def build_network(model: str, scale: str):
    """The network to time: the bundled checkpoint when present, else random weights."""
    from core.tracking.factory import default_weights, random_model

    path = default_weights(model, scale)
    if scale == "bundled" and path.is_file():
        from core.models.checkpoint import load_checkpoint

        return load_checkpoint(path)[0], str(path.name)
    return random_model(model, scale), "random"


#: frames of one model before the other takes its turn (see _interleaved_medians)
TURN_FRAMES = 10


def _interleaved_medians(fns: dict[str, object], frames: int, warmup: int,
                         turn: int = TURN_FRAMES) -> dict[str, float]:
    """Median seconds per call of each function, the functions taking turns of ``turn``
    calls (a x10, b x10, a x10, ...) until each has ``frames`` timed calls; the first
    ``warmup`` calls of each turn are not timed. A shared machine whose speed drifts
    slows every model alike, so their ratio stays fair. Turns rather than single frames:
    ONNX Runtime's threads keep spinning for a while after a run, and on a small machine
    two sessions alternating frame by frame slow each other down several times."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    calls = {name: 0 for name in fns}
    while any(len(v) < frames for v in times.values()):
        for name, fn in fns.items():
            for k in range(warmup + turn):
                if len(times[name]) >= frames:
                    break
                start = time.perf_counter()
                fn(calls[name])
                calls[name] += 1
                if k >= warmup:
                    times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _sync(device: str):
    if device == "cuda":
        import torch

        return torch.cuda.synchronize
    return lambda: None


@dataclass
class _Prepared:
    """One configuration ready to time: its engine, its two timed calls and its size."""

    device: str
    network_once: object
    track_once: object
    params: int
    gflops: float


def _prepare(network, model: str, scale: str, engine_name: str, device: str, threads: int | None,
             workdir: Path) -> _Prepared:
    from core.models.profile import count_gflops, count_parameters
    from core.tracking.engines import OnnxEngine, TorchEngine
    from core.tracking.onnx_export import export_onnx
    from core.tracking.tracker import Tracker

    cfg = network.config
    params = count_parameters(network)
    gflops = count_gflops(network.to("cpu"))
    if engine_name in ("onnx", "int8"):
        path = export_onnx(network, workdir / f"{model}_{scale}.onnx")
        if engine_name == "int8":  # CUDA has no int8 kernels for it: the CPU, as the tracker runs it
            from core.tracking.quantize import int8_path, quantize_onnx

            path, device = quantize_onnx(path, int8_path(path)), "cpu"
        engine = OnnxEngine(path, device, threads=threads)
    else:
        engine = TorchEngine(network, device, threads=threads)
    sync = _sync(engine.device)
    rng = np.random.default_rng(0)
    z, x = cfg.template_size, cfg.search_size
    inputs = [rng.standard_normal((1, 3, s, s)).astype(np.float32) for s in (z, z, x, x)]

    def network_once(_):
        engine.run(*inputs)
        sync()

    tracker = Tracker(engine, cfg)
    pairs, init = synthetic_pairs()
    state = tracker.init(pairs[0], init)

    def track_once(i):
        # always from the initial state: the crop cost stays that of the 40x40 target
        # (random weights would let the box, and with it the crop, grow frame by frame)
        tracker.track(pairs[1 + i % (len(pairs) - 1)], state)
        sync()

    return _Prepared(engine.device, network_once, track_once, int(params), round(float(gflops), 3))


def measure_group(networks: dict[str, object], scale: str, engine_name: str, device: str, frames: int,
                  threads: int | None, workdir: Path, warmup: int = 2) -> list[SpeedRow]:
    """Time the models of ``networks`` (model name -> torch model with the forward contract)
    at one scale on one engine, their frames interleaved (:func:`_interleaved_medians`)."""
    prepared = {model: _prepare(network, model, scale, engine_name, device, threads, workdir)
                for model, network in networks.items()}
    network_s = _interleaved_medians({m: p.network_once for m, p in prepared.items()}, frames, warmup)
    track_s = _interleaved_medians({m: p.track_once for m, p in prepared.items()}, frames, warmup)
    return [SpeedRow(m, scale, engine_name, p.device, round(1.0 / track_s[m], 2), round(1.0 / network_s[m], 2),
                     p.params, p.gflops) for m, p in prepared.items()]


def speed_bench(models=MODELS, scales=SCALES, engines=ENGINES, device: str = "auto", frames: int = 50,
                paper_frames: int = 5, threads: int | None = 2) -> Job[list[SpeedRow]]:
    """Measure every combination, the models of one scale and engine side by side; yields
    Progress (payload: the SpeedRows just measured)."""
    import torch

    from core.tracking.engines import choose_device

    torch_device = choose_device(device)
    if threads:
        torch.set_num_threads(int(threads))
    groups = [(s, e) for s in scales for e in engines]
    rows: list[SpeedRow] = []
    names = "+".join(models)
    with tempfile.TemporaryDirectory(prefix="rgbt-bench-speed-") as tmp:
        for done, (scale, engine) in enumerate(groups, start=1):
            yield Progress(done - 1, len(groups), f"measuring {names} {scale} {engine}")
            networks = {model: build_network(model, scale)[0] for model in models}
            n = frames if scale == "bundled" or torch_device == "cuda" else min(frames, paper_frames)
            engine_device = torch_device if engine == "torch" else device
            measured = measure_group(networks, scale, engine, engine_device, n, threads, Path(tmp))
            rows += measured
            del networks
            yield Progress(done, len(groups), "; ".join(f"{r.model} {scale} {engine}: {r.fps_end_to_end:.1f} FPS end to "
                                                        f"end, {r.fps_network:.1f} network" for r in measured), measured)
    order = {(s, m, e): k for k, (s, m, e) in enumerate((s, m, e) for s in scales for m in models for e in engines)}
    return sorted(rows, key=lambda r: order[(r.scale, r.model, r.engine)])


def ratios(rows: list[SpeedRow]) -> list[tuple[str, str, float, float]]:
    """(scale, engine, end-to-end ratio, network ratio) student FPS / teacher FPS."""
    out = []
    by_key = {(r.model, r.scale, r.engine): r for r in rows}
    for scale in SCALES:
        for engine in ENGINES:
            s, t = by_key.get(("student", scale, engine)), by_key.get(("teacher", scale, engine))
            if s and t:
                out.append((scale, engine, s.fps_end_to_end / t.fps_end_to_end, s.fps_network / t.fps_network))
    return out


def load_average() -> float | None:
    """1-minute load average of the machine (None where unknown)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def format_table(rows: list[SpeedRow], threads: int | None, loads: tuple[float | None, float | None] = (None, None)) -> str:
    head = f"{'model':8} {'scale':8} {'engine':6} {'device':6} {'FPS e2e':>9} {'FPS net':>9} {'params':>10} {'GFLOPs':>8}"
    lines = [f"bench speed: batch 1, {threads or 'default'} CPU threads, median per frame", head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r.model:8} {r.scale:8} {r.engine:6} {r.device:6} {r.fps_end_to_end:9.1f} {r.fps_network:9.1f} "
                     f"{r.params / 1e6:9.2f}M {r.gflops:8.2f}")
    for scale, engine, e2e, net in ratios(rows):
        lines.append(f"student/teacher speed ratio, {scale} {engine}: end to end {e2e:.2f}x, network {net:.2f}x")
    before, after = loads
    if before is not None and after is not None:
        lines.append(f"machine load average (1 min) before/after: {before:.1f} / {after:.1f}")
        cores = os.cpu_count() or 1
        # before: others only; after: includes this benchmark's own threads
        if before > max(0.5, cores - (threads or cores)) + 0.5 or after > cores + 1.0:
            lines.append("WARNING: other processes were busy; the timings are pessimistic - rerun at a quiet moment")
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "speed", help="teacher vs student FPS, params and GFLOPs at both scales",
        description="Teacher vs student speed at batch 1, for each scale (bundled: the shipped models; paper: "
                    "the paper's ViT-B size, random weights) and engine (PyTorch, ONNX Runtime): FPS end to end "
                    "(the tracker's whole per-frame step on a synthetic 640x480 pair in memory, decoding "
                    "excluded) and of the network alone, from the median frame time; parameters and GFLOPs. "
                    "The bundled models use their checkpoints when present, else random weights (speed does "
                    "not depend on them).")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument("--threads", type=positive_int, default=2, help="CPU threads for PyTorch and ONNX Runtime (default 2)")
    parser.add_argument("--frames", type=positive_int, default=50, help="timed frames per configuration (default 50)")
    parser.add_argument("--paper-frames", type=positive_int, default=5,
                        help="timed frames for paper scale on a CPU (about 1 s each; default 5)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="auto (default): the GPU when there is one, else the CPU")
    parser.add_argument("--model", choices=("both",) + MODELS, default="both",
                        help="time the teacher, the student or both side by side (default both)")
    parser.add_argument("--scale", choices=("both",) + SCALES, default="both",
                        help="bundled: the shipped model sizes; paper: the paper's ViT-B size with random weights "
                             "(default both)")
    parser.add_argument("--engine", choices=("all", "both") + ENGINES, default="all",
                        help="torch: PyTorch; onnx: ONNX Runtime on an ONNX export made for the run; int8: ONNX "
                             "Runtime on the CPU on that export's int8 copy; both: torch and onnx; all (default): "
                             "the three")
    parser.set_defaults(func=run)


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input (the bundled
    checkpoints) or is refused by :mod:`core.bench.outputs`."""
    from core.bench.outputs import bundled_models, check_bench_outputs

    check_bench_outputs(args, bundled_models())


def run(args) -> int:
    check_outputs(args)
    models = MODELS if args.model == "both" else (args.model,)
    scales = SCALES if args.scale == "both" else (args.scale,)
    engines = {"all": ENGINES, "both": ("torch", "onnx")}.get(args.engine, (args.engine,))
    load_before = load_average()
    rows = run_with_bar(speed_bench(models, scales, engines, args.device, args.frames, args.paper_frames,
                                    args.threads), "bench speed")
    print(format_table(rows, args.threads, (load_before, load_average())))
    if args.json is not None:
        write_text_atomic(args.json, json.dumps([asdict(r) for r in rows], indent=2) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
