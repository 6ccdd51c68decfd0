"""bench heuristics: four configs' rows from the command (random weights, tiny split), and
the loop's events measured with a stub engine whose scores are known (low -> the Kalman
configs fall back and hold the target still; high -> the template configs re-cut)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from core.bench.eval_sets import synthetic_items
from core.bench.heuristics import (
    CONFIGS,
    format_heuristics_table,
    heuristic_contenders,
    heuristic_rows,
    track_items,
)
from core.cli import main
from core.errors import ConfigError
from core.progress import run_to_end
from core.tracking.tracker import Tracker


@dataclass(frozen=True)
class StubConfig:
    template_size: int = 32
    search_size: int = 64
    feature_size: int = 8
    template_factor: float = 2.0
    search_factor: float = 4.0


class StubEngine:
    """Forward contract without a network: one peak of height ``peak`` at cell
    (``centre + shift``, ``centre``) on a floor of 1e-3, the target's size (a quarter of
    the search crop), zero offset. With ``shift`` > 0 the decoded box walks right every
    frame, whatever the image."""

    name = "stub"
    device = "cpu"

    def __init__(self, peak: float, shift: int = 0, f: int = 8):
        self.peak, self.shift, self.f = peak, shift, f
        self.calls = 0

    def run(self, z_v, z_t, x_v, x_t):
        self.calls += 1
        f, c = self.f, self.f // 2
        score = np.full((1, 1, f, f), 1e-3, dtype=np.float32)
        score[0, 0, c, c + self.shift] = self.peak
        size = np.full((1, 2, f, f), 0.25, dtype=np.float32)
        offset = np.full((1, 2, f, f), 0.5, dtype=np.float32)
        return score, size, offset


@pytest.fixture(scope="module")
def clean_items():
    return synthetic_items(frames=10, per_family=1, families=["clean"])


def _bench(engine, items):
    contenders, current = heuristic_contenders(Tracker(engine, StubConfig(), weights_path="stub"))
    bench = run_to_end(track_items(contenders, current, items))
    rows = heuristic_rows(bench)
    return bench, {(r["config"], r["sequence"]): r for r in rows if "config" in r}


def test_low_scores_make_the_kalman_configs_fall_back_and_hold_the_target(clean_items):
    engine = StubEngine(peak=0.1, shift=2)
    bench, by = _bench(engine, clean_items)
    assert engine.calls == 4 * 9  # one shared engine, four configs, 9 tracked frames
    for key in CONFIGS:
        row = by[(key, "overall")]
        assert row["tracked"] == 9 and row["low_confidence"] == 9 and row["template_updates"] == 0
        assert row["fallbacks"] == (9 if key in ("kalman", "both") else 0)
        assert by[(key, "family:clean")]["fallbacks"] == row["fallbacks"]
    name = clean_items[0].name
    plain = bench.runs[("plain", "synthetic", name)].boxes
    kalman = bench.runs[("Kalman fallback", "synthetic", name)].boxes
    # the network's box walks right; the fallback (one confident corner: the init box) stays put
    assert plain[-1, 0] > plain[0, 0] + 20
    np.testing.assert_allclose(kalman[:, :2], np.repeat(kalman[:1, :2], len(kalman), axis=0), atol=1e-6)
    np.testing.assert_array_equal(bench.runs[("both", "synthetic", name)].boxes, kalman)


def test_high_scores_make_the_template_configs_update(clean_items):
    # the update compares the Hann-WINDOWED peak with 0.91: at the centre of an 8x8 window
    # that is 0.999 * 0.94 = 0.94 (a raw 0.95 would stay below the threshold)
    _bench_, by = _bench(StubEngine(peak=0.999), clean_items)
    for key in CONFIGS:
        row = by[(key, "overall")]
        assert row["fallbacks"] == 0 and row["low_confidence"] == 0
        assert row["template_updates"] == (9 if key in ("template", "both") else 0)
        assert row["windowed_peak_max"] == pytest.approx(0.999 * 0.9698 ** 2, abs=1e-3)
    table = format_heuristics_table(list(by.values()), ["note"])
    assert "template update" in table and "synthetic clean" in table and "note" in table.splitlines()[1]


def test_command_gives_four_configs_rows_with_random_weights(tmp_path, capsys):
    out = tmp_path / "rows.json"
    code = main(["bench", "heuristics", "--random-weights",
                 "--split", "synthetic", "--families", "clean", "--per-family", "1", "--frames", "6",
                 "--threads", "1", "--json", str(out)])
    assert code == 0
    rows = json.loads(out.read_text())
    overall = {r["config"]: r for r in rows if r["kind"] == "overall"}
    assert set(overall) == set(CONFIGS)
    assert all(r["tracked"] == 5 and 0.0 <= r["sr"] <= 1.0 and r["model"] == "student" for r in overall.values())
    printed = capsys.readouterr().out
    assert "RANDOM weights" in printed and "Kalman fallback" in printed and "synthetic overall" in printed


def test_thresholds_can_be_replaced(clean_items):
    contenders, current = heuristic_contenders(Tracker(StubEngine(peak=0.1, shift=2), StubConfig()),
                                               template_threshold=0.03, kalman_threshold=0.05)
    # windowed peak of the shifted cell: 0.1 * hann(4) * hann(6) = 0.04 > 0.03
    rows = heuristic_rows(run_to_end(track_items(contenders, current, clean_items)))
    overall = {r["config"]: r for r in rows if r["kind"] == "overall"}
    assert all(r["fallbacks"] == 0 and r["kalman_score_threshold"] == 0.05 for r in overall.values())
    assert [overall[k]["template_updates"] for k in CONFIGS] == [0, 9, 0, 9]


def test_bad_arguments_are_config_errors():
    with pytest.raises(ConfigError):
        heuristic_contenders(Tracker(StubEngine(0.5), StubConfig()), ["plain", "nope"])
    assert main(["bench", "heuristics", "--random-weights", "--frames", "1"]) == 2
    assert main(["bench", "heuristics", "--random-weights", "--frames", "4", "--template-threshold", "1.5"]) == 2
    assert main(["bench", "heuristics", "--random-weights", "--frames", "4", "--configs", "plain,nope"]) == 2
