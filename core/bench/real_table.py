"""The plain-text report of ``bench accuracy --real`` from the rows of
:func:`core.bench.real_run.score_real`.

Block 1, per modality (visible, thermal, rgbt, then all): one line per tracker with the
mean SR / PR / NPR over sequences, FPS, the runaway share (mean over sequences and the
worst sequence), the confidence AUC, the box jitter and the one-step medians, and the stream it saw.
Block 2, the studio's review flags (confidence below its default threshold,
``core.tracking.tracker_config.review_threshold``: 0.4 on a pair and on one stream): per
tracker and modality the share of frames flagged, and the precision, recall and F1 of the flags
against the frames below IoU 0.5.
Block 3, the paired SR differences against the first tracker (``core.bench.paired``): per
tracker and modality the mean of its SR minus the first tracker's over the runs both tracked, and
a 95 % interval from resampling the sequences.
Block 4, one line per sequence (its runs from several first frames, ``name@frame``, taken
together): the mean SR of its runs and the worst run's runaway share, one column per
tracker. Missing trackers get a line with the reason.
"""
from __future__ import annotations

from collections.abc import Sequence

from core.bench.paired import PairedDifference, sequence_of
from core.tracking.tracker_config import review_threshold
from core.wording import plural

MODALITY_ORDER = ("visible", "thermal", "rgbt", "all")

LEGEND = ("SR/PR/NPR: LasHeR toolkit (SR = mean success over IoU 0:0.05:1, PR at 20 px, NPR at 0.2), mean over "
          "sequences; FPS: tracked frames / seconds in track(); runaway: share of frames with box area > 4x the "
          "ground truth's (mean over sequences / worst sequence); AUC: ROC AUC of the per-frame confidence for "
          "IoU >= 0.5 (pooled frames; - when one class is empty); jitter: mean frame-to-frame change of the centre "
          "error while on target (IoU >= 0.5), in target sides (sqrt(w h)); one step: restarted from GT[t-1], asked for "
          "frame t: median centre error (px, / GT diagonal), median predicted/true width and height")


def _f(value, width: int = 6, digits: int = 3) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def _pct(value, width: int = 5) -> str:
    return f"{'-':>{width}}" if value is None else f"{100 * value:>{width - 1}.0f}%"


def format_real_table(rows: list[dict], header_notes=(), order=(), paired: Sequence[PairedDifference] = ()) -> str:
    """The report (see the module docstring); trackers in ``order`` first; ``paired``: the SR
    differences against one tracker (``core.bench.paired``), a block of their own."""
    trackers = list(dict.fromkeys([t for t in order if any(r["tracker"] == t for r in rows)]
                                  + [r["tracker"] for r in rows]))
    width = max([len(t) for t in trackers] + [20])
    means = {(r["tracker"], r["modality"]): r for r in rows if r["kind"] == "mean"}
    lines = ["bench accuracy --real: " + LEGEND]
    lines += list(header_notes)
    modalities = [m for m in MODALITY_ORDER if any(k[1] == m for k in means)]
    head = (f"{'tracker':<{width}} | {'stream':<19} | {'SR':>6} {'PR':>6} {'NPR':>6} {'FPS':>7} | "
            f"{'runaway':>5} {'worst':>5} | {'AUC':>5} {'jitter':>6} | {'1-step cerr':>11} {'/diag':>6} {'w x':>5} {'h x':>5}")
    for modality in modalities:
        sample = next(r for (t, m), r in means.items() if m == modality)
        lines += ["", f"[{modality}: {plural(sample['sequences'], 'sequence')}, {plural(sample['frames'], 'frame')}]", head,
                  "-" * len(head)]
        for tracker in trackers:
            r = means.get((tracker, modality))
            if r is None:
                continue
            step = r["one_step"]
            lines.append(f"{tracker:<{width}} | {r['stream'][:19]:<19} | {_f(r['sr'])} {_f(r['pr'])} {_f(r['npr'])} "
                         f"{_f(r['fps'], 7, 1)} | {_pct(r['runaway'])} {_pct(r['runaway_max'])} | "
                         f"{_f(r['auc'], 5, 2)} {_f(r.get('jitter'), 6, 3)} | {_f(step['centre_px'], 11, 1)} {_f(step['centre_norm'], 6, 2)} "
                         f"{_f(step['width_ratio'], 5, 2)} {_f(step['height_ratio'], 5, 2)}")
    lines += _flags_block(means, trackers, modalities, width)
    lines += _paired_block(paired, trackers, modalities, width)
    lines += _per_sequence_block(rows, trackers)
    missing = [r for r in rows if r["kind"] == "missing"]
    if missing:
        lines.append("")
        lines += [f"{r['tracker']:<{width}} | not run: {r['reason']}" for r in missing]
    return "\n".join(lines)


def _per_sequence_block(rows: list[dict], trackers: list[str]) -> list[str]:
    """Block 4 (see the module docstring); no lines without per-run rows."""
    runs = [r for r in rows if r["kind"] == "sequence"]
    if not runs:
        return []
    order = list(dict.fromkeys((r["modality"], sequence_of(r["sequence"])) for r in runs))
    grouped: dict[tuple[str, str], list[dict]] = {}
    for r in runs:
        grouped.setdefault((r["tracker"], sequence_of(r["sequence"])), []).append(r)
    shown = [t for t in trackers if any((t, s) in grouped for _, s in order)]
    name_width = max(len(s) for _, s in order)
    widths = [max(len(t), 11) for t in shown]
    head = (f"{'':<4} {'sequence':<{name_width}} | {'runs':>4} | "
            + " | ".join(f"{t:<{w}}" for t, w in zip(shown, widths, strict=True)))
    lines = ["", "per sequence: mean SR of its runs / worst run's runaway share "
                 "(v visible, t thermal, rgbt: a registered pair)", head, "-" * len(head)]
    short = {"visible": "v", "thermal": "t"}
    for modality, sequence in order:
        cells, count = [], 0
        for tracker, w in zip(shown, widths, strict=True):
            group = grouped.get((tracker, sequence))
            if not group:
                cells.append(f"{'-':<{w}}")
                continue
            count = max(count, len(group))
            srs = [g["sr"] for g in group if g["sr"] is not None]
            sr = sum(srs) / len(srs) if srs else None
            worst = max((g["runaway"] for g in group if g["runaway"] is not None), default=None)
            cells.append(f"{_f(sr, 5)} {_pct(worst, 5)}".ljust(w))
        lines.append(f"{short.get(modality, modality):<4} {sequence:<{name_width}} | {count:>4} | " + " | ".join(cells))
    return lines


def _grid_head(modalities: list[str], width: int, cell: int) -> str:
    """The header of a tracker-by-modality block: the tracker column ``width`` wide, then one
    ``cell``-wide column per modality."""
    return f"{'tracker':<{width}} | " + " | ".join(f"{m:<{cell}}" for m in modalities)


def _grid_rows(trackers: list[str], modalities: list[str], width: int, cell: int, text_of) -> list[str]:
    """One line per tracker of a tracker-by-modality block: ``text_of(tracker, modality)`` in each
    ``cell``-wide column ("-" where it gives None); no line for a tracker with nothing to show."""
    lines = []
    for tracker in trackers:
        texts = [text_of(tracker, modality) for modality in modalities]
        if any(t is not None for t in texts):
            lines.append(f"{tracker:<{width}} | " + " | ".join(("-" if t is None else t).ljust(cell) for t in texts))
    return lines


def _paired_block(paired, trackers: list[str], modalities: list[str], width: int) -> list[str]:
    """Block 3 (see the module docstring); no lines without differences."""
    if not paired:
        return []
    cell = 24
    cells = {(d.tracker, d.modality): d for d in paired}

    def text_of(tracker: str, modality: str) -> str | None:
        d = cells.get((tracker, modality))
        if d is None:
            return None
        if d.low is None:
            return f"{d.mean:+.3f} (one sequence)"
        return f"{d.mean:+.3f} [{d.low:+.3f}, {d.high:+.3f}]"

    head = _grid_head(modalities, width, cell)
    title = (f"SR minus {paired[0].reference}'s, run by run over the runs both tracked: mean [95 % interval, "
             "sequences resampled]; an interval across 0 cannot tell the two apart")
    return ["", title, head, "-" * len(head)] + _grid_rows(trackers, modalities, width, cell, text_of)


def _flags_block(means: dict, trackers: list[str], modalities: list[str], width: int) -> list[str]:
    """Block 2 (see the module docstring), the tracker column ``width`` wide; no lines when no
    mean row carries ``flags``."""
    if not any(r.get("flags") for r in means.values()):
        return []
    cell = 22

    def text_of(tracker: str, modality: str) -> str | None:
        flags = (means.get((tracker, modality)) or {}).get("flags")
        if not flags:
            return None
        return (f"{_pct(flags['flagged'], 7)} {_f(flags['precision'], 4, 2)} {_f(flags['recall'], 4, 2)} "
                f"{_f(flags['f1'], 4, 2)}")

    head = _grid_head(modalities, width, cell)
    sub = f"{'':<{width}} | " + " | ".join(f"{'flagged':>7} {'P':>4} {'R':>4} {'F1':>4}" for _ in modalities)
    title = (f"review flags: confidence below the studio's default ({review_threshold(True):g} on a pair, "
             f"{review_threshold(False):g} on one stream); P / R / F1 of the flags against the frames below IoU 0.5")
    return ["", title, head, sub, "-" * len(head)] + _grid_rows(trackers, modalities, width, cell, text_of)
