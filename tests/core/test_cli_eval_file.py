"""``eval boxes.txt --gt ...``: one sequence's results file (what ``track --out`` writes) scored
against that sequence's ground truth, without a results folder of its own."""
from __future__ import annotations

import json

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line

ROWS = [f"{10 + k},20,30,40" for k in range(6)]
MISSED = ROWS[:3] + ["200,200,5,5"] + ROWS[4:]


def _results(tmp_path, name: str = "boxes.txt", rows=MISSED):
    path = tmp_path / "run" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")
    return path


def _scores(tmp_path, argv, protocol: str = "lasher") -> dict:
    report = tmp_path / "report.json"
    assert main(["eval", *argv, "--protocol", protocol, "--json", str(report), "--force"]) == 0
    (scored,) = json.loads(report.read_text())["reports"]
    return scored["scores"]


def _folder_scores(tmp_path, gt_rows: list[str], protocol: str = "lasher") -> dict:
    """The scores of MISSED as a results folder against a --gt folder of ``gt_rows``: what a results
    file must score the same."""
    gt, results = tmp_path / "as_folder" / "gt", tmp_path / "as_folder" / "results"
    gt.mkdir(parents=True)
    results.mkdir()
    (gt / "seq.txt").write_text("\n".join(gt_rows) + "\n")
    (results / "seq.txt").write_text("\n".join(MISSED) + "\n")
    return _scores(tmp_path, [str(results), "--gt", str(gt)], protocol)


def _sequence(tmp_path, files: dict[str, str]):
    folder = tmp_path / "data" / "walk"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_a_results_file_is_scored_against_a_ground_truth_file(tmp_path, capsys):
    """It was refused ('RESULTS_DIR is a file'): the user had to make a folder and name the file
    after a sequence to score one track."""
    gt = tmp_path / "truth.txt"
    gt.write_text("\n".join(ROWS) + "\n")
    results = _results(tmp_path)
    assert main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher"]) == 0
    out = capsys.readouterr().out
    assert "tracker: boxes" in out and "sequences: 1" in out, out
    missed = _scores(tmp_path, [str(results), "--gt", str(gt)])
    assert missed == _folder_scores(tmp_path, ROWS)
    exact = _scores(tmp_path, [str(_results(tmp_path, "exact.txt", ROWS)), "--gt", str(gt)])
    assert exact["PR"] == 1.0 and exact["SR"] > missed["SR"] and missed["PR"] == pytest.approx(5 / 6)


def test_a_results_file_is_scored_against_a_sequence_folder_or_a_dataset_holding_it(tmp_path):
    folder = _sequence(tmp_path, {"groundtruth.txt": "\n".join(ROWS) + "\n"})
    results = _results(tmp_path)
    expected = _folder_scores(tmp_path, ROWS)
    assert _scores(tmp_path, [str(results), "--gt", str(folder)]) == expected
    assert _scores(tmp_path, [str(results), "--dataset-root", str(folder)]) == expected
    named = _results(tmp_path, "walk.txt")  # the file's name is a sequence of the dataset
    assert _scores(tmp_path, [str(named), "--dataset-root", str(folder.parent)]) == expected


def test_a_gtot_ground_truth_file_stands_for_its_folder(tmp_path):
    """GTOT's groundTruth_v.txt holds corners (x1 y1 x2 y2): read as a flat x,y,w,h file, every box
    would be wrong; given as --gt it is read as its sequence folder under the protocol's layout."""
    corners = "\n".join(f"{10 + k} 20 {40 + k} 60" for k in range(6)) + "\n"
    folder = _sequence(tmp_path, {"groundTruth_v.txt": corners, "groundTruth_i.txt": corners})
    results = _results(tmp_path)
    scores = _scores(tmp_path, [str(results), "--gt", str(folder / "groundTruth_v.txt")], "gtot")
    assert scores == _scores(tmp_path, [str(results), "--gt", str(folder)], "gtot")
    assert scores["MPR"] == pytest.approx(5 / 6)
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "walk.txt").write_text(corners)  # the same corners read as x,y,w,h: every box off
    assert _scores(tmp_path, [str(results), "--gt", str(flat / "walk.txt")], "gtot")["MPR"] == 0.0


def test_what_a_results_file_cannot_be_scored_against_is_one_line(tmp_path, capsys):
    results = _results(tmp_path)
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["eval", str(results), "--gt", str(empty), "--protocol", "lasher"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {empty}: holds no ground truth of its own and no sequence 'boxes'"), line
    assert main(["eval", str(results), "--gt", str(tmp_path / "missing.txt"), "--protocol", "lasher"]) == 2
    assert one_error_line(capsys.readouterr().err) == f"error: {tmp_path / 'missing.txt'}: --gt: not found"


def test_results_files_and_folders_are_not_mixed(tmp_path, capsys):
    gt = tmp_path / "gt"
    gt.mkdir()
    (gt / "seq.txt").write_text("\n".join(ROWS) + "\n")
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "seq.txt").write_text("\n".join(ROWS) + "\n")
    results = _results(tmp_path, "seq.txt")
    assert main(["eval", str(folder), str(results), "--gt", str(gt), "--protocol", "lasher"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {results}: is a results file among results folders"), line


def test_json_never_replaces_the_results_file(tmp_path, capsys):
    gt = tmp_path / "truth.txt"
    gt.write_text("\n".join(ROWS) + "\n")
    results = _results(tmp_path)
    before = results.read_bytes()
    assert main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher", "--json", str(results),
                 "--force"]) == 2
    assert results.read_bytes() == before
    assert "results file" in one_error_line(capsys.readouterr().err)
