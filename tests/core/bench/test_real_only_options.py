"""``bench accuracy --max-frames 30`` (or ``--starts 3``) without ``--real``: the options of the
real-footage benchmark were silently ignored and the synthetic benchmark ran in full (over 10
minutes on 2 cores for a user who asked for 30 frames). They are refused in one line, as
``--veil-visible`` and the other footage options already were."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("options, message", [
    (["--max-frames", "30"], "--max-frames needs --real"),
    (["--max-frames", "-3"], "--max-frames needs --real"),
    (["--starts", "3"], "--starts needs --real"),
])
def test_a_real_only_option_without_real_is_one_line(capsys, options, message):
    assert main(["bench", "accuracy", "--trackers", "kcf", *options]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_starts_below_one_is_the_options_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["bench", "accuracy", "--real", "--starts", "0"])
    assert caught.value.code == 2
    assert "argument --starts: must be at least 1" in capsys.readouterr().err
