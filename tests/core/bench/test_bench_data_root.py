"""A --data-root given that does not exist: bench size-response printed one 'skipped: no folder' line per view
of the split before its error, loop-real one line of several thousand characters (after creating --out),
annotate ran its synthetic part for minutes with a note. Each is one line naming the folder, before any work,
in the words compact-data and pseudo-labels use (core.commands.arguments.refuse_missing_data_root)."""
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
    assert captured.err.strip().splitlines() == [f"error: {missing}: real data root does not exist (--data-root: the "
                                                 "folder the split's paths are relative to)"], captured.err
    assert captured.out == "" and not (tmp_path / "out").exists()


def test_one_check_of_a_missing_data_root_the_default_may_be_absent(tmp_path):
    """The benches said 'X: no such folder (--data-root)' (a ConfigError), compact-data and pseudo-labels
    'X: real data root does not exist (...)' (a SequenceError): one check, one message. A bench's default
    root may be absent (a checkout without the shared footage: the synthetic parts run); a given one may not."""
    from core.commands.arguments import refuse_missing_data_root
    from core.errors import SequenceError

    missing = tmp_path / "no-such-data"
    refuse_missing_data_root(missing, default=missing)
    refuse_missing_data_root(tmp_path, default=missing)
    refuse_missing_data_root(tmp_path)
    for default in (None, tmp_path):
        with pytest.raises(SequenceError, match="real data root does not exist") as error:
            refuse_missing_data_root(missing, "--root", default=default)
        assert error.value.path == missing and "(--root: " in error.value.problem
