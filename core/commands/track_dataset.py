"""``python main.py track-dataset ROOT --results DIR``: one tracker over every sequence of a dataset.

ROOT holds one folder per sequence in any layout ``core.sequences`` opens (LasHeR, RGBT234,
GTOT, VOT-RGBT, OTB-style ``groundtruth.txt`` folders, ...). Every folder with a ground-truth
file (the files ``eval --dataset-root`` reads) is tracked from its ground-truth box on frame 1
to its last frame, and gives ``DIR/<sequence>.txt``: one ``x,y,w,h`` line per frame, the
results folder ``python main.py eval DIR --dataset-root ROOT --protocol ...`` scores, and the
layout the official toolkits read.

- **Resumable.** A result that exists is kept (``--force`` replaces it); each file is written
  atomically when its sequence ends, so Ctrl+C or a crash loses only the sequence in
  progress, and the same command continues. The settings each result was tracked with
  (tracker, weights, switches) are kept beside them in ``.track-dataset.json``; a run with
  other settings is refused before any work instead of keeping the earlier run's results
  (``--force`` tracks them again).
- **One bad sequence does not stop the run.** A folder that cannot be opened, or has no box on
  frame 1, is one line naming it and the problem; the others are tracked, and the exit
  status is 1 when any was skipped.
- **Never inside the dataset.** DIR may not be ROOT or lie inside it (a results folder there
  would read as a sequence).
- **``--jobs N``** tracks N sequences at once in spawned worker processes, each with its own
  tracker (one CPU thread each unless ``--threads`` says otherwise); lines come in the order
  the sequences finish, and in between a ``tracking: A 1200/5000, B 300/800`` line at most
  every 10 s says how far the running sequences are.
- **The loop of ``track``.** The student and the teacher run ``track``'s default loop, and take
  its switches: ``--streams``, ``--hold-when-lost``, ``--pair-correlation``, ``--pair-shape`` and
  ``--pixel-match`` (an OpenCV tracker refuses them).
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.commands.arguments import (
    add_engine_options,
    add_loop_switches,
    input_path,
    loop_switches,
    output_folder,
    positive_int,
    refuse_missing_named_weights,
    shipped_file,
)
from core.commands.dataset_tracking import (
    Outcome,
    TrackerRecipe,
    track_in_workers,
    track_one,
    tracker_factory,
)
from core.tracking.tracker_config import DEFAULT_STREAMS, TRACKER_STREAMS
from core.wording import plural


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "track-dataset", help="track every sequence of a dataset folder from its first ground-truth box "
                              "into a results folder for eval",
        description="Track every sequence folder of ROOT that has ground truth, from its box on frame 1, and write "
                    "one <sequence>.txt of x,y,w,h lines per sequence into --results (the layout eval and the "
                    "official toolkits read). Existing results are kept, so a stopped run continues.",
        epilog="example: rgbt-studio track-dataset DATASET --results runs/csrt --tracker csrt, then rgbt-studio "
               "eval runs/csrt --dataset-root DATASET --protocol lasher",
    )
    parser.add_argument("root", type=input_path, metavar="ROOT", help="dataset folder with one folder per sequence")
    parser.add_argument("--results", type=output_folder, required=True, metavar="DIR",
                        help="results folder (made if missing; outside ROOT)")
    parser.add_argument("--tracker", default="student", metavar="NAME",
                        help="student (default), teacher, or an OpenCV tracker: csrt, kcf, mil")
    parser.add_argument("--sequences", default=None, metavar="A,B",
                        help="only these sequence folders (comma-separated names)")
    parser.add_argument("--streams", choices=TRACKER_STREAMS, default=DEFAULT_STREAMS,
                        help="what the student / teacher is fed (as in track; default auto)")
    parser.add_argument("--weights", type=shipped_file, default=None, help="checkpoint .pt or exported .onnx (default: bundled)")
    add_engine_options(parser)
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads of the engine (default: the engine's own choice)")
    parser.add_argument("--jobs", type=positive_int, default=1,
                        help="sequences tracked at once, each in its own worker process (default 1)")
    parser.add_argument("--force", action="store_true", help="track again and replace results that exist")
    parser.add_argument("--random-weights", action="store_true",
                        help="use random weights when no checkpoint exists (tests and demos only)")
    add_loop_switches(parser)
    parser.set_defaults(func=run)


def sequence_folders(root: Path, names: list[str] | None = None) -> list[Path]:
    """The sequence folders of ``root`` that hold a ground-truth file, sorted by name; with
    ``names`` only those (ConfigError naming any that is not such a folder)."""
    from core.errors import ConfigError
    from core.metrics.api import ground_truth_folders

    folders = ground_truth_folders(root)
    if names is None:
        return folders
    by_name = {p.name: p for p in folders}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(f"no sequence folder with ground truth named {', '.join(unknown[:5])} in {root}")
    return [by_name[n] for n in names]


def left_out_folders(root: Path, folders: list[Path]) -> list[Path]:
    """The sequence folders of ``root`` (``core.sequences.detect_layout`` opens them) that are not
    among ``folders`` (those with a ground-truth file, :func:`sequence_folders`), sorted by name."""
    from core.errors import SequenceError
    from core.sequences.layouts import detect_layout

    chosen = set(folders)
    out = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p not in chosen):
        try:
            detect_layout(path)
        except (SequenceError, OSError):
            continue
        out.append(path)
    return out


def _left_out_text(left: list[Path]) -> str:
    """What the note and the error say of the sequence folders without a ground-truth file."""
    from core.metrics.api import _GT_NAMES

    names = ", ".join(p.name for p in left[:5]) + (", ..." if len(left) > 5 else "")
    return (f"{plural(len(left), 'sequence folder')} without a ground-truth file to start from ({names}; looked for "
            f"{', '.join(_GT_NAMES)}): track one alone with track --init x,y,w,h")


def check_results_folder(root: Path, results: Path) -> None:
    """OutputError unless ``results`` can be a results folder for ``root``: not ROOT, not
    inside it, not a file, and a place where a file can be written (a read-only folder or a
    full disk is found before any tracking)."""
    from core.errors import OutputError
    from core.fileio import check_output

    root_abs, results_abs = root.resolve(), results.resolve()
    if results_abs == root_abs or root_abs in results_abs.parents:
        raise OutputError(results, f"--results lies inside the dataset {root}; choose a folder outside it")
    check_output(results, folder=True, option="--results")


def tracker_recipe(args) -> TrackerRecipe:
    """The command's tracker as a :class:`TrackerRecipe`; ConfigError for an unknown tracker or
    a network option given to an OpenCV tracker. With ``--jobs`` > 1 and no ``--threads``
    each worker runs on one thread."""
    from core.commands.track_setup import network_options_given, tracker_name
    from core.errors import ConfigError
    from core.trackers import is_peer

    tracker_name(args)  # an unknown name is one line
    if is_peer(args.tracker) and network_options_given(args):
        raise ConfigError("--weights, --engine, --device, --random-weights, --streams, --hold-when-lost, "
                          "--pair-correlation, --pair-shape and --pixel-match apply to the student and teacher, not "
                          f"to {args.tracker} (it runs on the CPU with OpenCV)")
    threads = args.threads if args.threads is not None or args.jobs <= 1 else 1
    return TrackerRecipe(args.tracker, None if args.weights is None else str(args.weights), args.engine,
                         args.device, threads, bool(args.random_weights), args.streams,
                         bool(args.hold_when_lost), **loop_switches(args))


def run(args) -> int:
    from core.errors import ConfigError
    from core.trackers import engine_text, is_peer

    root, results = Path(args.root), Path(args.results)
    if root.is_file():  # it read 'dataset folder not found' for a file that is there
        raise ConfigError(f"{root}: is a file, not a dataset folder (give the folder that holds the sequence folders; "
                          "track one video with track)")
    if not root.is_dir():
        raise ConfigError(f"{root}: dataset folder not found")
    check_results_folder(root, results)
    # each name once: a name given twice was tracked twice (two workers on one results file with --jobs)
    names = list(dict.fromkeys(n.strip() for n in args.sequences.split(",") if n.strip())) if args.sequences else None
    folders = sequence_folders(root, names)
    if not folders:
        from core.annotations.formats.gt_files import ground_truth_files

        if ground_truth_files(root):
            raise ConfigError(f"{root} is itself a sequence folder (it has ground truth); give the dataset folder that "
                              f"holds it ({root.resolve().parent}), or track it alone with track")
        left = left_out_folders(root, [])
        below = [] if left else _datasets_below(root)  # a root one level too high: data/ for data/rgb/
        raise ConfigError(f"{root} has no sequence folder with a ground-truth file to start from"
                          + (f"; it holds {_left_out_text(left)}" if left else "")
                          + (f"; the sequence folders are one level down, in {', '.join(str(b) for b in below[:3])}"
                             f"{', ...' if len(below) > 3 else ''}: give {'that folder' if len(below) == 1 else 'one'}"
                             if below else ""))
    # named: they were left out without a word ('1 sequence' of three)
    left = left_out_folders(root, folders) if names is None else []
    recipe = tracker_recipe(args)
    # a --weights file that does not exist is a typo, never a cue for random weights
    refuse_missing_named_weights(args.random_weights, ("--weights", args.weights))
    records = RunRecords(results, run_settings(recipe))
    if not args.force:
        records.check_kept([f.name for f in folders if (results / f"{f.name}.txt").exists()])
    tracker_for = tracker_factory(recipe)  # a missing checkpoint stops the run here, before any sequence
    results.mkdir(parents=True, exist_ok=True)
    engine = "" if is_peer(recipe.tracker) else f", {engine_text(tracker_for(None))}"
    outcomes = [Outcome(f.name, "kept") for f in folders if (results / f"{f.name}.txt").exists() and not args.force]
    kept = {o.name for o in outcomes}
    todo = [(f, results / f"{f.name}.txt") for f in folders if f.name not in kept]
    jobs = min(args.jobs, len(todo))  # it said '64 worker processes' for one sequence, tracked in this process
    workers = ""
    if jobs > 1:
        workers = f", {jobs} worker processes" + (" (one per sequence to track)" if jobs < args.jobs else "")
    print(f"{root}: {plural(len(folders), 'sequence')}, {recipe.tracker} tracker{engine}{workers} -> {results}",
          file=sys.stderr)
    if left:
        print(f"note: left out {_left_out_text(left)}", file=sys.stderr)
    if jobs > 1:
        finished = track_in_workers(recipe, todo, jobs, progress_printer())
    else:
        finished = (track_one(tracker_for, folder, out) for folder, out in todo)
    try:
        for k, outcome in enumerate(finished, start=len(outcomes) + 1):
            outcomes.append(outcome)
            if outcome.status == "written":
                records.written(outcome.name)
            print(f"[{k}/{len(folders)}] {outcome_line(outcome)}", file=sys.stderr)
    except KeyboardInterrupt:
        present = sum((results / f"{f.name}.txt").exists() for f in folders)
        print(f"stopped: {present} of {len(folders)} results are in {results}; the same command continues "
              f"with the rest", file=sys.stderr)
        raise
    print(summary(outcomes, results), file=sys.stderr)
    return 1 if any(o.status == "skipped" for o in outcomes) else 0


#: beside the results: the settings each result was tracked with, so that a continued run never
#: keeps results of another tracker or other switches (``eval`` reads ``*.txt`` only)
RUN_RECORDS = ".track-dataset.json"


def run_settings(recipe: TrackerRecipe) -> dict:
    """What decides a result's boxes: the tracker, its weights and the loop's switches (not the
    engine, device or threads), as :func:`effective_settings` words them."""
    weights = str(Path(recipe.weights).resolve()) if recipe.weights else None
    return effective_settings({"tracker": recipe.tracker, "weights": weights, "random_weights": recipe.random_weights,
                               "streams": recipe.streams, "hold_when_lost": recipe.hold_when_lost,
                               "pair_correlation": recipe.pair_correlation, "pair_shape": recipe.pair_shape,
                               "pixel_match": recipe.pixel_match})


#: a switch's recorded value -> the word of its option (``--pixel-match on``); None: not given
_SWITCH_WORDS = {"pair_correlation": ("on", "off"), "pair_shape": ("drawn", "free"), "pixel_match": ("on", "off"),
                 "hold_when_lost": ("on", "off")}


def effective_settings(settings: dict) -> dict:
    """``settings`` (a :func:`run_settings` record, also one written before this function, whose
    switches were True / False / None) with what the student's and the teacher's run did in
    place of what was not given: the bundled checkpoint's path for no ``--weights``, each
    switch's default, and the switches in their options' words (``on`` / ``off``, ``drawn`` /
    ``free``). Stating a default (``--pixel-match on``, ``--weights
    assets/models/student_bundled.pt``) was refused as 'other settings' ('pixel_match None (now
    True)'), though the boxes are the same. An OpenCV tracker's record is left as it is (the
    switches do not apply to it)."""
    from core.assets import models_dir
    from core.trackers import is_peer
    from core.tracking.tracker_config import PAIR_CORRELATION, PIXEL_MATCH

    tracker = settings.get("tracker")
    if not isinstance(tracker, str) or is_peer(tracker):
        return dict(settings)
    defaults = {"pair_correlation": PAIR_CORRELATION > 0, "pair_shape": True, "pixel_match": PIXEL_MATCH > 0,
                "hold_when_lost": False}
    out = dict(settings)
    if out.get("weights") is None and not out.get("random_weights"):
        out["weights"] = str((models_dir() / f"{tracker}_bundled.pt").resolve())
    for key, (yes, no) in _SWITCH_WORDS.items():
        value = out.get(key)
        if value is None:
            value = defaults[key]
        if isinstance(value, bool):
            value = yes if value else no
        out[key] = value
    return out


class RunRecords:
    """The settings of every result in a results folder (``RUN_RECORDS``, JSON
    ``{"sequences": {name: settings}}``), written atomically after each result."""

    def __init__(self, results: Path, settings: dict):
        self.path = Path(results) / RUN_RECORDS
        self.settings = settings
        self.sequences: dict[str, dict] = {}
        if self.path.is_file():
            import json

            from core.errors import OutputError

            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.sequences = dict(data["sequences"])
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise OutputError(self.path, f"cannot read the record of the earlier runs ({error}); remove it, or "
                                             "give --force to track every sequence again") from None

    def check_kept(self, names: list[str]) -> None:
        """OutputError before any work when a result this run would keep was tracked with other
        settings (a result without a record, from before records were kept, is kept)."""
        from core.errors import OutputError

        other = [n for n in names if n in self.sequences and self._earlier(n) != self.settings]
        if not other:
            return
        earlier = self._earlier(other[0])
        keys = [key for key, value in self.settings.items() if earlier.get(key) != value]
        if "tracker" in keys:  # the other tracker's weights and switches follow from it
            keys = ["tracker"]
        changed = ", ".join(f"{key} {earlier.get(key)!r} (now {self.settings[key]!r})" for key in keys)
        shown = ", ".join(other[:5]) + (" ..." if len(other) > 5 else "")
        raise OutputError(self.path.parent, f"holds {plural(len(other), 'result')} tracked with other settings "
                                            f"({shown}: {changed}); choose another --results, or give --force to "
                                            f"track {'it' if len(other) == 1 else 'them'} again")

    def _earlier(self, name: str) -> dict:
        """The recorded settings of ``name``'s result, as :func:`effective_settings` words them."""
        record = self.sequences[name]
        return effective_settings(record) if isinstance(record, dict) else record

    def written(self, name: str) -> None:
        import json

        from core.fileio import write_text_atomic

        self.sequences[name] = self.settings
        write_text_atomic(self.path, json.dumps({"sequences": self.sequences}, indent=1, sort_keys=True))


def _datasets_below(root: Path) -> list[Path]:
    """The folders directly in ``root`` that hold sequence folders with ground truth (``root``
    given one level above the dataset)."""
    try:
        children = sorted(c for c in root.iterdir() if c.is_dir() and not c.name.startswith("."))
    except OSError:
        return []
    return [child for child in children if sequence_folders(child, None)]


def progress_printer(every_s: float | None = None):
    """``on_progress`` for :func:`track_in_workers`: the sequences the worker processes are on
    and how far (``tracking: A 1200/5000, B 300/800``), one line on stderr at most every
    ``every_s`` seconds (default: ``core.progress.PLAIN_INTERVAL_S``), so that a run of long
    sequences is never silent between their result lines."""
    import time

    from core.progress import PLAIN_INTERVAL_S

    every_s = PLAIN_INTERVAL_S if every_s is None else every_s
    last = [time.monotonic()]

    def show(running: dict[str, tuple[int, int | None]]) -> None:
        now = time.monotonic()
        if now - last[0] < every_s:
            return
        last[0] = now
        parts = [f"{name} {done}/{total if total is not None else '?'}" for name, (done, total) in sorted(running.items())]
        print(f"tracking: {', '.join(parts)}", file=sys.stderr, flush=True)

    return show


def outcome_line(outcome: Outcome) -> str:
    """``NAME: N boxes (F frames/s incl. decoding)`` (``; note: ...`` when the outcome has one),
    ``skipped NAME: problem`` or ``stopped NAME ...``."""
    if outcome.status == "skipped":
        return f"skipped {outcome.name}: {outcome.problem}"
    if outcome.status == "stopped":
        return f"stopped {outcome.name} before its end (nothing written)"
    if outcome.frames == 1:  # a one-frame sequence: its ground-truth box, nothing tracked
        line = f"{outcome.name}: 1 box (its one frame holds the ground-truth box; nothing to track)"
    else:
        fps = (outcome.frames - 1) / outcome.seconds if outcome.seconds > 0 else float("nan")
        line = f"{outcome.name}: {outcome.frames} boxes ({fps:.1f} frames/s incl. decoding)"
    return f"{line}; note: {outcome.note}" if outcome.note else line


def summary(outcomes: list[Outcome], results: Path) -> str:
    """One line: how many results were written, kept and skipped."""
    count = {s: sum(o.status == s for o in outcomes) for s in ("written", "kept", "skipped")}
    line = f"wrote {plural(count['written'], 'result')} to {results}"
    if count["kept"]:
        line += f"; kept {count['kept']} that existed (--force tracks them again)"
    if count["skipped"]:
        line += f"; skipped {count['skipped']} (above)"
    return line
