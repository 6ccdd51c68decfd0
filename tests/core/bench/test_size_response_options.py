"""``bench size-response --every 0`` said 'every must be >= 1, got 0' and ``--scale 2`` 'scale must
lie in (0, 1), got 2.0', after the tracker was loaded and the footage listed, naming no option.
Both are now one line naming the option, before any work."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("option, expected", [
    (["--every", "0"], "argument --every: must be at least 1, got 0"),
    (["--scale", "2"], "error: --scale must lie strictly between 0 and 1"),
    (["--scale", "0"], "error: --scale must lie strictly between 0 and 1"),
])
def test_a_bad_option_is_one_line_naming_it_before_any_work(option, expected, tmp_path, capsys):
    try:
        code = main(["bench", "size-response", "--data-root", str(tmp_path / "no-footage"), *option])
    except SystemExit as exit_:  # argparse's refusal of an option's value
        code = exit_.code
    captured = capsys.readouterr()
    assert code == 2
    assert expected in captured.err and "Traceback" not in captured.err
    assert captured.out == ""  # nothing listed before the refusal
