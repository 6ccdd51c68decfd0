"""``python main.py bench size-response``: does the network measure the target's size, or read it off the crop?

The test loop cuts each search crop at 4x the box it believes in, so the crop's scale is
the loop's own guess of the size. A network that measures the target answers with the
target's size whatever crop it is shown. A network that learned the training crops' prior
("the target is a quarter of the crop") answers with a quarter of the crop, and the loop
only follows real size changes as slowly as the network's bias drifts.

Per probed frame (every ``every``-th frame of each validation sequence with valid ground
truth, first ``max_frames`` frames) the true box is scaled by ``s``, ``1`` and ``1/s``
about its centre and each scaled box's search crop goes through the network in one batch
(:meth:`core.tracking.tracker.Tracker.network_sizes`: the size at the windowed peak, no
calibration, no damping). Per side and per scaled crop:

- **kept share** = ``(log size(s) - log size(1)) / log(s)``: the share of a crop-scale
  error of ``s`` that the network passes on to its answer. 0 = it measures the target, 1 =
  it reads the crop. The loop removes ``1 - kept`` of a size error per frame at most.
- **size error** = ``|log(size(1) / true size)|``: how far off the network is when the
  crop has the right scale.

Reported: the median of each per sequence, and over all samples pooled.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.assets import models_dir
from core.bench.contenders import MODEL_FILES
from core.bench.eval_sets import ground_truth_rows
from core.bench.real_items import DEFAULT_MAX_FRAMES, real_items
from core.bench.real_metrics import valid_rows
from core.commands.arguments import add_engine_options, finite_float, positive_int, shipped_file
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import Job, Progress, run_with_bar
from core.real_split import DEFAULT_DATA_FOLDER, DEFAULT_SPLIT_FILE, load_split

DEFAULT_SCALE = 0.7
DEFAULT_EVERY = 10


@dataclass(frozen=True)
class SizeResponse:
    """One sequence (or ``name`` "all" for every sample pooled): ``samples`` probed frames,
    ``kept_share`` and ``size_error`` medians (see the module docstring)."""

    name: str
    modality: str
    samples: int
    kept_share: float
    size_error: float


def _scaled_boxes(box: np.ndarray, scales) -> np.ndarray:
    """(len(scales), 4) x, y, w, h: ``box`` with its sides times each scale, same centre."""
    centre = box[:2] + box[2:] / 2.0
    return np.array([[*(centre - box[2:] * s / 2.0), *(box[2:] * s)] for s in scales], dtype=np.float64)


def probe_frame(tracker, pair, box: np.ndarray, z_v, z_t, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(kept (4,), error (2,)) for one frame: kept shares per side for the crops scaled by
    ``scale`` and ``1 / scale``, and the log size errors at scale 1."""
    scales = (scale, 1.0, 1.0 / scale)
    sizes = np.log(np.maximum(tracker.network_sizes(pair, _scaled_boxes(box, scales), z_v, z_t), 1e-6))
    kept = np.concatenate([(sizes[0] - sizes[1]) / math.log(scales[0]), (sizes[2] - sizes[1]) / math.log(scales[2])])
    return kept, np.abs(sizes[1] - np.log(box[2:]))


def measure_size_response(tracker, items, *, scale: float = DEFAULT_SCALE, every: int = DEFAULT_EVERY
                          ) -> Job[list[SizeResponse]]:
    """Job over ``items`` (:class:`core.bench.real_items.RealItem`); returns one
    :class:`SizeResponse` per item, then the pooled one ("all")."""
    if not 0.0 < scale < 1.0:
        raise ConfigError(f"scale must lie in (0, 1), got {scale}")
    if every < 1:
        raise ConfigError(f"every must be >= 1, got {every}")
    results, all_kept, all_error = [], [], []
    for done, item in enumerate(items, start=1):
        sequence = item.open()
        try:
            end = min(len(sequence), item.first_frame + item.num_frames)
            truth = ground_truth_rows(sequence.ground_truth(), end)
            valid = valid_rows(truth)
            kept, error = [], []
            first = item.first_frame + int(np.argmax(valid[item.first_frame:])) if valid[item.first_frame:].any() else end
            if first < end:
                z_v, z_t = tracker.template_crops(sequence[first], truth[first])
            for index in range(first + every, end, every):
                if valid[index]:
                    k, e = probe_frame(tracker, sequence[index], truth[index], z_v, z_t, scale)
                    kept.append(k)
                    error.append(e)
        finally:
            sequence.close()
        if kept:
            results.append(SizeResponse(item.name, item.modality, len(kept), float(np.median(kept)),
                                        float(np.median(error))))
            all_kept += kept
            all_error += error
        yield Progress(done, len(items), item.name)
    pooled = SizeResponse("all", "-", len(all_kept), float(np.median(all_kept)) if all_kept else math.nan,
                          float(np.median(all_error)) if all_error else math.nan)
    return results + [pooled]


def format_table(results: list[SizeResponse], title: str) -> str:
    lines = [title, f"{'sequence':26s} {'modality':8s} {'frames':>6s} {'kept share':>10s} {'size error':>10s}"]
    for r in results:
        lines.append(f"{r.name:26s} {r.modality:8s} {r.samples:6d} {r.kept_share:10.2f} {r.size_error:10.3f}")
    lines.append("kept share: part of a crop-scale error the network passes on (0 = measures the target, "
                 "1 = reads the crop); size error: median |log(network / true)| per side at the right scale")
    return "\n".join(lines)


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input: the checkpoint,
    the bundled models, the split file, a dataset folder of the data root (:mod:`core.bench.outputs`)."""
    from core.bench.outputs import bundled_models, check_bench_outputs, split_inputs, weights_inputs

    inputs = weights_inputs(args.weights, "the checkpoint (--weights)") + bundled_models()
    inputs += split_inputs(args.split_file)
    check_bench_outputs(args, inputs, data_roots=[(args.data_root, "--data-root")])


def run(args) -> int:
    from core.bench.weights import checkpoint_or_random
    from core.tracking.factory import describe, load_tracker

    if not 0.0 < args.scale < 1.0:  # it said 'scale must lie in (0, 1)' after loading the footage
        raise ConfigError(f"--scale must lie strictly between 0 and 1 (the smaller crop's share of the true box; "
                          f"1/--scale is the larger), got {args.scale:g}")
    checkpoint_or_random(args.weights, "--weights", False, random_option=False)  # a typo: one line, before the footage
    check_outputs(args)
    model, filename, _ = MODEL_FILES[args.model]
    weights = args.weights if args.weights is not None else models_dir() / filename
    tracker = load_tracker(model, weights, engine=args.engine, threads=args.threads)
    items, notes = real_items(load_split(args.split_file), args.split_part, args.data_root,
                              max_frames=args.max_frames or None)
    for note in notes:
        print(note)
    if not items:
        raise ConfigError(f"no sequence of the {args.split_part} part of {args.split_file} was found under {args.data_root}")
    results = run_with_bar(measure_size_response(tracker, items, scale=args.scale, every=args.every),
                           "bench size-response")
    print(format_table(results, f"{args.model} ({describe(tracker)}), {args.split_part} part, crops at "
                                f"{args.scale:g}x and {1 / args.scale:.3g}x the true box, every {args.every} frames"))
    if args.json:
        write_text_atomic(args.json, json.dumps({"model": args.model, "weights": str(tracker.weights_path),
                                                 "scale": args.scale, "every": args.every,
                                                 "rows": [asdict(r) for r in results]}, indent=2))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "size-response", help="does the network measure the target's size or read the crop's?",
        description="Does the network measure the target's size, or read it off the crop? On probed frames of the "
                    "real split's sequences, the true box is scaled by --scale, 1 and 1/--scale about its centre "
                    "and each box's search crop goes through the network. Reported per sequence and pooled "
                    "(medians): the kept share, the part of a crop-scale error that the network passes on to its "
                    "size (0 = it measures the target, 1 = it reads the crop), and the size error with a crop "
                    "of the right scale (|log(predicted / true size)|).")
    parser.add_argument("--model", default="student", choices=tuple(MODEL_FILES),
                        help="teacher, student (the KD student) or student-nokd (the no-KD ablation); "
                             "default student")
    parser.add_argument("--weights", type=shipped_file, default=None,
                        help="checkpoint .pt or .onnx file of that model (default: the bundled one)")
    add_engine_options(parser, device=None)
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads of the engine (default: the engine's own choice)")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_FOLDER,
                        help="folder the split's sequence paths are relative to (default ../shared/data)")
    parser.add_argument("--split-file", default=str(DEFAULT_SPLIT_FILE),
                        help="the real split file (default configs/real_split.json)")
    parser.add_argument("--split-part", default="validation", choices=("validation", "train"),
                        help="part of the split to probe (default validation)")
    parser.add_argument("--max-frames", type=int, default=DEFAULT_MAX_FRAMES,
                        help=f"first N frames of each sequence (default {DEFAULT_MAX_FRAMES}; 0 = all)")
    parser.add_argument("--every", type=positive_int, default=DEFAULT_EVERY,
                        help=f"probe every K-th frame; frames without a valid true box are skipped (default {DEFAULT_EVERY})")
    parser.add_argument("--scale", type=finite_float, default=DEFAULT_SCALE,
                        help=f"crops at this (between 0 and 1) and its inverse times the true box (default {DEFAULT_SCALE:g})")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.set_defaults(func=run)
