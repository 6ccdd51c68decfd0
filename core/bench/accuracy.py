"""``python main.py bench accuracy``: teacher, KD student, no-KD ablation and peers, one table.

Contenders (:mod:`core.bench.contenders`): ``teacher_bundled.pt``, ``student_bundled.pt``
(distilled), ``student_nokd_bundled.pt`` (the ablation) from ``--weights-dir``, and the
OpenCV peers CSRT, KCF (each on the visible and on the thermal stream, reported as
separate rows) and NanoTrack v2 (when its ONNX files are in ``--models-dir``). Missing
weights or peers are rows saying why; ``--random-weights`` runs missing models with
random weights, labelled ``[RANDOM weights]``.

Sequences (:mod:`core.bench.eval_sets`): (a) the fixed synthetic evaluation split,
grouped by challenge family; (b) real sequences with ground truth under ``--data-root``
(``../shared/data``: VOT-TIR ``horse``, thermal only; our models get the thermal frame
as both streams, since ``core.sequences`` opens it with the visible stream = thermal
replicated to 3 channels; the peers' visible and thermal rows therefore see the same
image). Scoring and FPS: :mod:`core.bench.accuracy_run` (protocol ``lasher``).

``--json PATH`` writes a list of rows ``{"tracker", "dataset", "sequence", "pr", "sr",
"fps", "kind", "protocol", ...}``: ``kind`` ``sequence`` (per sequence, ``group`` = its
family), ``family`` (``sequence`` = ``"family:<name>"``), ``overall`` (``sequence`` =
``"overall"``) or ``missing`` (``dataset`` and ``sequence`` ``"-"``, scores null,
``reason``). ``--plots DIR`` saves ``DIR/<dataset>/lasher_{PR,NPR,SR}.png``.
``--cache DIR`` stores each contender's run per sequence and reuses it when the weights
(SHA-256), the sequence's ground truth and the thread count are unchanged
(:mod:`core.bench.result_cache`): after retraining the student only the students re-run.

``--real`` runs the real-footage benchmark instead (:mod:`core.bench.real_accuracy`: the
validation part of ``configs/real_split.json``, MIL and the training-free floor added,
runaway share, confidence AUC and the one-step diagnostic).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from core.assets import models_dir
from core.bench import real_accuracy
from core.bench.accuracy_run import BenchRuns, run_bench, score
from core.bench.accuracy_table import format_table, targets
from core.bench.contenders import (
    CONTENDER_KEYS,
    DEFAULT_KEYS,
    REAL_KEYS,
    build_contenders,
    check_tracker_keys,
)
from core.bench.eval_sets import real_items, synthetic_items
from core.bench.footage_options import FOOTAGE_OPTIONS
from core.bench.peers import MODALITIES
from core.bench.result_cache import ResultCache
from core.commands.arguments import (
    add_engine_options,
    add_loop_switches,
    loop_switches,
    positive_int,
)
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import run_with_bar
from core.real_split import DEFAULT_DATA_FOLDER
from core.tracking.tracker_config import DEFAULT_STREAMS, TRACKER_STREAMS
from core.wording import plural

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODELS_DIR = PROJECT_ROOT.parent / "shared" / "models"
SPLITS = ("all", "synthetic", "real")


def collect_items(split: str, frames: int | None, per_family: int, data_root: str | Path, families=None):
    """(items, notes) for ``split``: synthetic split with ``frames`` frames per sequence
    (150 when None) and ``per_family`` per family (all families, or ``families``); real
    sequences cut to ``frames``."""
    if split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}; choose one of {list(SPLITS)}")
    items, notes = [], []
    if split in ("all", "synthetic"):
        items += synthetic_items(frames or 150, per_family, families)
    if split in ("all", "real"):
        real, real_notes = real_items(data_root, frames)
        items += real
        notes += real_notes
        notes += sorted({f"{i.dataset}/{i.name}: {i.note}" for i in real if i.note})
    return items, notes


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "accuracy", help="teacher vs KD student vs no-KD student vs OpenCV peers: PR/SR/FPS",
        description="One table of PR, SR and FPS (LasHeR conventions) for the bundled teacher, KD student and "
                    "no-KD student and the OpenCV peers (CSRT and KCF on each stream, NanoTrack v2 when its files "
                    "are in --models-dir), on the fixed synthetic evaluation split (per challenge family) and the "
                    "real sequences under --data-root; --real uses the real split file instead. A missing model "
                    "or peer is a row saying why.")
    parser.add_argument("--json", type=Path, default=None, help="write the rows as JSON")
    parser.add_argument("--plots", type=Path, default=None, help="folder for precision/success plots")
    parser.add_argument("--split", choices=SPLITS, default="all",
                        help="synthetic split, real sequences (all folders of --data-root), or both (default "
                             "all); ignored with --real")
    parser.add_argument("--frames", type=int, default=None,
                        help="frames per sequence (synthetic split: 150 by default; real: all by default)")
    parser.add_argument("--per-family", type=int, default=3, help="synthetic sequences per challenge family (3)")
    parser.add_argument("--families", default=None,
                        help="comma-separated challenge families of the synthetic split (default: all)")
    parser.add_argument("--weights-dir", type=Path, default=models_dir(),
                        help="folder of teacher_bundled.pt, student_bundled.pt, student_nokd_bundled.pt "
                             "(default: assets/models)")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR,
                        help="folder with NanoTrack v2's ONNX files (default ../shared/models)")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_FOLDER,
                        help="folder of the real sequences: <dataset>/<sequence>/ folders, or the sequence "
                             "folders directly (default ../shared/data)")
    parser.add_argument("--trackers", default=None,
                        help=f"comma-separated subset of {','.join(CONTENDER_KEYS)} (default: "
                             f"{','.join(DEFAULT_KEYS)}; with --real: {','.join(REAL_KEYS)})")
    parser.add_argument("--streams", choices=TRACKER_STREAMS, default=DEFAULT_STREAMS,
                        help="what the student and the teacher are fed: auto (default: both streams, the thermal "
                             "stream alone while the visible one is measured blind), both, or one alone")
    add_loop_switches(parser)
    parser.add_argument("--peer-modality", choices=("both",) + MODALITIES, default="both",
                        help="stream the OpenCV peers see (default both, one row each)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="reuse/store per-sequence runs (keyed by weights SHA-256, sequence, threads)")
    parser.add_argument("--random-weights", action="store_true",
                        help="run models whose file is missing from --weights-dir (an existing folder) with random "
                             "weights (labelled)")
    add_engine_options(parser, subject="the teacher and the students")
    parser.add_argument("--threads", type=positive_int, default=2, help="CPU threads for PyTorch, ONNX Runtime, OpenCV (2)")
    real_accuracy.add_arguments(parser)
    parser.set_defaults(func=run)


def run_accuracy(args) -> tuple[list[dict], BenchRuns, dict, list[str]]:
    """The whole benchmark for parsed ``args``: (rows, raw runs, reports, notes)."""
    import cv2
    import torch

    if args.frames is not None and args.frames < 2:
        raise ConfigError("--frames must be >= 2 (frame 1 initialises the trackers)")
    if args.per_family < 1:
        raise ConfigError("--per-family must be >= 1")
    if args.threads is not None and args.threads < 1:
        raise ConfigError("--threads must be >= 1")
    keys = [k.strip() for k in (args.trackers or ",".join(DEFAULT_KEYS)).split(",") if k.strip()]
    if args.threads:
        torch.set_num_threads(args.threads)
        cv2.setNumThreads(args.threads)
    modalities = MODALITIES if args.peer_modality == "both" else (args.peer_modality,)
    contenders = build_contenders(keys, weights_dir=args.weights_dir, models_dir=args.models_dir,
                                  modalities=modalities, random_weights=args.random_weights, engine=args.engine,
                                  device=args.device, threads=args.threads, streams=args.streams,
                                  hold_when_lost=args.hold_when_lost, **loop_switches(args))
    families = [f.strip() for f in args.families.split(",") if f.strip()] if args.families else None
    items, notes = collect_items(args.split, args.frames, args.per_family, args.data_root, families)
    if not items:
        raise ConfigError("nothing to evaluate: " + "; ".join(notes or ["no sequence"]))
    cache = ResultCache(args.cache) if args.cache is not None else None
    bench = run_with_bar(run_bench(contenders, items, cache=cache, threads=args.threads), "bench accuracy")
    rows, reports = score(bench)
    synthetic = [i for i in items if i.dataset == "synthetic"]
    if synthetic:
        n_families = len({i.group for i in synthetic})
        notes.insert(0, f"synthetic split: {plural(len(synthetic), 'sequence')} ({plural(n_families, 'family', 'families')} "
                        f"x {args.per_family}), "
                        f"{synthetic[0].num_frames} frames each, seeds >= 1e9 (never used in training)")
    engines = {c.label: getattr(getattr(c.tracker, "engine", None), "name", None) for c in contenders if c.available}
    used = sorted({e for e in engines.values() if e})
    notes.append(f"{args.threads} CPU threads; model engine(s): {', '.join(used) or '-'}")
    reused = sum(run.cached for run in bench.runs.values())
    if reused:
        notes.append(f"{reused} of {len(bench.runs)} sequence runs read from the cache {args.cache} "
                     "(their FPS is the one measured when they ran)")
    return rows, bench, reports, notes


def check_outputs(args) -> None:
    """OutputError before any work when ``--json``, ``--plots`` or ``--cache`` would go over
    or into an input: the weights, NanoTrack's folder, the data root, with ``--real`` the
    split file (:mod:`core.bench.outputs`)."""
    from core.bench.contenders import MODEL_FILES
    from core.bench.outputs import bundled_models, check_bench_outputs, split_inputs, weights_inputs

    inputs = [(args.models_dir, "NanoTrack's folder (--models-dir)")]
    for _, filename, _ in MODEL_FILES.values():
        inputs += weights_inputs(Path(args.weights_dir) / filename, "a bundled checkpoint (--weights-dir)")
    inputs += bundled_models()
    if getattr(args, "real", False):
        inputs += split_inputs(args.split_file)
    check_bench_outputs(args, inputs, [("--plots", args.plots, ()), ("--cache", args.cache, ())],
                        data_roots=[(args.data_root, "--data-root")])


def run(args) -> int:
    if getattr(args, "real", False):  # a typo in --trackers is named before any folder is looked for
        check_tracker_keys(real_accuracy.tracker_keys(args))  # build_contenders checks them again, for other callers
    check_outputs(args)  # a --data-root given that is not a folder is one line (core.commands.arguments.refuse_missing_data_root)
    if getattr(args, "real", False):
        return real_accuracy.run_real(args)
    if getattr(args, "veil_visible", None) is not None:
        raise ConfigError("--veil-visible needs --real (the synthetic split has its own night family)")
    for dest, option in (("max_frames", "--max-frames"), ("starts", "--starts")):
        if getattr(args, dest, None) is not None:  # ignored, the synthetic benchmark ran in full for minutes
            raise ConfigError(f"{option} needs --real (without it, --frames sets the frames per sequence and --per-family the sequences)")
    for dest, option in FOOTAGE_OPTIONS:
        if getattr(args, dest, None) is not None:
            raise ConfigError(f"{option} needs --real")
    rows, bench, reports, notes = run_accuracy(args)
    print(format_table(rows, notes, [c.label for c in bench.contenders]))
    print("targets (the student near the teacher, KD over no KD, ahead of the OpenCV peers):")
    for line in targets(rows):
        print(f"  {line}")
    if args.plots is not None:
        from core.metrics import save_plots_by_group

        for path in save_plots_by_group(reports, args.plots):
            print(f"wrote {path}", file=sys.stderr)
    if args.json is not None:
        write_text_atomic(args.json, json.dumps(rows, indent=2) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
