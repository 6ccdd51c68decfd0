"""The footage options of ``bench accuracy --real`` and ``bench safeguards`` (``--veil-visible``,
``--resize``, ``--frame-step``, ``--jpeg``, ``--grey-visible``, ``--init-error``): a value out of range, or the option without ``--real``, is one line
naming the option, with no traceback."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.bench.real_tree import fake_tree

ACCURACY = ["bench", "accuracy", "--trackers", "kcf"]
SAFEGUARDS = ["bench", "safeguards", "--variants", "default,floor10"]


@pytest.mark.parametrize("command, options, message", [
    (ACCURACY, ["--real", "--veil-visible", "1.5"], "--veil-visible must lie strictly between 0 and 1"),
    (ACCURACY, ["--veil-visible", "0.2"], "--veil-visible needs --real"),
    (ACCURACY, ["--real", "--resize", "1"], "--resize must lie in"),
    (ACCURACY, ["--resize", "0.5"], "--resize needs --real"),
    (SAFEGUARDS, ["--resize", "7"], "--resize must lie in"),
    (ACCURACY, ["--real", "--frame-step", "1"], "--frame-step must be a whole number from 2 to 10"),
    (ACCURACY, ["--frame-step", "2"], "--frame-step needs --real"),
    (SAFEGUARDS, ["--frame-step", "20"], "--frame-step must be a whole number from 2 to 10"),
    (ACCURACY, ["--real", "--jpeg", "0"], "--jpeg must be a whole number from 1 to 95"),
    (ACCURACY, ["--jpeg", "40"], "--jpeg needs --real"),
    (SAFEGUARDS, ["--jpeg", "100"], "--jpeg must be a whole number from 1 to 95"),
    (ACCURACY, ["--real", "--init-error", "sideways"], "--init-error must be sre or one of left, right"),
    (ACCURACY, ["--init-error", "sre"], "--init-error needs --real"),
    (ACCURACY, ["--grey-visible"], "--grey-visible needs --real"),
    (SAFEGUARDS, ["--init-error", "scale2"], "--init-error must be sre or one of left, right"),
])
def test_a_bad_footage_option_is_one_line(tmp_path, capsys, command, options, message):
    split_file = fake_tree(tmp_path, frames=6)
    assert main(command + ["--data-root", str(tmp_path), "--split-file", str(split_file)] + options) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
