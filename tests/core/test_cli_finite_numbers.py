"""Number options given ``nan`` / ``inf``: ``type=float`` took them, and ``train-family
--budget-s nan`` passed the budget check (every comparison with nan is False), then failed on
the data root. Each is now the option's one argparse line (status 2) before any work."""
from __future__ import annotations

import argparse

import pytest

from core.cli import main
from core.commands.arguments import finite_float


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN", "Infinity"])
def test_finite_float_refuses_what_is_no_finite_number(text):
    with pytest.raises(argparse.ArgumentTypeError, match="finite"):
        finite_float(text)


def test_finite_float_keeps_numbers():
    assert finite_float("-2.5") == -2.5 and finite_float("1e-4") == 1e-4


@pytest.mark.parametrize("argv,option", [
    (["train-family", "--out", "{tmp}/family", "--budget-s", "nan"], "--budget-s"),
    (["train-family", "--out", "{tmp}/family", "--budget-s", "60", "--calibrate-s", "inf"], "--calibrate-s"),
    (["distill", "--data", "{tmp}/none.h5", "--lr", "nan"], "--lr"),
    (["compact-data", "--out", "{tmp}/c", "--context", "inf"], "--context"),
    (["pseudo-labels", "{tmp}/p.json", "--min-iou", "nan"], "--min-iou"),
])
def test_a_non_finite_number_is_the_options_one_line(argv, option, tmp_path, capsys):
    argv = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    line = err.strip().splitlines()[-1]  # argparse's usage, then its one error line
    assert "Traceback" not in err and line.endswith(f"argument {option}: must be a finite number, got "
                                                   f"{argv[argv.index(option) + 1]!r}"), err
    assert stop.value.code == 2
    assert not any(tmp_path.iterdir())  # nothing written
