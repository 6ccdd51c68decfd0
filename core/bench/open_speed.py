"""``python main.py bench open``: how fast a video pair opens, seeks and plays.

Generates (or takes, with ``--visible/--thermal``) a pair of videos, 1000 frames of
640x512 by default, in a temporary folder, then measures with ``core.sequences.open_pair``:

- open + first frame: ``open_pair(...)`` then ``seq[0]``, on a fresh sequence (ms);
- random access: ``seq[i]`` for seeded random indices with the cache off (ms; median,
  95th percentile, max);
- sequential decode: every frame once in order (frames per second);
- RSS growth while reading every frame once (MiB; resident memory after minus before,
  and the peak during the pass), which stays flat when decoding is lazy and the cache
  bounded.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from core.commands.arguments import positive_int
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.sequences import open_pair


@dataclass(frozen=True)
class OpenSpeedResult:
    """Measurements; times in milliseconds, memory in MiB."""

    visible: str
    thermal: str
    frames: int
    width: int
    height: int
    codec: str
    open_first_frame_ms: float
    open_first_frame_ms_repeats: list[float]
    random_access_ms_median: float
    random_access_ms_p95: float
    random_access_ms_max: float
    random_samples: int
    sequential_fps: float
    rss_before_mib: float
    rss_after_mib: float
    rss_growth_mib: float
    rss_peak_growth_mib: float


def rss_mib() -> float:
    """Current resident set size (Linux /proc), else the peak from getrusage."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()


RSS_EVERY = 16  # frames between two RSS samples while every frame is read once (about 10 us each)


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


#: the codecs ``--codec`` generates with (the ones this benchmark was measured with)
CODECS = ("mp4v", "MJPG", "FFV1", "XVID")


def generate_pair(folder: Path, frames: int, width: int, height: int, codec: str = "mp4v",
                  seed: int = 0) -> tuple[Path, Path]:
    """Write ``visible.<ext>`` (textured colour, panning, a moving square) and ``thermal.<ext>``
    (warm blob on a smooth background) with ``frames`` frames of ``width`` x ``height``."""
    ext = ".avi" if codec.upper() in ("MJPG", "FFV1", "XVID") else ".mp4"
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.integers(0, 256, (height + 200, width + 200, 3), dtype=np.uint8), (0, 0), 3)
    warm = cv2.GaussianBlur(rng.integers(60, 120, (height + 200, width + 200), dtype=np.uint8), (0, 0), 8)
    paths = folder / f"visible{ext}", folder / f"thermal{ext}"
    fourcc = cv2.VideoWriter_fourcc(*codec)
    writers = [cv2.VideoWriter(str(p), fourcc, 30.0, (width, height)) for p in paths]
    if not all(w.isOpened() for w in writers):
        for writer in writers:
            writer.release()
        for path in paths:
            path.unlink(missing_ok=True)
        raise ConfigError(f"OpenCV cannot write {codec} video of {width}x{height} here (--codec, --size)")
    try:
        for i in range(frames):
            dx, dy = int(100 + 90 * np.sin(i / 60)), int(100 + 90 * np.cos(i / 75))
            x, y = int((width - 80) * (0.5 + 0.45 * np.sin(i / 40))), int((height - 80) * (0.5 + 0.45 * np.cos(i / 55)))
            visible = texture[dy:dy + height, dx:dx + width].copy()
            cv2.rectangle(visible, (x, y), (x + 80, y + 80), (40, 40, 220), -1)
            thermal = warm[dy:dy + height, dx:dx + width].copy()
            cv2.circle(thermal, (x + 40, y + 40), 40, 230, -1)
            writers[0].write(visible)
            writers[1].write(cv2.cvtColor(thermal, cv2.COLOR_GRAY2BGR))
    finally:
        for writer in writers:
            writer.release()
    return paths


def generation_size(args, what: str) -> tuple[int, int]:
    """(width, height) of the pair ``bench <what>`` generates from ``--size WxH`` and
    ``--frames``; ConfigError before any work for one video of the pair without the other,
    a size that is not two positive integers, fewer than 2 frames, or a ``--codec`` (where
    the command has one) not in :data:`CODECS`."""
    if (args.visible is None) != (args.thermal is None):
        raise ConfigError(f"bench {what}: give both videos of the pair (visible and thermal), or neither")
    try:
        width, height = (int(v) for v in str(args.size).lower().split("x"))
    except ValueError:
        raise ConfigError(f"--size must look like 640x512, got {args.size!r}") from None
    if width < 1 or height < 1:
        raise ConfigError(f"--size {args.size}: width and height must be >= 1")
    if args.visible is None and args.frames < 2:
        raise ConfigError(f"--frames must be >= 2, got {args.frames}")
    codec = getattr(args, "codec", CODECS[0])
    if args.visible is None and codec not in CODECS:
        raise ConfigError(f"--codec {codec} is not one of {', '.join(CODECS)}")
    return width, height


def measure(visible: Path, thermal: Path, *, codec: str = "", random_samples: int = 50, repeats: int = 3,
            seed: int = 0) -> OpenSpeedResult:
    """Run the four measurements on an existing pair (see the module docstring)."""
    opens = []
    for _ in range(repeats):
        start = time.perf_counter()
        seq = open_pair(visible, thermal)
        seq[0]
        opens.append((time.perf_counter() - start) * 1000)
        seq.close()
    n = len(seq)

    seq = open_pair(visible, thermal, cache_frames=0)
    seq[0]
    latencies = []
    for index in np.random.default_rng(seed).integers(0, n, random_samples):
        start = time.perf_counter()
        seq[int(index)]
        latencies.append((time.perf_counter() - start) * 1000)
    seq.close()

    seq = open_pair(visible, thermal)
    before, peak_before = rss_mib(), peak_rss_mib()
    highest = before
    start = time.perf_counter()
    for i in range(n):
        seq[i]
        if i % RSS_EVERY == 0:  # the process's own peak (getrusage) hides a rise below an earlier peak
            highest = max(highest, rss_mib())
    elapsed = time.perf_counter() - start
    after = rss_mib()
    # it was the rusage peak alone, which read 4.3 MiB beside a growth of +4.4 (an earlier peak of the process)
    peak_growth = max(0.0, highest - before, after - before, peak_rss_mib() - max(peak_before, before))
    info = seq.info
    seq.close()
    return OpenSpeedResult(
        visible=str(visible), thermal=str(thermal), frames=n, width=info.width, height=info.height, codec=codec,
        open_first_frame_ms=float(np.median(opens)), open_first_frame_ms_repeats=[round(t, 2) for t in opens],
        random_access_ms_median=float(np.median(latencies)),
        random_access_ms_p95=float(np.percentile(latencies, 95)), random_access_ms_max=float(max(latencies)),
        random_samples=random_samples, sequential_fps=n / elapsed,
        rss_before_mib=before, rss_after_mib=after, rss_growth_mib=after - before, rss_peak_growth_mib=peak_growth)


def format_table(result: OpenSpeedResult) -> str:
    rows = [
        ("pair", f"{result.frames} frames {result.width}x{result.height} {result.codec}".rstrip()),
        ("open + first frame", f"{result.open_first_frame_ms:.1f} ms (median of {result.open_first_frame_ms_repeats})"),
        ("random access", f"median {result.random_access_ms_median:.1f} ms, p95 {result.random_access_ms_p95:.1f} ms, "
                          f"max {result.random_access_ms_max:.1f} ms ({result.random_samples} seeks, cache off)"),
        ("sequential decode", f"{result.sequential_fps:.1f} pairs/s"),
        ("RSS reading all frames", f"{result.rss_before_mib:.1f} -> {result.rss_after_mib:.1f} MiB "
                                   f"(growth {result.rss_growth_mib:+.1f}, peak growth {result.rss_peak_growth_mib:.1f})"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input (the videos or
    folders given, the ground truth beside them) or is refused by :mod:`core.bench.outputs`."""
    from core.annotations.formats.gt_files import protected_sources
    from core.bench.outputs import check_bench_outputs

    inputs = [(args.visible, "the visible input (--visible)"), (args.thermal, "the thermal input (--thermal)")]
    check_bench_outputs(args, inputs + protected_sources(args.visible, args.thermal))


def run(args) -> int:
    width, height = generation_size(args, "open")
    check_outputs(args)
    with tempfile.TemporaryDirectory(prefix="rgbt-bench-open-") as tmp:
        if args.visible is None:
            print(f"generating a {args.frames}-frame {width}x{height} {args.codec} pair in {tmp} ...", flush=True)
            start = time.perf_counter()
            visible, thermal = generate_pair(Path(tmp), args.frames, width, height, args.codec, args.seed)
            print(f"generated in {time.perf_counter() - start:.1f} s", flush=True)
            codec = args.codec
        else:
            visible, thermal, codec = Path(args.visible), Path(args.thermal), ""
        result = measure(visible, thermal, codec=codec, random_samples=args.random_samples, seed=args.seed)
    print(format_table(result))
    if args.json:
        write_text_atomic(args.json, json.dumps(asdict(result), indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "open", help="time to open a video pair, seek, decode; memory while playing",
        description="Time how fast a visible/thermal video pair opens (open + first frame, ms), seeks to random "
                    "frames with the frame cache off (ms: median, 95th percentile, max) and decodes in order "
                    "(frames per second), and how much resident memory grows while every frame is read once "
                    "(MiB). Without --visible/--thermal it writes a synthetic pair to a temporary folder first.")
    parser.add_argument("--visible", type=Path, help="visible video or folder (default: generate a pair)")
    parser.add_argument("--thermal", type=Path, help="thermal video or folder (default: generate a pair)")
    parser.add_argument("--frames", type=int, default=1000, help="frames to generate (default 1000)")
    parser.add_argument("--size", default="640x512", help="WxH to generate (default 640x512)")
    parser.add_argument("--codec", default="mp4v", help=f"fourcc to generate with: {', '.join(CODECS)} (default mp4v)")
    parser.add_argument("--random-samples", type=positive_int, default=50, help="random seeks to time (default 50)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the generated pair's content and of the random seek positions (default 0)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    parser.set_defaults(func=run)
