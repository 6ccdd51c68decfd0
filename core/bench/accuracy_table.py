"""The one table of ``bench accuracy`` and the issue's targets, from the scored rows.

Rows are the dicts of :func:`core.bench.accuracy_run.score`. The table has one line per
tracker: synthetic overall PR / SR / FPS, SR per challenge family (PR per family is in
the JSON rows), then PR / SR / FPS for each real sequence. Missing or unavailable
trackers get a line with the reason.
"""
from __future__ import annotations

from core.bench.eval_sets import SYNTHETIC

ABBREVIATIONS = {"visible_distractor": "visDis", "thermal_distractor": "thDis", "crossover": "cross",
                 "occlusion": "occl", "degraded": "degr"}
#: families where one modality fails by design (core.synthetic.challenge_families)
ONE_MODALITY_FAMILIES = ("night", "crossover", "visible_distractor", "thermal_distractor")
PEER_PREFIXES = ("CSRT", "KCF", "NanoTrack")


def _num(value, width: int = 6, digits: int = 3) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def _fps(value) -> str:
    return f"{'-':>7}" if value is None else f"{value:>7.1f}"


def _index(rows):
    return {(r["tracker"], r["dataset"], r["sequence"]): r for r in rows}


def format_table(rows: list[dict], header_notes: list[str] = (), order: list[str] = ()) -> str:
    """The plain-text table (first line names the protocol); trackers in ``order`` first,
    then in the rows' order."""
    by_key = _index(rows)
    trackers = list(dict.fromkeys([t for t in order if any(r["tracker"] == t for r in rows)]
                                  + [r["tracker"] for r in rows]))
    families = list(dict.fromkeys(r["sequence"][len("family:"):] for r in rows
                                  if r["dataset"] == SYNTHETIC and r["kind"] == "family"))
    has_synthetic = any(r["dataset"] == SYNTHETIC and r["kind"] == "overall" for r in rows)
    real = list(dict.fromkeys((r["dataset"], r["sequence"]) for r in rows
                              if r["dataset"] != SYNTHETIC and r["kind"] == "sequence"))
    name_width = max([len(t) for t in trackers] + [24])
    head1, head2 = f"{'':<{name_width}}", f"{'tracker':<{name_width}}"
    if has_synthetic:
        head1 += f" | {'synthetic overall':<21}"
        head2 += f" | {'PR':>6} {'SR':>6} {'FPS':>7}"
        if families:
            fam = " ".join(f"{ABBREVIATIONS.get(f, f)[:6]:>6}" for f in families)
            head1 += f" | {'SR per family':<{len(fam)}}"
            head2 += f" | {fam}"
    for dataset, sequence in real:
        head1 += f" | {f'{dataset}/{sequence}'[:21]:<21}"
        head2 += f" | {'PR':>6} {'SR':>6} {'FPS':>7}"
    lines = ["bench accuracy: protocol lasher (PR at 20 px; SR = mean success over IoU thresholds 0:0.05:1); "
             "FPS = tracked frames / seconds in track() (frame reading excluded)"]
    lines += list(header_notes)
    lines += [head1, head2, "-" * len(head2)]
    for tracker in trackers:
        missing = by_key.get((tracker, "-", "-"))
        if missing is not None:
            lines.append(f"{tracker:<{name_width}} | not run: {missing['reason']}")
            continue
        line = f"{tracker:<{name_width}}"
        if has_synthetic:
            o = by_key.get((tracker, SYNTHETIC, "overall"), {})
            line += f" | {_num(o.get('pr'))} {_num(o.get('sr'))} {_fps(o.get('fps'))}"
            if families:
                line += " | " + " ".join(_num(by_key.get((tracker, SYNTHETIC, f"family:{f}"), {}).get("sr"))
                                         for f in families)
        for dataset, sequence in real:
            s = by_key.get((tracker, dataset, sequence), {})
            line += f" | {_num(s.get('pr'))} {_num(s.get('sr'))} {_fps(s.get('fps'))}"
        lines.append(line)
    abbreviated = [f"{ABBREVIATIONS[f]} = {f}" for f in families if f in ABBREVIATIONS]
    if abbreviated:
        lines.append("families: " + ", ".join(abbreviated))
    return "\n".join(lines)


def _sr(by_key, tracker, dataset, sequence):
    row = by_key.get((tracker, dataset, sequence))
    return None if row is None else row["sr"]


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def targets(rows: list[dict]) -> list[str]:
    """The issue's targets checked on ``rows`` (one line each; ``n/a`` when a needed row
    is absent, e.g. missing weights). Labels are matched by their start so that rows run
    with random weights are checked too (and say so)."""
    by_key = _index(rows)
    trackers = list(dict.fromkeys(r["tracker"] for r in rows if r["kind"] != "missing"))

    def find(prefix):
        return next((t for t in trackers if t.startswith(prefix)), None)

    teacher, student, nokd = find("teacher"), find("student (KD)"), find("student (no KD)")
    peers = [t for t in trackers if t.startswith(PEER_PREFIXES)]
    out = []
    t_sr, s_sr, n_sr = (_sr(by_key, x, SYNTHETIC, "overall") if x else None for x in (teacher, student, nokd))
    ok = None if t_sr is None or s_sr is None else s_sr >= t_sr - 0.02
    out.append(f"student within 0.02 SR of the teacher (synthetic): {_verdict(ok)}"
               + ("" if ok is None else f" (student {s_sr:.3f}, teacher {t_sr:.3f})"))
    ok = None if s_sr is None or n_sr is None else s_sr >= n_sr + 0.02
    out.append(f"KD student >= no-KD ablation + 0.02 SR (synthetic): {_verdict(ok)}"
               + ("" if ok is None else f" (KD {s_sr:.3f}, no KD {n_sr:.3f}, difference {s_sr - n_sr:+.3f})"))
    for name, ours in (("teacher", teacher), ("student", student)):
        for group in ("overall",) + tuple(f"family:{f}" for f in ONE_MODALITY_FAMILIES):
            mine = _sr(by_key, ours, SYNTHETIC, group) if ours else None
            others = [v for v in (_sr(by_key, p, SYNTHETIC, group) for p in peers) if v is not None]
            if mine is None or not others:
                if group == "overall":
                    out.append(f"{name} ahead of every peer (synthetic overall): n/a")
                continue
            margin = mine - max(others)
            out.append(f"{name} ahead of every peer (synthetic {group}): {_verdict(margin > 0)} "
                       f"(margin {margin:+.3f} SR over the best peer)")
    real = {(r["dataset"], r["sequence"]) for r in rows if r["kind"] == "sequence" and r["dataset"] != SYNTHETIC}
    for dataset, sequence in sorted(real):
        mine = _sr(by_key, student, dataset, sequence) if student else None
        csrt = [v for v in (_sr(by_key, p, dataset, sequence) for p in peers if p.startswith("CSRT")) if v is not None]
        ok = None if mine is None or not csrt else mine >= max(csrt)
        out.append(f"student SR >= CSRT's on {dataset}/{sequence}: {_verdict(ok)}"
                   + ("" if ok is None else f" (student {mine:.3f}, CSRT {max(csrt):.3f})"))
    if any("RANDOM" in t for t in trackers):
        out.append("(rows marked RANDOM weights are untrained: their verdicts mean nothing)")
    return out
