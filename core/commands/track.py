"""``python main.py track VISIBLE THERMAL [--init x,y,w,h] --out boxes.txt``.

VISIBLE and THERMAL are two videos, two image folders, or one dataset sequence folder
given twice (or once); one video alone is a one-stream sequence (its colour says visible or
thermal, ``core.sequences.layouts.lone_video``). Writes one ``x,y,w,h`` line per frame, line k = frame k (image
pixels of the visible frame): the init box on ``--start-frame`` N (default 1), the tracked
boxes after it, and ``0,0,0,0`` (no box) on the frames before N, which ``eval`` recognises
as a run started on frame N and leaves out of the scores; optionally one confidence per
line to ``--scores`` (``nan`` before N); both files are written
atomically when the run ends. ``--tracker`` chooses the student, the teacher or a
classical OpenCV tracker (``core.trackers``); what the sequence adapted on opening (e.g.
frame counts that differ between the two streams) is printed before the run.

``--out`` and ``--scores`` are checked before any work: never an input, the sequence's
ground truth or its annotation store; an existing file only with ``--force``. The
``--init`` box must overlap the start frame and fit in it. Without ``--init`` the run
starts from the sequence's own ground-truth box on the start frame (a dataset folder: its
``groundtruth.txt``, ``visible.txt``, ...), and says so; a sequence with no box there is
one line asking for ``--init``. A broken ``.onnx`` beside the
``--weights`` checkpoint is skipped (PyTorch runs the checkpoint) with a note.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.commands.arguments import (
    add_engine_options,
    add_loop_switches,
    input_path,
    loop_switches,
    output_file,
    positive_int,
    refuse_missing_named_weights,
    shipped_file,
)
from core.commands.track_setup import (
    build_network_tracker,
    check_init_box,
    format_boxes,
    format_scores,
    ground_truth_init,
    init_box_note,
    network_options_given,
    open_input,
    tracker_name,
)
from core.fileio import write_text_atomic
from core.geometry import parse_box_text
from core.progress import run_with_bar
from core.tracking.tracker_config import DEFAULT_STREAMS, TRACKER_STREAMS
from core.wording import plural


def _box(text: str):
    try:
        return parse_box_text(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "track", help="track one object through an RGB-T pair with the student, the teacher or OpenCV CSRT / KCF / MIL",
        description="Track one object from an initial box; writes one x,y,w,h line per frame.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  rgbt-studio track visible.mp4 thermal.mp4 --init 120,80,40,60 --out boxes.txt\n"
               "  rgbt-studio track SEQUENCE_FOLDER --out boxes.txt      (from the sequence's ground-truth box)\n"
               "  rgbt-studio track clip.mp4 --init 120,80,40,60 --tracker csrt --out boxes.txt\n"
               "  rgbt-studio track SEQUENCE_FOLDER --start-frame 50 --tracker teacher --out boxes.txt",
    )
    parser.add_argument("visible", type=input_path, metavar="VISIBLE", help="visible video or image folder, a sequence folder, or one video alone")
    parser.add_argument("thermal", type=input_path, metavar="THERMAL", nargs="?", default=None,
                        help="thermal video or image folder (or the same sequence folder again; may be omitted)")
    parser.add_argument("--init", type=_box, default=None, metavar="x,y,w,h",
                        help="box on the start frame (pixels); default: the sequence's ground-truth box there")
    parser.add_argument("--tracker", default=None, metavar="NAME",
                        help="student (default), teacher, or an OpenCV tracker: csrt, kcf, mil (`core.trackers`)")
    parser.add_argument("--model", choices=("student", "teacher"), default=None,
                        help="same as --tracker student|teacher (kept for older scripts)")
    parser.add_argument("--modality", choices=("auto", "visible", "thermal"), default="auto",
                        help="the frame an OpenCV tracker sees; auto (default): thermal on a visible+thermal pair "
                             "and on thermal-only footage, visible on visible-only footage")
    parser.add_argument("--streams", choices=TRACKER_STREAMS, default=DEFAULT_STREAMS,
                        help="what the student / teacher is fed: auto (default): both streams, and the thermal "
                             "stream alone while the visible one is measured blind (smoke, fog; see "
                             "docs/tracking_heuristics.md); both: always both; thermal / visible: that one alone")
    parser.add_argument("--start-frame", type=int, default=1, metavar="N",
                        help="frame the --init box is on, counted from 1 (the first frame is 1, as in eval, the "
                             "progress lines and the studio); tracking runs from there to the end (default 1). "
                             "Line k of --out is frame k: the frames before N are 0,0,0,0 lines (no box), which "
                             "eval leaves out of the scores")
    parser.add_argument("--weights", type=shipped_file, default=None, help="checkpoint .pt or exported .onnx (default: bundled)")
    add_engine_options(parser)
    parser.add_argument("--precision", choices=("auto", "fp32", "int8"), default="auto",
                        help="which ONNX file of the checkpoint ONNX Runtime runs: auto (default): on the CPU its "
                             "int8 copy (<name>.int8.onnx, made by export-onnx --int8) when it is there, else the "
                             "float32 export; fp32: never the int8 copy; int8: only the int8 copy. A .onnx given as "
                             "--weights runs as it is, whatever --precision says")
    parser.add_argument("--threads", type=positive_int, default=None, help="CPU threads of the engine (default: the engine's own choice)")
    parser.add_argument("--out", type=output_file, required=True, help="output boxes, one x,y,w,h line per frame")
    parser.add_argument("--scores", type=output_file, default=None, help="also write one confidence per line")
    parser.add_argument("--force", action="store_true", help="replace --out / --scores when they exist")
    parser.add_argument("--template-update", action="store_true",
                        help="MPLT heuristic: re-cut the template when the windowed score > 0.91")
    parser.add_argument("--kalman-fallback", action="store_true",
                        help="MPLT heuristic: constant-velocity Kalman box when the score < 0.25")
    parser.add_argument("--distractor-memory", action="store_true",
                        help="pass over a peak where a look-alike was on the last frame (see docs/tracking_heuristics.md)")
    add_loop_switches(parser)
    parser.add_argument("--no-online-filter", action="store_true",
                        help="do not re-rank the score map by the target's online correlation filter "
                             "(on by default; see docs/tracking_heuristics.md)")
    parser.add_argument("--random-weights", action="store_true",
                        help="use random weights when no checkpoint exists (tests and demos only)")
    parser.set_defaults(func=run)


def check_outputs(args, info=None) -> None:
    """OutputError before any work when ``--out`` / ``--scores`` would overwrite an input,
    the ground truth or store of the sequence (``info``: its SequenceInfo, once open), a
    folder, or an existing file without ``--force``."""
    from core.annotations.formats.gt_files import protected_inputs, protected_sources
    from core.errors import OutputError
    from core.fileio import check_output

    protected = protected_sources(args.visible, args.thermal)
    if args.weights is not None:
        protected.append((Path(args.weights), "the tracker's weights"))
    if info is not None:
        protected += protected_inputs(info)
    if args.weights is not None:
        protected.append((Path(args.weights).with_suffix(".onnx"), "the tracker's weights"))
    outputs = [("--out", args.out)] + ([("--scores", args.scores)] if args.scores is not None else [])
    if args.scores is not None and Path(args.scores).resolve() == Path(args.out).resolve():
        raise OutputError(args.scores, "--scores and --out are the same file")
    for option, path in outputs:
        check_output(path, protected=protected, force=args.force, option=option)


def refuse_pair_without_ground_truth(args, sequence) -> None:
    """ConfigError, for a run without ``--init`` on two streams given separately (VISIBLE and
    THERMAL two folders or videos), when the pair has no ground truth but one of the folders
    holds a ground-truth file: it said '<visible folder> has no ground truth', though the file
    is there (read only when the folder is given alone). The message names the file."""
    from core.annotations.formats.gt_files import ground_truth_files
    from core.errors import ConfigError

    if args.thermal is None or Path(args.thermal).resolve() == Path(args.visible).resolve():
        return
    if sequence.ground_truth():
        return
    found = [f for path in (args.visible, args.thermal) if Path(path).is_dir() for f in ground_truth_files(path)]
    if found:  # else ground_truth_init's 'has no ground truth' is right
        raise ConfigError(f"VISIBLE and THERMAL given as two streams have no ground truth to start from ({found[0]} "
                          "belongs to its folder, read when that folder is given alone as VISIBLE); give the box with "
                          "--init x,y,w,h")


def refuse_video_without_ground_truth(args, sequence) -> None:
    """ConfigError, for a run without ``--init`` on one video given alone (``clip/flight_0042.avi``),
    when it has no ground truth but its folder holds a ground-truth file: it said 'flight_0042 has no
    ground truth to start from' (the video's name), though ``clip/groundtruth.txt`` is there (read
    when the folder is given). The message names the video, the file and the folder. (``clip/thermal.avi``,
    the folder's one stream, has the folder's ground truth: ``core.sequences.open_folder.folder_sequence_of``.)"""
    from core.annotations.formats.gt_files import BOX_FILE_NAMES, ground_truth_files
    from core.errors import ConfigError

    video = Path(args.visible)
    if not video.is_file() or (args.thermal is not None and Path(args.thermal).resolve() != video.resolve()):
        return
    if sequence.ground_truth():
        return
    found = [f for f in ground_truth_files(video.parent) if f.name in BOX_FILE_NAMES]
    if found:  # else ground_truth_init's 'has no ground truth' is right
        raise ConfigError(f"{video} has no ground truth of its own ({found[0]} belongs to its folder, read when the "
                          f"folder {video.parent} is given as VISIBLE); give the folder, or the box with --init x,y,w,h")


def _collecting(job, done: list):
    """``job`` (``track_sequence``) passed through, appending each tracked frame's
    ``(frame, box, confidence)`` to ``done`` (what a run stopped by a bad frame keeps)."""
    try:
        while True:
            report = next(job)
            payload = report.payload
            done.append((int(payload.frame), payload.box, float(payload.confidence)))
            yield report
    except StopIteration as stop:
        return stop.value
    finally:
        job.close()


def _kept_after_error(args, error, done: list) -> None:
    """A frame that cannot be decoded stopped the run after ``done``: write those boxes to
    ``--out`` (and ``--scores``) when no file is there yet, and raise the error again saying
    where they went (an existing file, given with --force, is kept as it was)."""
    from core.errors import FileProblem

    if not done or not isinstance(error, FileProblem):
        raise error
    span = f"frames {done[0][0] + 1}..{done[-1][0] + 1}"
    if Path(args.out).exists() or (args.scores is not None and Path(args.scores).exists()):
        kept = f"{args.out} was left as it was; the {len(done)} boxes tracked before it ({span}) are not written"
    else:
        write_text_atomic(args.out, format_boxes(done))
        if args.scores is not None:
            write_text_atomic(args.scores, format_scores(done))
        kept = f"the {len(done)} boxes tracked before it ({span}) were written to {args.out}"
    raise type(error)(error.path, f"{error.problem}; {kept}", line=error.line) from error


def _noting_frames(job, thermal: list[int], lost: list[int], matched: list[float] | None = None):
    """``job`` (``track_sequence``) passed through, appending the 0-based index of every tracked
    frame the network was fed the thermal stream alone on (``streams`` "auto") to ``thermal``,
    of every frame the loop counted the target lost on (the box held) to ``lost``, and each
    tracked frame's pixel-match correlation (``TrackStep.pixel_match``, NaN where it did not run)
    to ``matched``."""
    try:
        while True:
            report = next(job)
            if report.payload.feed == "thermal":
                thermal.append(int(report.payload.frame))
            if report.payload.lost:
                lost.append(int(report.payload.frame))
            if matched is not None and report.payload.step is not None:
                matched.append(float(getattr(report.payload.step, "pixel_match", float("nan"))))
            yield report
    except StopIteration as stop:
        return stop.value
    finally:
        job.close()


def _auto_streams_note(thermal_frames: list[int], tracked: int, one_stream: str | None = None) -> str:
    """One line on what ``--streams auto`` did: how many frames went to the thermal stream alone.
    ``one_stream``: "thermal" or "visible" for single-stream footage (``SequenceInfo.thermal_only``
    / ``visible_only``), whose one stream feeds both inputs: there is no pair to choose from."""
    if one_stream == "thermal":
        return "streams auto: one stream (thermal only), fed to both inputs"
    if one_stream == "visible":
        return "streams auto: one stream (visible only), fed to both inputs (its luminance as the thermal one)"
    if not thermal_frames:
        return f"streams auto: both streams on all {tracked} tracked frames (the visible stream was never blind)"
    return (f"streams auto: the thermal stream alone on {len(thermal_frames)} of {tracked} tracked frames "
            f"(visible measured blind; first at frame {thermal_frames[0] + 1}, last at {thermal_frames[-1] + 1})")


def _pixel_match_note(scores: list[float], gate: tuple[float, float]) -> str:
    """One line on what the pixel match did: on how many tracked frames the reported centre moved
    (a correlation above ``gate[0]``), and on how many by the whole shift (from ``gate[1]``)."""
    moved = sum(1 for s in scores if s > gate[0])
    whole = sum(1 for s in scores if s >= gate[1])
    line = (f"pixel match: the reported centre moved onto the drawn target's pixels on {moved} of {len(scores)} "
            f"tracked frames ({whole} by the whole shift)")
    if moved < len(scores):
        line += "; elsewhere they fit too poorly and the network's centre stands"
    return line


def _held_note(held_frames: list[int], tracked: int) -> str:
    """One line on what ``--hold-when-lost`` did: on how many frames the box was held."""
    if not held_frames:
        return f"hold when lost: the target was never measured lost on the {tracked} tracked frames"
    return (f"hold when lost: the box held on {len(held_frames)} of {tracked} tracked frames (target measured lost; "
            f"first at frame {held_frames[0] + 1}, last at {held_frames[-1] + 1})")


def run(args) -> int:
    from core.errors import ConfigError, SequenceError
    from core.trackers import TrackerChoice, build_tracker, engine_text, is_peer, tracker_label
    from core.tracking.run import track_sequence
    from core.tracking.tracker_config import TrackerConfig, switched_options

    check_outputs(args)
    name = tracker_name(args)
    if is_peer(name) and network_options_given(args):
        raise ConfigError("--weights, --engine, --device, --precision, --random-weights, --template-update, --kalman-fallback, "
                          "--distractor-memory, --hold-when-lost, --pair-correlation, --pair-shape, --pixel-match, "
                          "--no-online-filter and --streams apply to the student and teacher, not to "
                          f"{tracker_label(name)}, which OpenCV runs on the CPU (it sees one stream: --modality)")
    if not is_peer(name) and args.modality != "auto":  # it was ignored: the network was fed both streams
        from core.trackers import peer_kinds

        raise ConfigError(f"--modality applies to the OpenCV trackers ({', '.join(peer_kinds())}), not to the {name}: "
                          f"give it --streams {args.modality} to feed it the {args.modality} stream alone")
    # a --weights file that does not exist is a typo, never a cue for random weights (they stand in for a
    # missing bundled checkpoint only)
    refuse_missing_named_weights(args.random_weights, ("--weights", args.weights))
    choice = TrackerChoice(name, None if args.weights is None else str(args.weights), args.engine, args.device,
                           args.threads, args.random_weights, args.modality, precision=args.precision)
    tracker = None
    if not is_peer(name):  # a missing checkpoint is reported before the footage is opened
        config = TrackerConfig(template_update=args.template_update, kalman_fallback=args.kalman_fallback,
                               streams=args.streams, **switched_options(distractor_memory=args.distractor_memory,
                                                                        hold_when_lost=args.hold_when_lost,
                                                                        online_filter=not args.no_online_filter,
                                                                        **loop_switches(args)))
        tracker = build_network_tracker(choice, config)
    sequence = open_input(args.visible, args.thermal)
    try:
        start = int(args.start_frame) - 1
        if not 0 <= start < len(sequence):
            raise ConfigError(f"--start-frame {args.start_frame} is outside {sequence.name} (1..{len(sequence)})")
        check_outputs(args, sequence.info)
        one_stream = "thermal" if sequence.info.thermal_only else "visible" if sequence.info.visible_only else None
        init, label = args.init, "--init"
        if init is None:
            refuse_pair_without_ground_truth(args, sequence)
            refuse_video_without_ground_truth(args, sequence)
            init, label = ground_truth_init(sequence, start), f"the ground-truth box on frame {start + 1}"
        check_init_box(init, sequence.info.width, sequence.info.height, label)
        outside = init_box_note(init, sequence.info.width, sequence.info.height, label)
        if tracker is None:  # an OpenCV tracker: its modality may depend on the sequence
            tracker = build_tracker(choice, sequence.info)
        print(f"{sequence.name}: {plural(len(sequence), 'frame')}, {tracker_label(name)} tracker, "
              f"{engine_text(tracker)}", file=sys.stderr)
        for note in sequence.info.notes:
            print(f"note: {note}", file=sys.stderr)
        if args.init is None:
            print(f"starting from {label}: {init[0]:g},{init[1]:g},{init[2]:g},{init[3]:g}", file=sys.stderr)
        if outside is not None:
            print(f"note: {outside}", file=sys.stderr)
        started = time.perf_counter()
        feeds: list[int] = []
        held: list[int] = []
        matched: list[float] = []
        done: list = []
        job = _noting_frames(_collecting(track_sequence(tracker, sequence, init, start), done), feeds, held, matched)
        try:
            results = run_with_bar(job, f"track {sequence.name}")
        except SequenceError as error:  # a frame that does not decode, part-way through
            _kept_after_error(args, error, done)
        except KeyboardInterrupt:  # before the cli's 'cancelled' (or 'terminated'): what the stop left
            print(stopped_line(args, done, start, len(sequence)), file=sys.stderr)
            raise
        elapsed = time.perf_counter() - started
    finally:
        sequence.close()
    write_text_atomic(args.out, format_boxes(results))
    if args.scores is not None:
        write_text_atomic(args.scores, format_scores(results))
    tracked = len(results) - 1  # the start frame holds the given box
    if tracked and args.streams == "auto" and not is_peer(name):  # an OpenCV tracker sees one stream (--modality)
        print(_auto_streams_note(feeds, tracked, one_stream), file=sys.stderr)
    if tracked and args.hold_when_lost:
        print(_held_note(held, tracked), file=sys.stderr)
    config = getattr(tracker, "config", None)
    if tracked and getattr(config, "pixel_match", 0) > 0:
        print(_pixel_match_note(matched, config.pixel_match_gate), file=sys.stderr)
    print(written_line(len(results), start, args.out, elapsed), file=sys.stderr)
    if start:
        print(f"note: line k of {args.out} is frame k: {'line 1 is' if start == 1 else f'lines 1..{start} are'} "
              f"0,0,0,0 (before the start frame, not tracked), which eval leaves out of the scores", file=sys.stderr)
    return 0


def stopped_line(args, done: list, start: int, total: int) -> str:
    """What a run stopped by Ctrl+C or SIGTERM left: how far it got (``done``: the
    ``(frame, box, confidence)`` of the frames tracked, from the 0-based ``start``, of ``total``
    frames) and that ``--out`` (and ``--scores``) were not written: they are written once, when
    the run ends, so an existing file (``--force``) is as it was. It said only 'cancelled',
    after minutes of tracking, with no word of the output."""
    from core.progress import nothing_written_line

    outputs = [args.out] + ([args.scores] if args.scores is not None else [])
    if len(done) > 1:
        how_far = (f" at frame {done[-1][0] + 1} of {total} ({plural(len(done) - 1, 'frame')} tracked "
                   f"from frame {start + 1})")
    else:
        how_far = " before the first frame was tracked"
    return nothing_written_line("track", outputs, [Path(path).exists() for path in outputs], how_far)


def written_line(count: int, start: int, out, elapsed: float) -> str:
    """The run's last line: how many boxes went to ``out`` for which frames (``start``: the
    0-based start frame) and how fast; a run whose start frame is the last one (a one-frame
    sequence) wrote the start box alone and tracked nothing, and says so instead of
    'wrote 1 boxes (frames 19..19) ... (nan frames/s ...)'."""
    if count == 1:
        return (f"wrote 1 box (frame {start + 1}: the start box; no frame after it to track) to {out}")
    fps = (count - 1) / elapsed if elapsed > 0 else float("nan")
    return f"wrote {count} boxes (frames {start + 1}..{start + count}) to {out} ({fps:.1f} frames/s incl. decoding)"
