"""An empty (or blank) ground-truth file: track, track-dataset and eval said 'has no ground truth to
start from' or 'ground-truth file has no box row', which sends the user looking for a missing file or
a format problem; each names the file and says it is empty."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


@pytest.fixture(params=[b"", b"\r\n\n  \n"], ids=["empty", "blank"])
def emptied(request, tmp_path):
    """A dataset folder holding one LasHeR sequence whose ground-truth files (visible.txt, infrared.txt,
    init.txt) are empty (or blank)."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=4)
    for name in ("visible.txt", "infrared.txt", "init.txt"):
        (seq / name).write_bytes(request.param)
    return seq


def test_track_without_init_says_the_ground_truth_file_is_empty(emptied, tmp_path, capsys):
    out = tmp_path / "o.txt"
    code = main(["track", str(emptied), "--tracker", "kcf", "--out", str(out)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {emptied / 'visible.txt'}: the ground-truth file is empty (no box rows); "
                                  "give the box with --init x,y,w,h"), line
    assert not out.exists()


def test_track_dataset_says_the_ground_truth_file_is_empty(emptied, tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["track-dataset", str(emptied.parent), "--results", str(results), "--tracker", "kcf"]) == 1
    err = capsys.readouterr().err
    assert f"skipped seq: {emptied / 'visible.txt'}: the ground-truth file is empty (no box rows); " in err, err
    assert not (results / "seq.txt").exists()


@pytest.mark.parametrize("source", ["--dataset-root", "--gt"])
def test_eval_says_the_ground_truth_file_is_empty(source, emptied, tmp_path, capsys):
    results = tmp_path / "results"
    results.mkdir()
    (results / "seq.txt").write_text("10,10,8,8\n" * 4)
    if source == "--gt":
        gt = tmp_path / "gt"
        gt.mkdir()
        (gt / "seq.txt").write_bytes((emptied / "visible.txt").read_bytes())
        empty = gt / "seq.txt"
    else:
        gt, empty = emptied.parent, emptied / "visible.txt"
    code = main(["eval", str(results), source, str(gt), "--protocol", "lasher"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {empty}: the ground-truth file is empty (no box rows): nothing to score against"


def test_an_empty_visible_file_beside_a_full_infrared_file_is_blamed(tmp_path, capsys):
    """visible.txt empty, infrared.txt full: the line blamed infrared.txt ('has 4 rows but visible.txt
    has 0'), the file that is fine."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=4)
    (seq / "visible.txt").write_bytes(b"")
    code = main(["track", str(seq), "--tracker", "kcf", "--out", str(tmp_path / "o.txt")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {seq / 'visible.txt'}: the ground-truth file is empty (no box rows), but "
                                  "infrared.txt beside it has 4"), line
