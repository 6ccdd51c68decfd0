"""``python main.py bench studio``: is the studio responsive while it tracks?

Writes a synthetic video pair (``core.synthetic``, ``--frames`` frames, 320x256) to a
temporary folder, then drives the real window (worker threads, offscreen unless a
display is set) and measures:

- ``open_to_first_frame_s``: from the open request to the first frame on screen;
- ``max_stall_ms``: the worst event-loop stall while the student tracks every frame
  (a QTimer heartbeat every 5 ms; a stall is the gap between two beats minus 5 ms),
  with the 99th percentile;
- ``tracking_fps``: frames tracked per second of wall time, and the engine/device;
- ``tracker_in``: "process" (the studio's default: the tracker in its own process,
  ``app.track_process``) or "thread" (``--in-thread``: the tracker on a worker thread
  of the GUI's interpreter, as before);
- ``idle_max_stall_ms``: the same heartbeat for 3 s while the window idles (the
  machine's own scheduling noise: on a shared, overloaded machine the GUI thread is
  descheduled whatever the studio does), with the load average.

Long sequences (``--annotated``: the project already holds a box on every frame the run
does not track, like a long sequence annotated before: a manual keyframe every 500 frames,
absent and low-confidence stretches, the tracker's raw outputs; ``--track-frames K``: the
run tracks the first K frames only, as T with a range shown), e.g. ``--frames 25000
--annotated --track-frames 1000``. Also measured on every run:

- ``timeline_refresh_ms``: the timeline's refreshes while the run goes (count, median, max);
- ``run_end_ms``: the GUI's work when the run ends (one undo step, the cache re-read); the
  heartbeat keeps beating a moment after the end so this stall counts in ``max_stall_ms``;
- ``step_ms``: D/F (80 steps from the middle): from the step to its frame on screen;
- ``undo_run_s`` / ``redo_run_s``: undo and redo of the whole run.

``--json PATH`` writes ``{"max_stall_ms", "open_to_first_frame_s", "tracking_fps", ...}``.
Targets: stall < 50 ms, open < 1 s.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from core.commands.arguments import int_at_least, positive_int

HEARTBEAT_MS = 5
IDLE_BASELINE_S = 3.0
SIDE_RANGE = (32, 4096)  # core.synthetic.SyntheticConfig's frame sides


def frame_size(text: str) -> tuple[int, int]:
    """``--size WxH``: (width, height), each side 32..4096 pixels, refused by argparse in one line
    naming the option before any work (it said 'SyntheticConfig: frame size 10x10 outside 32..4096'
    after the window opened, and 'abc' was a ValueError traceback)."""
    import argparse

    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must look like 320x256 (WxH in pixels), got {text!r}") from None
    low, high = SIDE_RANGE
    if not (low <= width <= high and low <= height <= high):
        raise argparse.ArgumentTypeError(f"each side must be {low}..{high} pixels, got {width}x{height}")
    return width, height


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "studio", help="studio responsiveness while tracking (event-loop stalls)",
        description="Is the studio responsive while it tracks? Writes a synthetic video pair to a temporary "
                    "folder, drives the real window (offscreen unless a display is set) and measures the time "
                    "from the open request to the first frame on screen, the worst event-loop stall (and the "
                    "99th percentile) while the student tracks every frame, the tracking FPS, and the stalls "
                    "while the window idles for 3 s (the machine's own noise). Targets: stall < 50 ms, "
                    "open < 1 s.")
    # at least 2: the first frame initialises the tracker (--frames 1 waited an hour for a run of no frame)
    parser.add_argument("--frames", type=int_at_least(2), default=1000,
                        help="frames of the synthetic pair, at least 2 (default 1000)")
    parser.add_argument("--size", type=frame_size, default=(320, 256), metavar="WxH",
                        help="frame size, each side 32..4096 pixels (default 320x256)")
    parser.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="the student's device; auto (default): the GPU when there is one, else the CPU")
    parser.add_argument("--engine", default="auto", choices=("auto", "torch", "onnx"),
                        help="the student's engine; auto (default): ONNX Runtime when the .onnx file beside the "
                             "weights is their export, else PyTorch")
    parser.add_argument("--in-thread", action="store_true",
                        help="track on a worker thread of the GUI's interpreter instead of the tracking process")
    parser.add_argument("--annotated", action="store_true",
                        help="the project already holds a box on every frame the run does not track (a long, "
                             "annotated sequence)")
    parser.add_argument("--track-frames", type=positive_int, default=None,
                        help="track only the first K frames (default: all)")
    parser.set_defaults(func=run)


ANNOTATED_KEYFRAME_EVERY = 500


def fill_annotated(store_path: Path, boxes, first: int) -> int:
    """Write what a long sequence annotated earlier holds on frames ``first ..`` (``boxes``:
    the (N, 4) ground truth): a manual keyframe at ``first`` and every 500 frames, a 40-frame
    absent stretch every 7,000 frames, tracked boxes elsewhere (confidence 0.3 on 25 frames
    of every 700, else 0.6-0.9) with the student's raw outputs. Returns the records written."""
    import numpy as np

    from core.annotations.records import FrameAnnotation, Provenance
    from core.annotations.store import AnnotationStore

    rng = np.random.default_rng(0)
    records, outputs = [], []
    for frame in range(first, len(boxes)):
        box = np.asarray(boxes[frame], dtype=np.float64)
        if (frame - first) % ANNOTATED_KEYFRAME_EVERY == 0:
            records.append(FrameAnnotation(frame, box, provenance=Provenance.MANUAL, keyframe=True))
        elif frame % 7000 < 40 or not (np.isfinite(box).all() and box[2] > 0 and box[3] > 0):
            records.append(FrameAnnotation(frame, None, absent=True))
        else:
            confidence = 0.3 if frame % 700 < 25 else float(0.6 + 0.3 * rng.random())
            records.append(FrameAnnotation(frame, box, provenance=Provenance.STUDENT, confidence=confidence))
            outputs.append((frame, box, confidence))
    with AnnotationStore.open(store_path) as store:
        store.put(records)
        store.put_tracker_outputs("student", "bench-annotated", outputs)
    return len(records)


def _spread(values: list[float], digits: int = 1) -> dict:
    import numpy as np

    if not values:
        return {"count": 0}
    return {"count": len(values), "median": round(float(np.median(values)), digits),
            "p95": round(float(np.percentile(values, 95)), digits), "max": round(max(values), digits)}


class GcPauses:
    """Durations (ms) of the garbage collector's passes while the heartbeat records."""

    def __init__(self, heartbeat: Heartbeat):
        import gc

        self.heartbeat = heartbeat
        self.pauses: list[tuple[int, float]] = []
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase, info) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        elif self.heartbeat.recording:
            self.pauses.append((info.get("generation", -1), (time.perf_counter() - self._start) * 1000.0))

    def worst(self) -> float:
        return max((ms for _g, ms in self.pauses), default=0.0)


class Heartbeat:
    """Records the gaps between QTimer beats (ms) while ``recording`` is True."""

    def __init__(self, interval_ms: int = HEARTBEAT_MS):
        from PySide6.QtCore import QTimer

        self.interval = interval_ms
        self.gaps: list[float] = []
        self.recording = False
        self._last = None
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)
        self.timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        if self.recording and self._last is not None:
            self.gaps.append((now - self._last) * 1000.0)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._last = None
        self.recording = True

    def stop(self) -> None:
        self.recording = False

    def stall_list(self) -> list[float]:
        return [max(0.0, g - self.interval) for g in self.gaps]

    def stalls(self) -> tuple[float, float]:
        """(max, p99) stall in ms (gap minus the interval, >= 0)."""
        import numpy as np

        if not self.gaps:
            return 0.0, 0.0
        stalls = np.clip(np.asarray(self.gaps) - self.interval, 0.0, None)
        return float(stalls.max()), float(np.percentile(stalls, 99))


def _timed(owner, name: str) -> list[float]:
    """Wrap ``owner.name`` (a method the window calls by that name, e.g. through a timer
    connected to a lambda) so each call's duration (ms) is appended to the returned list."""
    durations: list[float] = []
    method = getattr(owner, name)

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            durations.append((time.perf_counter() - t) * 1000.0)

    setattr(owner, name, timed)
    return durations


def wait_for(app, predicate, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def run(args) -> int:
    from core.bench.outputs import bundled_models, check_bench_outputs

    check_bench_outputs(args, bundled_models())  # before the window and the synthetic pair
    if args.device == "cuda":
        from core.tracking import engines

        # where ONNX Runtime cannot use CUDA the student loads with PyTorch, which says here that it
        # sees no GPU (it was said after the pair was written and the window opened)
        if not engines.ort_cuda_usable():
            engines.choose_device("cuda")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "")
    import warnings

    from app.jobs import TrackerPool
    from app.main_window import MainWindow
    from app.qt import ensure_app
    from app.settings import ModelSettings, StudioSettings
    from core.progress import run_with_bar
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    warnings.filterwarnings("ignore", message="RANDOM WEIGHTS")
    width, height = args.size
    app = ensure_app()
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as tmp:
        tmp = Path(tmp)
        os.environ["RGBT_STUDIO_HOME"] = str(tmp / "home")  # never touch the user's settings
        sequence = SyntheticSequence(SyntheticConfig(width=width, height=height, num_frames=args.frames), seed=11)
        visible, thermal = run_with_bar(write_video_pair(sequence, tmp / "visible.mp4", tmp / "thermal.mp4"),
                                        "writing the synthetic pair")
        settings = StudioSettings.load()
        settings.models = ModelSettings(engine=args.engine, device=args.device, allow_random=True)
        store_path = tmp / "bench.rgbt.sqlite"
        annotated = 0
        if args.annotated:
            first = min(args.track_frames or args.frames, args.frames - 1) + 1
            print(f"annotating frames {first + 1}..{args.frames} of the project ...")
            annotated = fill_annotated(store_path, sequence.boxes, first)
        window = MainWindow(settings, pool=TrackerPool(process=not args.in_thread))
        window.resize(1280, 820)
        window.show()
        heartbeat = Heartbeat()
        gc_pauses = GcPauses(heartbeat)
        wait_for(app, lambda: False, 0.2)  # let the window settle

        shown: list[float] = []
        window.frame_shown.connect(lambda _f: shown.append(time.perf_counter()))
        heartbeat.start()
        t0 = time.perf_counter()
        window.open_pair(visible, thermal, store=str(store_path))
        if not wait_for(app, lambda: bool(shown), 60):
            raise RuntimeError("the first frame never showed")
        open_s = shown[0] - t0
        wait_for(app, lambda: False, 0.2)  # the beat after the open: its stall counts too
        heartbeat.stop()
        open_stall, _ = heartbeat.stalls()

        # the machine's own noise floor: the same heartbeat while the window idles
        heartbeat.start()
        wait_for(app, lambda: False, IDLE_BASELINE_S)
        heartbeat.stop()
        idle_stall, idle_p99 = heartbeat.stalls()

        window.views.box_drawn.emit("visible", sequence.boxes[0])
        track_frames = min(args.track_frames or args.frames, args.frames - 1)
        if track_frames < args.frames - 1:
            window.timeline.show_range(0, track_frames + 1)  # T runs to the range's last frame
        # load the student once before timing, like a user's second run
        if window.pool.process is not None and window.document.recipe is not None:
            window.pool.process.prepare(window.document.recipe, window.pool.choice("student", settings.models))
            tracker_in = "process"
        else:
            window.pool.get("student", settings.models)
            tracker_in = "thread"
        ended: list[str] = []
        window.tracking.ended.connect(ended.append)
        refreshes = _timed(window, "refresh_timeline")
        window._timeline_timer.timeout.disconnect()  # the timer held the unwrapped method
        window._timeline_timer.timeout.connect(window.refresh_timeline)
        run_end = _timed(window.tracking, "_end")
        heartbeat.start()
        t1 = time.perf_counter()
        window.actions["track"].trigger()
        wait_for(app, lambda: bool(ended), 3600)
        track_s = time.perf_counter() - t1
        wait_for(app, lambda: False, 0.2)  # the beat after the run's end: its stall counts too
        heartbeat.stop()
        max_stall, p99_stall = heartbeat.stalls()
        worst_stalls = sorted(heartbeat.stall_list(), reverse=True)[:5]
        tracked = len(window.tracking.frames)
        update = window.tracking.last_update
        refresh_ms, end_ms = list(refreshes), list(run_end)

        steps = []
        shown_at: dict[int, float] = {}
        window.frame_shown.connect(lambda f: shown_at.setdefault(f, time.perf_counter()))
        window.goto(args.frames // 2)
        wait_for(app, lambda: False, 0.3)
        # 40 frames forward and back from the middle, onto frames the pair has: a step past its last
        # frame shows nothing and waited out its 10 s (a pair under 80 frames)
        forward = min(40, args.frames - 1 - window.frame)
        for delta in [1] * forward + [-1] * min(40, window.frame + forward):
            target = window.frame + delta
            shown_at.clear()
            t = time.perf_counter()
            window.step(delta)
            if wait_for(app, lambda: target in shown_at, 10):  # noqa: B023 (read at once)
                steps.append((shown_at[target] - t) * 1000.0)
        stack = window.document.undo_stack
        t = time.perf_counter()
        stack.undo()
        app.processEvents()
        undo_s = time.perf_counter() - t
        t = time.perf_counter()
        stack.redo()
        app.processEvents()
        redo_s = time.perf_counter() - t
        window.close()
    result = {
        "max_stall_ms": round(max_stall, 2),
        "p99_stall_ms": round(p99_stall, 2),
        "idle_max_stall_ms": round(idle_stall, 2),
        "idle_p99_stall_ms": round(idle_p99, 2),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "cpu_count": os.cpu_count(),
        "open_to_first_frame_s": round(open_s, 4),
        "open_max_stall_ms": round(open_stall, 2),
        "tracking_fps": round(tracked / track_s, 2) if track_s > 0 else 0.0,
        "frames_tracked": tracked,
        "frames": args.frames,
        "size": f"{width}x{height}",
        "engine": update.engine if update is not None else "",
        "tracker_in": tracker_in,
        "annotated_records": annotated,
        "timeline_refresh_ms": _spread(refresh_ms),
        "run_end_ms": round(max(end_ms, default=0.0), 1),
        "step_ms": _spread(steps),
        "undo_run_s": round(undo_s, 3),
        "redo_run_s": round(redo_s, 3),
        "worst_gc_pause_ms": round(gc_pauses.worst(), 2),
        "worst_stalls_ms": [round(v, 1) for v in worst_stalls],
        "heartbeat_ms": HEARTBEAT_MS,
        "targets": {"max_stall_ms": 50, "open_to_first_frame_s": 1.0},
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        from core.fileio import write_text_atomic

        write_text_atomic(args.json, text + "\n")
    return 0
