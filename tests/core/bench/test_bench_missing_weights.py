"""A bench's checkpoint option (--student, --teacher, --weights) naming a file that does not exist ran the bench
with random weights when --random-weights was given (the bench tests relied on it): a typo measured random
networks under the name of the file the user meant. It is one line naming the option and the file, before any
work; random weights come only from --random-weights for the networks the user did not name."""
from __future__ import annotations

import pytest

from main import main

CASES = [
    (["bench", "loop", "--student", "{missing}", "--out", "{tmp}/out", "--annotate", "1", "--frames", "12",
      "--eval-frames", "6", "--per-family", "1", "--steps", "1"], "--student"),
    (["bench", "loop", "--teacher", "{missing}", "--out", "{tmp}/out", "--annotate", "1", "--frames", "12",
      "--eval-frames", "6", "--per-family", "1", "--steps", "1"], "--teacher"),
    (["bench", "loop-real", "--student", "{missing}", "--out", "{tmp}/out", "--steps", "1"], "--student"),
    (["bench", "loop-real", "--teacher", "{missing}", "--out", "{tmp}/out", "--steps", "1"], "--teacher"),
    (["bench", "heuristics", "--weights", "{missing}", "--split", "synthetic", "--families", "clean",
      "--per-family", "1", "--frames", "3", "--json", "{tmp}/out/rows.json"], "--weights"),
]


@pytest.mark.parametrize("random_weights", [True, False], ids=["random-weights", "plain"])
@pytest.mark.parametrize("argv,option", CASES, ids=[f"{c[0][1]} {c[1]}" for c in CASES])
def test_a_missing_checkpoint_is_one_line_never_random_weights(argv, option, random_weights, tmp_path, capsys):
    missing = tmp_path / "typo.pt"
    argv = [a.format(missing=missing, tmp=tmp_path) for a in argv] + (["--random-weights"] if random_weights else [])
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {missing}: "), captured.err
    assert "does not exist" in lines[0] or "not found" in lines[0], lines[0]
    if random_weights:
        assert f"{option} names a checkpoint that does not exist" in lines[0], lines[0]
    assert "RANDOM" not in captured.out + captured.err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("random_weights", [True, False], ids=["random-weights", "plain"])
@pytest.mark.parametrize("real", [False, True], ids=["synthetic", "real"])
def test_a_missing_weights_folder_is_one_line(real, random_weights, tmp_path, capsys):
    """``bench accuracy --weights-dir TYPO`` measured every model as 'not found' (or, with --random-weights, as
    random weights) and the peers alone, status 0."""
    from tests.core.bench.real_tree import fake_tree

    missing = tmp_path / "typo"
    argv = ["bench", "accuracy", "--weights-dir", str(missing), "--trackers", "student,kcf", "--threads", "1",
            "--json", str(tmp_path / "out" / "rows.json")]
    if real:
        argv += ["--real", "--data-root", str(tmp_path), "--split-file", str(fake_tree(tmp_path, frames=6))]
    else:
        argv += ["--split", "synthetic", "--families", "clean", "--per-family", "1", "--frames", "3"]
    assert main(argv + (["--random-weights"] if random_weights else [])) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines == [f"error: {missing}: the weights folder (--weights-dir) does not exist; give the folder that "
                     "holds student_bundled.pt"], captured.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bench,option", [("loop", "--student"), ("loop", "--teacher"), ("loop-real", "--student"),
                                          ("loop-real", "--teacher")])
def test_a_checkpoint_of_the_other_network_is_one_line_before_any_work(bench, option, tmp_path, capsys):
    """``bench loop-real --student TEACHER.pt`` labelled and exported every view with the teacher (minutes)
    before it read the student; ``bench loop`` made --out first. Both checkpoints are read before any work."""
    from core.tracking.factory import default_weights

    other = default_weights("teacher" if option == "--student" else "student")
    if not other.is_file():
        pytest.skip(f"no bundled checkpoint {other}")
    assert main(["bench", bench, option, str(other), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    wanted = "student" if option == "--student" else "teacher"
    assert len(lines) == 1 and lines[0].endswith(f"not a {wanted}") and str(other) in lines[0], lines
    assert not (tmp_path / "out").exists()
