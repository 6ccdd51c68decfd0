"""eval: results folders of the same name or given twice, a results file or a sequence folder where a
folder of results or a dataset goes, and a --json report that would become a result."""

from __future__ import annotations

import json

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


def _gt_and_results(tmp_path, *runs: str):
    """A --gt folder of one <sequence>.txt and a folder ``<run>/results`` per run, each scoring it
    (the first exactly, the others with a box off target)."""
    gt = tmp_path / "gt"
    gt.mkdir()
    rows = [f"{10 + k},20,30,40" for k in range(6)]
    (gt / "seq.txt").write_text("\n".join(rows) + "\n")
    folders = []
    for k, run in enumerate(runs):
        folder = tmp_path / run / "results"
        folder.mkdir(parents=True)
        mine = rows[:3] + (["200,200,5,5"] if k else rows[3:4]) + rows[4:]
        (folder / "seq.txt").write_text("\n".join(mine) + "\n")
        folders.append(folder)
    return gt, folders



def test_eval_tells_apart_results_folders_of_the_same_name(tmp_path, capsys):
    """``eval runs/a/results runs/b/results`` printed two tables both headed 'tracker: results',
    and the JSON and the plots' legends named both 'results': which score was which run?"""
    gt, folders = _gt_and_results(tmp_path, "a", "b")
    report = tmp_path / "report.json"
    code = main(["eval", *map(str, folders), "--gt", str(gt), "--protocol", "lasher", "--json", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "tracker: a/results " in out and "tracker: b/results " in out, out
    names = [r["tracker"] for r in json.loads(report.read_text())["reports"]]
    assert names == ["a/results", "b/results"]



def test_eval_refuses_a_results_folder_given_twice(tmp_path, capsys):
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    again = folder.parent / "." / "results"
    code = main(["eval", str(folder), str(again), "--gt", str(gt), "--protocol", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "is given twice" in line, line



def test_eval_dataset_root_that_is_a_sequence_folder_says_so(tmp_path, capsys):
    """``--dataset-root data/seq`` (the sequence, not the dataset holding it) said "no ground truth for
    sequence 'seq' (neither seq/ nor seq.txt)", though its ground truth is right there."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=3)
    results = tmp_path / "results"
    results.mkdir()
    (results / "seq.txt").write_text("1,1,5,5\n1,1,5,5\n1,1,5,5\n")
    code = main(["eval", str(results), "--dataset-root", str(seq), "--protocol", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--dataset-root is itself a sequence folder" in line and str(seq.parent) in line, line



def test_eval_json_never_becomes_a_result_of_the_results_folder(tmp_path, capsys):
    """``--json results/report.txt`` wrote the JSON report as one more <sequence>.txt in the results
    folder; the next eval of that folder stopped on it ("report.txt, line 1: not a number in '{'")."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    report = folder / "report.txt"
    code = main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--json", str(report)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--json would be a .txt file in the results folder" in line, line
    assert not report.exists()
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--json",
                 str(folder / "report.json")]) == 0  # beside the results, under another suffix: never read as one


def test_eval_of_the_ground_truth_folder_itself_says_so(tmp_path, capsys):
    """``eval gt --gt gt`` (the ground-truth folder given as the results) printed a perfect score without
    a word: a sanity check, or the results folder forgotten."""
    gt, _ = _gt_and_results(tmp_path)
    assert main(["eval", str(gt), "--gt", str(gt), "--protocol", "lasher"]) == 0
    captured = capsys.readouterr()
    assert (f"note: RESULTS_DIR {gt} is the ground-truth folder: its ground truth is scored against itself (not a "
            "tracker's results)") in captured.err.splitlines(), captured.err
    assert "1.0000" in captured.out


def test_eval_reads_a_utf16_results_file_as_powershell_writes_it(tmp_path, capsys):
    """``python track.py > seq.txt`` in Windows PowerShell 5 writes UTF-16 with a byte-order mark;
    eval and convert refused it with 'utf-8 codec can't decode byte 0xff in position 0'."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    text = (folder / "seq.txt").read_text()
    (folder / "seq.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--no-attributes"]) == 0
    assert "1.0000   1.0000   0.9524" in capsys.readouterr().out  # SR: no IoU is > 1
    assert main(["convert", str(folder / "seq.txt"), str(tmp_path / "back.txt"), "--to", "xywh"]) == 0
    assert (tmp_path / "back.txt").read_text() == text


def test_a_results_file_with_a_byte_that_is_not_utf8_names_the_line(tmp_path, capsys):
    """A Latin-1 byte on line 3 was refused with '... in position 27: invalid continuation byte':
    which line was it?"""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    path = folder / "seq.txt"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]) + b"12,20,30,40 \xe9\n" + b"".join(lines[3:]))
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--no-attributes"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {path}, line 3: not UTF-8 text (byte 0xe9)"), line
    assert main(["convert", str(path), str(tmp_path / "back.txt"), "--to", "xywh"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {path}, line 3: not UTF-8 text (byte 0xe9)"), line


def test_a_results_file_with_decimal_commas_is_refused_naming_its_line(tmp_path, capsys):
    """A spreadsheet saved as CSV in a decimal-comma locale writes '203,31;149,93;17,27;49,66':
    split on both separators it is eight numbers, read as a polygon, and every box of the file was
    scored as that polygon's bounding box without a word."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    path = folder / "seq.txt"
    path.write_text("10;20;30;40\n203,31;149,93;17,27;49,66\n")
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--no-attributes"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {path}, line 2: both ',' and ';' in '203,31;149,93;17,27;49,66'"), line
    assert main(["convert", str(path), str(tmp_path / "back.txt"), "--to", "xywh"]) == 2
    assert _one_error_line(capsys.readouterr().err) == line


def test_a_tab_separated_results_file_with_decimal_commas_is_refused_naming_its_line(tmp_path, capsys):
    """The same spreadsheet saved as tab-separated text writes '203,31<tab>149,93<tab>17,27<tab>49,66':
    split on every separator it was eight numbers too, scored as a polygon's bounding box."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    path = folder / "seq.txt"
    path.write_text("10\t20\t30\t40\n203,31\t149,93\t17,27\t49,66\n")
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--no-attributes"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {path}, line 2: four comma pairs parted by spaces or tabs in "
                           "'203,31\\t149,93\\t17,27\\t49,66'"), line
    assert main(["convert", str(path), str(tmp_path / "back.txt"), "--to", "xywh"]) == 2
    assert _one_error_line(capsys.readouterr().err) == line


def test_eval_scores_the_results_of_the_ground_truth_and_names_the_other_files(tmp_path, capsys):
    """A pytracking / OSTrack results folder holds ``<seq>_time.txt`` beside ``<seq>.txt``, and a
    whole dataset's results may be scored against a subset's ground truth: eval stopped on the
    first file without ground truth ('seq_time.txt, line 1: ...' or 'no ground truth for sequence').
    As the official toolkits it scores over the ground truth's sequences, and names the others."""
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    (folder / "seq_time.txt").write_text("0.012\n0.011\n")
    (folder / "other.txt").write_text("1,1,5,5\n")
    report = tmp_path / "r.json"
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher", "--json", str(report)]) == 0
    captured = capsys.readouterr()
    assert "2 result files in" in captured.out + captured.err
    assert "have no sequence in" in captured.out + captured.err and "other.txt, seq_time.txt" in captured.out + captured.err
    (scored,) = json.loads(report.read_text())["reports"]
    assert [s["name"] for s in scored["sequences"]] == ["seq"]


def test_eval_with_no_result_of_the_ground_truth_is_one_line(tmp_path, capsys):
    gt, (folder,) = _gt_and_results(tmp_path, "a")
    (folder / "seq.txt").rename(folder / "elsewhere.txt")
    assert main(["eval", str(folder), "--gt", str(gt), "--protocol", "lasher"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {folder}: none of its 1 result file (elsewhere.txt) names a sequence of {gt}"), line
