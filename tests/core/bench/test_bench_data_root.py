"""A --data-root given that does not exist: bench size-response printed one 'skipped: no folder' line per view
of the split before its error, loop-real one line of several thousand characters (after creating --out),
annotate ran its synthetic part for minutes with a note. Each is one line naming the folder, before any work,
as bench accuracy already said it."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("argv", [
    ["bench", "size-response"],
    ["bench", "heuristics", "--random-weights"],
    ["bench", "loop-real", "--random-weights", "--out", "{tmp}/out"],
    ["bench", "annotate", "--random-weights"],
    ["bench", "accuracy", "--real"],
], ids=lambda argv: argv[1])
def test_a_data_root_given_that_does_not_exist_is_one_line_before_any_work(argv, tmp_path, capsys):
    missing = tmp_path / "no-such-data"
    argv = [a.format(tmp=tmp_path) for a in argv] + ["--data-root", str(missing)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [f"error: {missing}: no such folder (--data-root)"], captured.err
    assert captured.out == "" and not (tmp_path / "out").exists()
