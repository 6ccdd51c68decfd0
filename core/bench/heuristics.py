"""``python main.py bench heuristics``: MPLT's two test-loop heuristics, measured.

MPLT's released test loop adds a **template update** (templates re-cut when the windowed
peak score exceeds 0.91) and a **Kalman fallback** (constant-velocity prediction of the
top-left corner when the confidence is below 0.25, over a 16-frame history); both are
switchable in :class:`core.tracking.tracker.TrackerConfig` and off by default
(``tracker.md`` section 1). This benchmark runs one checkpoint under the four
combinations (:data:`CONFIGS`: plain, template update, Kalman fallback, both) side by
side on the same frames and scores them with ``bench accuracy``'s machinery:

- sequences: the fixed synthetic evaluation split per challenge family and the real
  sequences with ground truth under ``--data-root`` (:mod:`core.bench.eval_sets`);
- tracking and scoring: :func:`core.bench.accuracy_run.run_bench` / ``score`` (protocol
  ``lasher``: PR at 20 px, SR = mean success over IoU thresholds 0:0.05:1);
- one network and engine serve the four trackers (a ``Tracker`` holds no per-sequence
  state), so the configurations differ only in the test loop.

Besides PR/SR/FPS every scored row carries ``config`` (a :data:`CONFIGS` key),
``tracked`` (frames tracked after the init frame), ``fallbacks`` (frames whose box came
from the Kalman prediction), ``low_confidence`` (frames with confidence < the fallback
threshold, whether or not the fallback is on), ``template_updates``, and the Hann-windowed
peak score that the template update compares with its threshold: ``windowed_peak_max``
and ``windowed_peak_p90`` over the row's tracked frames (when it never reaches the
threshold the template update is a no-op for that checkpoint). ``--template-threshold``
and ``--kalman-threshold`` replace MPLT's 0.91 and 0.25 in the configs that use them.
``--json PATH`` writes those rows (the ``score`` rows plus these fields).
"""
from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.bench.accuracy_run import BenchRuns, run_bench, score
from core.bench.contenders import Contender
from core.bench.eval_sets import SYNTHETIC, EvalItem, real_items, synthetic_items
from core.commands.arguments import add_engine_options, finite_float, positive_int, shipped_file
from core.errors import ConfigError
from core.fileio import write_text_atomic
from core.progress import Job, run_with_bar
from core.real_split import DEFAULT_DATA_FOLDER
from core.tracking.tracker import Tracker, TrackerConfig
from core.wording import plural

#: key -> (table label, TrackerConfig); the thresholds are TrackerConfig's (MPLT's) defaults.
#: MPLT's heuristics are measured on the plain OSTrack loop (``TrackerConfig.legacy()``), as
#: MPLT runs them; ``bench safeguards`` measures them on top of the safeguarded defaults.
CONFIGS: dict[str, tuple[str, TrackerConfig]] = {
    "plain": ("plain", TrackerConfig.legacy()),
    "template": ("template update", TrackerConfig.legacy(template_update=True)),
    "kalman": ("Kalman fallback", TrackerConfig.legacy(kalman_fallback=True)),
    "both": ("both", TrackerConfig.legacy(template_update=True, kalman_fallback=True)),
}


@dataclass
class LoopCounts:
    """Per-sequence counts of one configuration's test-loop events."""

    tracked: int = 0
    fallbacks: int = 0
    low_confidence: int = 0
    template_updates: int = 0
    windowed_peaks: list[float] = field(default_factory=list)

    def add(self, other: LoopCounts) -> None:
        for name in ("tracked", "fallbacks", "low_confidence", "template_updates", "windowed_peaks"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def peak_stats(self) -> dict:
        """``windowed_peak_max`` and ``windowed_peak_p90`` (None without tracked frames)."""
        import numpy as np

        if not self.windowed_peaks:
            return {"windowed_peak_max": None, "windowed_peak_p90": None}
        peaks = np.asarray(self.windowed_peaks)
        return {"windowed_peak_max": round(float(peaks.max()), 4),
                "windowed_peak_p90": round(float(np.percentile(peaks, 90)), 4)}


@dataclass
class _Current:
    """Which sequence is open (set by the wrapped items' openers)."""

    key: tuple[str, str] | None = None


@dataclass(eq=False)
class CountingTracker:
    """Delegates to ``tracker`` and counts, per open sequence, what the loop did:
    ``counts[(dataset, sequence)]``."""

    tracker: Tracker
    current: _Current
    counts: dict[tuple[str, str], LoopCounts] = field(default_factory=dict)

    @property
    def engine(self):
        return self.tracker.engine

    def init(self, pair, box):
        self.counts[self.current.key] = LoopCounts()
        return self.tracker.init(pair, box)

    def track(self, pair, state):
        step = self.tracker.track(pair, state)
        c = self.counts[self.current.key]
        c.tracked += 1
        c.fallbacks += int(step.fallback)
        c.low_confidence += int(step.confidence < self.tracker.config.kalman_score_threshold)
        c.template_updates += int(step.template_updated)
        window = self.tracker.window
        c.windowed_peaks.append(float((step.score_map * window).max() if window is not None else step.score_map.max()))
        return step


def heuristic_contenders(base: Tracker, configs: Sequence[str] = tuple(CONFIGS), *,
                         template_threshold: float | None = None,
                         kalman_threshold: float | None = None) -> tuple[list[Contender], _Current]:
    """One contender per ``configs`` key, all sharing ``base``'s engine and model config;
    ``template_threshold`` / ``kalman_threshold`` (None = MPLT's 0.91 / 0.25) replace the
    thresholds of every config (they only act where the heuristic is on).

    Returns (contenders, current): ``current`` must name the open sequence (see
    :func:`track_items`) so that the counting trackers file their counts under it.
    """
    unknown = [k for k in configs if k not in CONFIGS]
    if unknown or not configs:
        raise ConfigError(f"unknown heuristic config(s) {unknown}; choose from {list(CONFIGS)}")
    current = _Current()
    out = []
    for key in configs:
        label, config = CONFIGS[key]
        if template_threshold is not None:
            config = dataclasses.replace(config, template_update_threshold=float(template_threshold))
        if kalman_threshold is not None:
            config = dataclasses.replace(config, kalman_score_threshold=float(kalman_threshold))
        tracker = Tracker(base.engine, base.model_config, config, weights_path=base.weights_path)
        out.append(Contender(key, label, base.weights_path or "-", CountingTracker(tracker, current),
                             fingerprint=f"{label}|{base.weights_path}"))
    return out, current


def track_items(contenders: Sequence[Contender], current: _Current, items: Sequence[EvalItem],
                threads: int | None = None) -> Job[BenchRuns]:
    """:func:`core.bench.accuracy_run.run_bench` over ``items`` with ``current`` set to
    ``(dataset, name)`` whenever an item is opened."""
    def wrap(item: EvalItem) -> EvalItem:
        def opener():
            current.key = (item.dataset, item.name)
            return item.open()
        return EvalItem(item.dataset, item.name, item.group, item.num_frames, opener, item.note)

    return (yield from run_bench(contenders, [wrap(i) for i in items], threads=threads))


def heuristic_rows(bench: BenchRuns) -> list[dict]:
    """``score(bench)`` rows with ``config`` and the loop counts summed over each row's
    sequences (``sequence``, ``family``, ``overall`` rows)."""
    rows, _reports = score(bench)
    by_label = {c.label: c for c in bench.contenders}
    groups: dict[tuple[str, str], list[str]] = {}
    for item in bench.items:
        groups.setdefault((item.dataset, item.group), []).append(item.name)
    for row in rows:
        contender = by_label.get(row["tracker"])
        if contender is None or row["kind"] == "missing":
            continue
        row["config"] = contender.key
        dataset, sequence = row["dataset"], row["sequence"]
        if row["kind"] == "sequence":
            names = [sequence]
        elif row["kind"] == "family":
            names = groups[(dataset, sequence[len("family:"):])]
        else:
            names = [i.name for i in bench.items if i.dataset == dataset]
        total = LoopCounts()
        for name in names:
            total.add(contender.tracker.counts.get((dataset, name), LoopCounts()))
        row.update(tracked=total.tracked, fallbacks=total.fallbacks, low_confidence=total.low_confidence,
                   template_updates=total.template_updates, **total.peak_stats(),
                   template_update_threshold=contender.tracker.tracker.config.template_update_threshold,
                   kalman_score_threshold=contender.tracker.tracker.config.kalman_score_threshold)
    return rows


def _num(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else f"{'-':>6}"


def format_heuristics_table(rows: list[dict], notes: Sequence[str] = ()) -> str:
    """One line per synthetic family, synthetic overall and real sequence; for each
    config its PR and SR; then the loop's event rates per config."""
    configs = list(dict.fromkeys(r["config"] for r in rows if "config" in r))
    labels = {r["config"]: r["tracker"] for r in rows if "config" in r}
    index = {(r["config"], r["dataset"], r["sequence"]): r for r in rows if "config" in r}
    lines_keys = [(d, s) for d, s in dict.fromkeys((r["dataset"], r["sequence"]) for r in rows if "config" in r)]
    synthetic = sorted([k for k in lines_keys if k[0] == SYNTHETIC and k[1].startswith("family:")],
                       key=lines_keys.index) + [k for k in lines_keys if k == (SYNTHETIC, "overall")]
    real = [k for k in lines_keys if k[0] != SYNTHETIC and index[(configs[0],) + k]["kind"] == "sequence"]
    width = 28
    label_width = 15
    head1 = f"{'':<{width}}" + "".join(f" | {labels[c][:label_width]:<{label_width}}" for c in configs)
    head2 = f"{'sequences':<{width}}" + "".join(f" | {'PR':>7} {'SR':>7}" for _ in configs)
    out = ["bench heuristics: protocol lasher (PR at 20 px; SR = mean success over IoU thresholds 0:0.05:1)",
           *notes, head1, head2, "-" * len(head2)]

    def name(key):
        dataset, sequence = key
        if dataset == SYNTHETIC:
            return f"synthetic {sequence.replace('family:', '')}"
        return f"{dataset}/{sequence}"

    for key in synthetic + real:
        line = f"{name(key)[:width]:<{width}}"
        for c in configs:
            r = index.get((c,) + key, {})
            pr, sr = r.get("pr"), r.get("sr")
            line += " | " + (f"{pr:7.3f} {sr:7.3f}" if pr is not None else f"{'-':>7} {'-':>7}")
        out.append(line)
    out.append("-" * len(head2))
    first = index[(configs[0], SYNTHETIC, "overall")] if (configs[0], SYNTHETIC, "overall") in index else rows[0]
    events = (("fallback frames", "fallbacks"), ("template updates", "template_updates"),
              (f"confidence < {first.get('kalman_score_threshold', 0.25):g}", "low_confidence"))
    for key in [k for k in ((SYNTHETIC, "overall"),) + tuple(real) if (configs[0],) + k in index]:
        where = "synthetic" if key[0] == SYNTHETIC else name(key)
        out.append(f"{where}: share of tracked frames, FPS")
        for what, field_name in events:
            line = f"{'  ' + what:<{width}}"
            for c in configs:
                r = index[(c,) + key]
                line += f" | {_pct(r[field_name], r['tracked']):>15}"
            out.append(line)
        for what, field_name in (("max windowed peak", "windowed_peak_max"),
                                 ("p90 windowed peak", "windowed_peak_p90")):
            out.append(f"{'  ' + what:<{width}}" + "".join(
                f" | {_num(index[(c,) + key][field_name]):>15}"
                for c in configs))
        out.append(f"{'  FPS (track() only)':<{width}}"
                   + "".join(f" | {index[(c,) + key]['fps'] or 0:15.1f}" for c in configs))
    return "\n".join(out)


def register(subparsers) -> None:
    parser = subparsers.add_parser("heuristics",
                                   help="MPLT's template update and Kalman fallback: plain vs each vs both, PR/SR",
                                   description="MPLT's two test-loop heuristics, measured: one checkpoint tracks the "
                                   "same frames four ways (plain, template update, Kalman fallback, both) and each "
                                   "is scored like bench accuracy (PR at 20 px, SR), with counts of fallback frames, "
                                   "low-confidence frames and template updates. Template update: the templates are "
                                   "re-cut when the windowed peak score exceeds 0.91. Kalman fallback: a "
                                   "constant-velocity prediction of the box while the confidence is below 0.25.")
    parser.add_argument("--model", choices=("student", "teacher"), default="student",
                        help="which network tracks (default student)")
    parser.add_argument("--weights", type=shipped_file, default=None,
                        help="checkpoint .pt (default assets/models/<model>_bundled.pt, or random weights with "
                             "--random-weights)")
    parser.add_argument("--random-weights", action="store_true",
                        help="run with random weights instead of the bundled checkpoint (tests and demos only)")
    parser.add_argument("--per-family", type=int, default=3, help="synthetic sequences per challenge family (3)")
    parser.add_argument("--families", default=None, help="comma-separated challenge families (default: all)")
    parser.add_argument("--frames", type=int, default=None,
                        help="frames per sequence (synthetic: 150 by default; real: all by default)")
    parser.add_argument("--split", choices=("all", "synthetic", "real"), default="all",
                        help="the fixed synthetic evaluation split, the real sequences under --data-root, or both "
                             "(all, the default)")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_FOLDER,
                        help="real sequences as <dataset>/<sequence>/ (default ../shared/data)")
    add_engine_options(parser, engine="torch", device="cpu")
    parser.add_argument("--threads", type=positive_int, default=1, help="CPU threads (1)")
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"comma-separated subset of {','.join(CONFIGS)} (default: all four)")
    parser.add_argument("--template-threshold", type=finite_float, default=None,
                        help="windowed peak above which the template is re-cut (default MPLT's 0.91)")
    parser.add_argument("--kalman-threshold", type=finite_float, default=None,
                        help="confidence below which the Kalman fallback acts (default MPLT's 0.25)")
    parser.add_argument("--json", type=Path, default=None, help="write the rows as JSON")
    parser.set_defaults(func=run)


def run_heuristics(args) -> tuple[list[dict], list[str]]:
    """The whole benchmark for parsed ``args``: (rows, notes)."""
    import warnings

    import torch

    from core.bench.weights import bench_tracker, checkpoint_or_random
    from core.tracking.factory import RandomWeightsWarning

    if args.frames is not None and args.frames < 2:
        raise ConfigError("--frames must be >= 2 (frame 1 initialises the trackers)")
    if args.per_family < 1 or (args.threads is not None and args.threads < 1):
        raise ConfigError("--per-family and --threads must be >= 1")
    torch.set_num_threads(args.threads)
    weights = checkpoint_or_random(args.weights, "--weights", args.random_weights)  # a typo is never random weights
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RandomWeightsWarning)
        base = bench_tracker(args.model, weights, args.random_weights, engine=args.engine, device=args.device,
                             threads=args.threads)
    random = any(issubclass(w.category, RandomWeightsWarning) for w in caught)
    families = [f.strip() for f in args.families.split(",") if f.strip()] if args.families else None
    items, notes = [], []
    if args.split in ("all", "synthetic"):
        items += synthetic_items(args.frames or 150, args.per_family, families)
    if args.split in ("all", "real"):
        real, real_notes = real_items(args.data_root, args.frames)
        items += real
        notes += real_notes + sorted({f"{i.dataset}/{i.name}: {i.note}" for i in real if i.note})
    if not items:
        raise ConfigError("nothing to evaluate: " + "; ".join(notes or ["no sequence"]))
    keys = [k.strip() for k in args.configs.split(",") if k.strip()]
    contenders, current = heuristic_contenders(base, keys, template_threshold=args.template_threshold,
                                               kalman_threshold=args.kalman_threshold)
    bench = run_with_bar(track_items(contenders, current, items, args.threads), "bench heuristics")
    rows = heuristic_rows(bench)
    for row in rows:
        row["model"] = args.model
    synthetic = [i for i in items if i.dataset == SYNTHETIC]
    used = contenders[-1].tracker.tracker.config
    notes.insert(0, f"template update when the Hann-windowed peak > {used.template_update_threshold:g}; "
                    f"Kalman fallback when confidence < {used.kalman_score_threshold:g} "
                    f"(history {used.kalman_history} frames)")
    weights = "RANDOM weights (meaningless)" if random else base.weights_path
    notes.insert(0, f"{args.model} weights {weights}; engine {base.engine.name} on {base.engine.device}, "
                    f"{plural(args.threads, 'thread')}")
    if synthetic:
        notes.insert(1, f"synthetic split: {plural(len(synthetic), 'sequence')} "
                        f"({plural(len({i.group for i in synthetic}), 'family', 'families')} x {args.per_family}), "
                        f"{synthetic[0].num_frames} frames each")
    return rows, notes


def check_outputs(args) -> None:
    """OutputError before any work when ``--json`` would replace an input: the checkpoint,
    the bundled models, a dataset folder of the data root (:mod:`core.bench.outputs`)."""
    from core.bench.outputs import bundled_models, check_bench_outputs, weights_inputs

    inputs = weights_inputs(args.weights, "the checkpoint (--weights)") + bundled_models()
    check_bench_outputs(args, inputs, data_roots=[(args.data_root, "--data-root")])


def run(args) -> int:
    check_outputs(args)
    rows, notes = run_heuristics(args)
    print(format_heuristics_table(rows, notes))
    if args.json is not None:
        write_text_atomic(args.json, json.dumps(rows, indent=2) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
