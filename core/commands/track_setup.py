"""Starting a tracking run, and its result file: what ``track``, ``track-dataset`` and
``export-distill`` share.

- The input: :func:`open_input` (VISIBLE, THERMAL or one sequence folder).
- The tracker: :func:`tracker_name` (``--tracker`` / ``--model``), the options only the student
  and the teacher take (:data:`NETWORK_ONLY_UNSET`, :func:`network_options_given`), and
  :func:`build_network_tracker` (a broken ``.onnx`` beside the weights falls back to PyTorch).
- The start box: :func:`check_init_box` (x, y, w, h pixels of the visible frame) and
  :func:`ground_truth_init` (the sequence's own box on the start frame).
- The result file: :func:`format_boxes` / :func:`format_scores`, line k = frame k (0-based
  frames; :data:`UNTRACKED_BOX_LINE` before the start frame).
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from core.tracking.tracker_config import DEFAULT_STREAMS


def open_input(visible: Path, thermal: Path | None):
    """The RGBTSequence for the command's positional arguments."""
    from core.sequences.open_folder import open_sequence
    from core.sequences.open_pair import open_pair

    if thermal is None or Path(thermal).resolve() == Path(visible).resolve():
        return open_sequence(visible)
    return open_pair(visible, thermal)


#: the line of a frame before the start frame, which was not tracked: the benchmark layouts' row
#: for no box (formats.md), which eval recognises at the head of a file as a later start
UNTRACKED_BOX_LINE = "0,0,0,0\n"


def format_boxes(results) -> str:
    """Lines ``x,y,w,h`` for ``(frame, box, confidence)`` results (0-based frames, consecutive),
    line k = frame k: the frames before the first result are :data:`UNTRACKED_BOX_LINE`. The numbers
    are written as File > Export's plain x,y,w,h files write the same boxes
    (``core.annotations.formats.rows.format_rows``: up to 4 decimals, trailing zeros dropped); they were
    written with 2 decimals ("100.00,50.26" where the export wrote "100,50.2568")."""
    from core.annotations.formats.rows import format_rows

    first = int(results[0][0]) if results else 0
    rows = np.array([np.asarray(b, dtype=np.float64) for _, b, _ in results]).reshape(-1, 4)
    return UNTRACKED_BOX_LINE * first + format_rows(rows)


def format_scores(results) -> str:
    """One confidence per line for ``(frame, box, confidence)`` results, line k = frame k like
    :func:`format_boxes` (``nan`` for the frames before the first result)."""
    first = int(results[0][0]) if results else 0
    return "nan\n" * first + "".join(f"{c:.4f}\n" for _, _, c in results)


def tracker_name(args) -> str:
    """The tracker the arguments choose (``--tracker``, else ``--model`` where the command has
    it, else student); ConfigError for an unknown name."""
    from core.errors import ConfigError
    from core.trackers import tracker_names

    model = getattr(args, "model", None)
    if args.tracker is not None and model is not None and args.tracker != model:
        raise ConfigError(f"--tracker {args.tracker} and --model {model} disagree; give one")
    name = args.tracker or model or "student"
    if name not in tracker_names():
        raise ConfigError(f"unknown tracker {name!r}; choose one of {', '.join(tracker_names())}")
    return name


#: the options only the student and the teacher take, by ``args`` attribute, with their value
#: when not given (a command that lacks one is not asked about it)
NETWORK_ONLY_UNSET = {"weights": None, "engine": "auto", "device": "auto", "precision": "auto", "random_weights": False,
                      "template_update": False, "kalman_fallback": False, "distractor_memory": False,
                      "no_online_filter": False, "streams": DEFAULT_STREAMS, "hold_when_lost": False,
                      "pair_correlation": None, "pair_shape": None, "pixel_match": None}


def network_options_given(args) -> bool:
    """Whether ``args`` sets any option only the student and the teacher take
    (:data:`NETWORK_ONLY_UNSET`): an OpenCV tracker refuses them."""
    return any(getattr(args, name, unset) != unset for name, unset in NETWORK_ONLY_UNSET.items())


def check_init_box(box, width: int, height: int, label: str = "--init") -> None:
    """ConfigError unless the x,y,w,h ``box`` overlaps a ``width`` x ``height`` frame, fits in
    it and is at least one pixel wide and high; ``label`` names where the box came from in the
    message."""
    from core.errors import ConfigError

    x, y, w, h = (float(v) for v in box)
    text = f"{label} {x:g},{y:g},{w:g},{h:g}"
    if w < 1 or h < 1:  # the tracker silently made it a 2x2 box; fractions of the frame (0.4,0.3,0.1,0.2) ran so
        raise ConfigError(f"{text} is smaller than one pixel: boxes are in pixels of the {width}x{height} frame "
                          "(top-left x, y, width, height), not fractions of it")
    if w > width or h > height:
        raise ConfigError(f"{text} is larger than the frame ({width}x{height})")
    if x + w <= 0 or y + h <= 0 or x >= width or y >= height:
        raise ConfigError(f"{text} lies outside the frame ({width}x{height})")


def init_box_note(box, width: int, height: int, label: str = "--init") -> str | None:
    """A note when the x,y,w,h ``box`` (one :func:`check_init_box` passed) reaches past the
    ``width`` x ``height`` frame: how much of it lies inside (the run follows what the frame
    shows; a box drawn half off the frame was taken without a word and the first tracked boxes
    came out a third of its size). None when it lies wholly inside."""
    x, y, w, h = (float(v) for v in box)
    inside_w = min(x + w, width) - max(x, 0.0)
    inside_h = min(y + h, height) - max(y, 0.0)
    if inside_w >= w and inside_h >= h:
        return None
    return (f"{label} {x:g},{y:g},{w:g},{h:g} reaches past the {width}x{height} frame: only {inside_w:g}x{inside_h:g} "
            "of it lies inside")


def ground_truth_init(sequence, start: int, *, hint: str | None = None):
    """The sequence's own ground-truth box (x, y, w, h on the visible grid) on 0-based frame
    ``start``, for a run without ``--init``; ConfigError naming the sequence when it has no
    ground truth (AnnotationFormatError naming the file when its ground-truth file is empty)
    or no box on that frame (absent, unlabelled, or not a finite w, h > 0 row).
    ``hint`` ends the message: what the user can do (None: ``track``'s ``--init`` and
    ``--start-frame``)."""
    import numpy as np

    from core.errors import ConfigError
    from core.geometry import is_valid_box

    records = sequence.ground_truth()
    if not records:
        from core.annotations.formats.gt_files import blank_box_files
        from core.errors import AnnotationFormatError

        blank = blank_box_files(sequence.info)
        if blank:  # 'has no ground truth' sent the user looking for a missing file that is there
            raise AnnotationFormatError(blank[0], "the ground-truth file is empty (no box rows); "
                                                  f"{hint or 'give the box with --init x,y,w,h'}")
        raise ConfigError(f"{sequence.name} has no ground truth to start from; "
                          f"{hint or 'give the box with --init x,y,w,h'}")
    record = records.get(start)
    box = None if record is None or record.absent or record.box is None else np.asarray(record.box, dtype=np.float64)
    if not is_valid_box(box):
        hint = hint or "give the box with --init x,y,w,h or choose another --start-frame"
        reason = getattr(sequence, "missing_box_reason", lambda frame: None)(start)
        if reason is None:
            raise ConfigError(f"the ground truth of {sequence.name} has no box on frame {start + 1} (absent or "
                              f"unlabelled there); {hint}")
        path, line, what, malformed = reason
        if malformed:  # a negative width, a zero height: the file and line to mend
            from core.errors import AnnotationFormatError

            raise AnnotationFormatError(path, f"{what}, so frame {start + 1} has no box to start from; {hint}",
                                        line=line)
        where = f"{path}, line {line}: {what}" if line is not None else what
        raise ConfigError(f"the ground truth of {sequence.name} has no box on frame {start + 1} ({where}); {hint}")
    return box


def build_network_tracker(choice, config, *, warn: bool = True):
    """The student / teacher of ``choice`` with the loop ``config`` (a broken ``.onnx`` sibling
    falls back to PyTorch, :func:`build_with_onnx_fallback`); ``warn``: say loudly on stderr
    when it runs on random weights (a ``--weights`` file that does not exist was refused before,
    :func:`core.commands.arguments.refuse_missing_named_weights`)."""
    from core.trackers import build_tracker
    from core.tracking.factory import RandomWeightsWarning, print_random_warning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RandomWeightsWarning)
        tracker = build_with_onnx_fallback(lambda c: build_tracker(c, config=config), choice)
    if warn and any(issubclass(w.category, RandomWeightsWarning) for w in caught):
        print_random_warning(choice.name)
    return tracker


def build_with_onnx_fallback(build, choice):
    """``build(choice)``; when the checkpoint's ``.onnx`` sibling is broken (engine auto),
    note it and run the checkpoint with PyTorch instead. Weights of the other network (a
    teacher checkpoint given to the student) are one CheckpointError naming the weights and
    the --tracker that runs them."""
    import dataclasses
    import re

    from core.errors import CheckpointError

    try:
        return build(choice)
    except CheckpointError as error:
        weights = Path(choice.weights) if choice.weights else None
        other = re.fullmatch(r"holds an? (\w+) model, not an? \w+", error.problem or "")
        if other:  # the checkpoint itself is the other network: no fallback helps ('skipped X.onnx', then the error)
            where = weights if weights is not None else error.path
            raise CheckpointError(where, f"{error.problem} (run it with --tracker {other.group(1)})") from error
        if (choice.engine != "auto" or weights is None or weights.suffix == ".onnx" or error.path is None
                or error.path.suffix != ".onnx"):
            raise
        print(f"note: skipped {error.path} ({error.problem}); running {weights.name} with PyTorch", file=sys.stderr)
        return build(dataclasses.replace(choice, engine="torch"))
