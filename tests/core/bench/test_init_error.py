"""``bench accuracy --real --init-error SPEC``: runs that start from a first box drawn a little
off (OTB's spatial robustness evaluation), the ground truth unchanged."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.init_error import SRE_ERRORS, InitBoxPerturbation, InitErrorPlan
from core.bench.real_items import real_items
from core.errors import ConfigError
from core.real_split import load_split
from tests.core.bench.real_tree import fake_tree


@pytest.mark.parametrize("name, expected", [
    ("left", (35.0, 40.0, 50.0, 20.0)), ("down-right", (45.0, 42.0, 50.0, 20.0)),
    ("scale1.2", (35.0, 38.0, 60.0, 24.0)), ("scale0.8", (45.0, 42.0, 40.0, 16.0)),
])
def test_each_error_moves_the_centre_by_a_tenth_of_the_box_or_scales_about_it(name, expected):
    np.testing.assert_allclose(InitBoxPerturbation(name).apply((40, 40, 50, 20), 320, 240), expected)


def test_an_erred_box_stays_in_the_frame():
    box = InitBoxPerturbation("scale1.2").apply((0, 0, 50, 20), 320, 240)
    assert box[0] == 0 and box[1] == 0 and box[2] == pytest.approx(55.0) and box[3] == pytest.approx(22.0)


def test_sre_gives_the_runs_the_twelve_errors_in_turn():
    plan = InitErrorPlan("sre")
    assert [plan.for_run(k).name for k in range(13)] == list(SRE_ERRORS) + ["left"]
    assert {InitErrorPlan("up").for_run(k).name for k in range(5)} == {"up"}
    with pytest.raises(ConfigError, match="--init-error must be sre or one of left, right"):
        InitErrorPlan("sideways")


def test_erred_runs_start_off_the_truth_are_scored_on_it_and_cached_apart(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=6)
    items, notes = real_items(load_split(split_file), "validation", tmp_path, starts=2,
                              init_error=InitErrorPlan("sre"))
    assert [item.init_error.name for item in items] == list(SRE_ERRORS)[:len(items)]
    assert any("SRE errors in turn" in n for n in notes)
    plain, _ = real_items(load_split(split_file), "validation", tmp_path, starts=2)
    assert [i.cache_dataset for i in items] == [p.cache_dataset + f"|init-{i.init_error.name}"
                                                for i, p in zip(items, plain, strict=True)]
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--cache", str(tmp_path / "c"), "--starts", "2",
            "--one-step-every", "0"]
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--init-error", "sre"]))
    assert payload["init_error"] == "sre" and "drawn off" in text
    truth, truth_bench, _, _ = run_real_accuracy(build_parser().parse_args(base))
    for item in items:  # the first box is the erred one; every later frame is scored on the same truth
        gt = bench.ground_truth[item.name]
        np.testing.assert_array_equal(gt, truth_bench.ground_truth[item.name])
        started = bench.runs[("CSRT", item.name)].boxes[0]
        np.testing.assert_allclose(started, item.init_error.apply(gt[0], 96, 72))
        assert not np.allclose(started, gt[0])
    assert not any(run.cached for run in truth_bench.runs.values())  # not the erred runs' cache entries
    _, again, _, _ = run_real_accuracy(build_parser().parse_args(base + ["--init-error", "sre"]))
    assert all(run.cached for run in again.runs.values())
