"""``python main.py bench studio``: is the window responsive while the student tracks?

Writes a synthetic video pair of ``--frames`` frames (320x256), opens it in a real
studio window (offscreen unless a display is set), draws the ground-truth box on frame
1 and tracks to the end. A 5 ms QTimer heartbeat measures the event loop: the largest
gap between two beats minus the period is the worst stall. Reports (and with
``--json PATH`` writes) ``{"max_stall_ms", "open_to_first_frame_s", "tracking_fps"}``
plus context (frames tracked, engine, CPU load). Targets: stall < 50 ms, open < 1 s.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

HEARTBEAT_MS = 5


def register(subparsers) -> None:
    parser = subparsers.add_parser("studio", help="event-loop stalls while tracking, time to first frame")
    parser.add_argument("--frames", type=int, default=1000, help="frames of the synthetic pair (default 1000)")
    parser.add_argument("--json", type=Path, default=None, help="write the numbers here")
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up tracking after this many seconds")
    parser.set_defaults(func=run)


def _pair(folder: Path, frames: int):
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    sequence = SyntheticSequence(SyntheticConfig(num_frames=frames, challenges=("occlusion",)), seed=11)
    visible, thermal = run_to_end(write_video_pair(sequence, folder / "visible.mp4", folder / "thermal.mp4"))
    return visible, thermal, sequence.boxes[0]


def measure(frames: int, timeout_s: float = 1800.0, folder: Path | None = None) -> dict:
    """Run the benchmark; returns the numbers (see the module docstring)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(folder or tmp)
        os.environ.setdefault("RGBT_STUDIO_HOME", str(folder / "home"))
        visible, thermal, box = _pair(folder, frames)

        from PySide6.QtCore import QElapsedTimer, QTimer

        from app.studio.env import application
        from app.studio.settings import StudioSettings
        from app.studio.sources import Source
        from app.studio.window import MainWindow

        app = application()
        window = MainWindow(StudioSettings(folder / "home" / "bench.ini"))
        window.show()
        app.processEvents()

        def wait(condition, limit_s: float) -> None:
            end = time.monotonic() + limit_s
            while not condition() and time.monotonic() < end:
                app.processEvents()
                time.sleep(0.001)

        t0 = time.perf_counter()
        window.open_source(Source.pair(visible, thermal), folder / "bench.rgbt.sqlite")
        wait(lambda: window.project is not None and window.pair is not None, 60)
        open_s = time.perf_counter() - t0
        window.editor.box(box, "visible")

        clock = QElapsedTimer()
        gaps: list[int] = []
        late: list[tuple[float, int]] = []
        beat = QTimer()
        beat.setInterval(HEARTBEAT_MS)

        def tick():
            gap = clock.restart()
            gaps.append(gap)
            if gap > 50:
                late.append((round(time.perf_counter() - t1, 3), gap))
        beat.timeout.connect(tick)
        import gc

        gc_pauses: list[float] = []
        gc_started: list[float] = []

        def on_gc(phase, info):
            if phase == "start":
                gc_started.append(time.perf_counter())
            elif gc_started:
                gc_pauses.append((time.perf_counter() - gc_started.pop()) * 1000.0)
        gc.callbacks.append(on_gc)
        t1 = time.perf_counter()
        clock.start()
        beat.start()
        window.track()
        wait(lambda: not window.annotator.busy, timeout_s)
        if window.annotator.busy:
            window.stop_jobs()
            wait(lambda: not window.annotator.busy, 30)
        elapsed = time.perf_counter() - t1
        beat.stop()
        gc.callbacks.remove(on_gc)
        tracked = sum(1 for r in window.project.records.values() if r.provenance.value == "student")
        engine = window.engine_label.text()
        window.close()
        app.processEvents()
    stall = max(0, max(gaps[1:] or [0]) - HEARTBEAT_MS)
    return {
        "max_stall_ms": float(stall),
        "open_to_first_frame_s": round(open_s, 4),
        "tracking_fps": round(tracked / elapsed, 2) if elapsed > 0 else 0.0,
        "frames": frames,
        "frames_tracked": tracked,
        "heartbeats": len(gaps),
        "p99_gap_ms": float(sorted(gaps)[int(0.99 * (len(gaps) - 1))]) if gaps else 0.0,
        "stalls_over_50ms": late[:20],
        "gc_collections": len(gc_pauses),
        "gc_max_pause_ms": round(max(gc_pauses, default=0.0), 2),
        "tracking_s": round(elapsed, 3),
        "engine": engine,
        "load_average": list(os.getloadavg()),
        "cpu_count": os.cpu_count(),
    }


def run(args) -> int:
    result = measure(args.frames, args.timeout)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json is not None:
        from core.fileio import write_text_atomic

        write_text_atomic(args.json, text + "\n")
    return 0
