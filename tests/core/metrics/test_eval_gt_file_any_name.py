"""``eval boxes.txt --gt FILE``: the help says --gt may be one sequence's ground-truth file; a
flat box file not named ``<something>.txt`` (``gt.csv``, ``gt.TXT``, ``groundtruth`` with no
suffix) was looked up as ``<stem>.txt`` beside it and refused with "no ground truth for sequence
'gt' (neither gt/ nor gt.txt)". The file given is the ground truth read."""
from __future__ import annotations

import json

import pytest

from core.cli import main

TRUTH = [f"{10 + k},20,30,40" for k in range(6)]
RESULT = TRUTH[:3] + ["200,200,5,5"] + TRUTH[4:]


def _scores(tmp_path, gt) -> dict:
    results = tmp_path / "boxes.txt"
    results.write_text("\n".join(RESULT) + "\n")
    report = tmp_path / "report.json"
    assert main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher", "--json", str(report)]) == 0
    return json.loads(report.read_text())["reports"][0]["scores"]


@pytest.mark.parametrize("name", ["gt.csv", "gt.TXT", "groundtruth", "truth.txt"])
def test_a_flat_ground_truth_file_of_any_name_is_read(tmp_path, name):
    gt = tmp_path / "truth" / name
    gt.parent.mkdir()
    gt.write_text("\n".join(TRUTH) + "\n")
    assert _scores(tmp_path, gt)["PR"] == pytest.approx(5 / 6)


def test_the_file_given_is_read_not_a_folder_of_its_stem_beside_it(tmp_path):
    """``--gt data/walk.txt`` beside a sequence folder ``data/walk/`` of other boxes: the file named
    is the ground truth."""
    (tmp_path / "data" / "walk").mkdir(parents=True)
    (tmp_path / "data" / "walk" / "groundtruth.txt").write_text("\n".join(["300,300,5,5"] * 6) + "\n")
    gt = tmp_path / "data" / "walk.txt"
    gt.write_text("\n".join(TRUTH) + "\n")
    assert _scores(tmp_path, gt)["PR"] == pytest.approx(5 / 6)


def test_an_empty_flat_ground_truth_file_is_one_line(tmp_path, capsys):
    gt = tmp_path / "gt.csv"
    gt.write_text("\n")
    results = tmp_path / "boxes.txt"
    results.write_text("\n".join(RESULT) + "\n")
    assert main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "gt.csv" in err[0] and "empty" in err[0], err
