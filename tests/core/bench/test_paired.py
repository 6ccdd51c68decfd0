"""Paired SR differences of ``bench accuracy --real`` (``core.bench.paired``) on constructed rows,
and their block in the report."""
from __future__ import annotations

import pytest

from core.bench.paired import paired_differences, sequence_of
from core.bench.real_table import format_real_table


def _run(tracker: str, modality: str, sequence: str, sr: float) -> dict:
    return {"tracker": tracker, "kind": "sequence", "modality": modality, "sequence": sequence, "sr": sr,
            "runaway": 0.0}


def _rows(differences: dict[tuple[str, str], float], base: float = 0.6) -> list[dict]:
    """The reference "ref" at ``base`` on every run and "other" at ``base + difference``."""
    rows = []
    for (modality, sequence), difference in differences.items():
        rows += [_run("ref", modality, sequence, base), _run("other", modality, sequence, base + difference)]
    return rows


def test_runs_are_grouped_by_sequence():
    assert sequence_of("otb-couple@56") == "otb-couple" and sequence_of("otb-couple") == "otb-couple"
    assert sequence_of("m3svd@x") == "m3svd@x"  # only a frame number after the @ starts a run


def test_the_mean_is_over_runs_and_the_interval_resamples_sequences():
    differences = {("visible", "a"): 0.10, ("visible", "a@50"): 0.10, ("visible", "b"): -0.02,
                   ("visible", "c"): 0.04, ("visible", "c@20"): 0.00, ("thermal", "t"): 0.03}
    found = {d.modality: d for d in paired_differences(_rows(differences), "ref")}
    visible = found["visible"]
    assert (visible.tracker, visible.reference, visible.runs, visible.sequences) == ("other", "ref", 5, 3)
    assert visible.mean == pytest.approx(0.044)
    # resampling whole sequences: the means lie between the worst and the best sequence's mean
    assert -0.02 - 1e-9 <= visible.low < visible.mean < visible.high <= 0.10 + 1e-9
    everything = found["all"]
    assert everything.runs == 6 and everything.sequences == 4
    assert everything.mean == pytest.approx(0.25 / 6)
    # one sequence: a mean, no interval
    assert found["thermal"].sequences == 1 and found["thermal"].low is None and found["thermal"].high is None
    # the same rows give the same interval (a fixed seed)
    again = {d.modality: d for d in paired_differences(_rows(differences), "ref")}["visible"]
    assert (again.low, again.high) == (visible.low, visible.high)


def test_a_tracker_that_ran_part_of_the_runs_has_no_all_entry_and_absent_scores_are_left_out():
    rows = _rows({("visible", "a"): 0.1, ("rgbt", "p"): 0.2, ("rgbt", "q"): 0.0})
    rows += [_run("thermal peer", "rgbt", "p", 0.7), _run("thermal peer", "rgbt", "q", 0.5)]
    rows.append({**_run("other", "rgbt", "r", 0.5), "sr": None})  # a run without a score
    rows.append(_run("ref", "rgbt", "r", 0.6))
    rows.append({"tracker": "ref", "kind": "mean", "modality": "all", "sequence": "mean", "sr": 0.6})
    found = {(d.tracker, d.modality): d for d in paired_differences(rows, "ref")}
    assert ("thermal peer", "all") not in found and ("thermal peer", "visible") not in found
    assert found[("thermal peer", "rgbt")].mean == pytest.approx(0.0)
    assert found[("other", "rgbt")].runs == 2  # the unscored run is left out
    assert ("other", "all") not in found  # "other" has no score on one of the reference's runs
    assert paired_differences(rows, "nobody") == []
    assert [d.modality for d in paired_differences(_rows({("rgbt", "p"): 0.1, ("rgbt", "q"): 0.0}), "ref")] == ["rgbt"]


def test_the_report_shows_the_differences_as_a_block():
    rows = _rows({("visible", "a"): 0.10, ("visible", "b"): 0.02, ("thermal", "t"): -0.05})
    for tracker in ("ref", "other"):
        rows += [{"tracker": tracker, "kind": "mean", "modality": m, "sequence": "mean", "stream": "-",
                  "sequences": 1, "frames": 10, "sr": 0.6, "pr": 0.9, "npr": 0.8, "fps": 10.0, "runaway": 0.0,
                  "runaway_max": 0.0, "auc": 0.8, "jitter": 0.05,
                  "one_step": {"centre_px": 1.0, "centre_norm": 0.1, "width_ratio": 1.0, "height_ratio": 1.0}}
                 for m in ("visible", "thermal", "all")]
    text = format_real_table(rows, order=["ref", "other"], paired=paired_differences(rows, "ref"))
    block = text[text.index("SR minus ref's"):]
    line = next(x for x in block.splitlines() if x.startswith("other"))
    assert "+0.060 [+0.020, +0.100]" in line and "-0.050 (one sequence)" in line
    assert not any(x.startswith("ref ") for x in block.splitlines()[:4])
    assert "SR minus" not in format_real_table(rows, order=["ref", "other"])
