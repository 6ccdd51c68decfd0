"""``python -m core.training.data_speed --steps 0`` (docs/training.md) printed 'data pipeline: 0.0
samples/s (batch 8, 0 steps, one process)' and an empty profile; --steps and --batch-size are now
whole numbers of at least 1, refused in argparse's one line before the data is opened."""
from __future__ import annotations

import pytest

from core.training.data_speed import main


@pytest.mark.parametrize("option", [["--steps", "0"], ["--batch-size", "0"], ["--steps", "-3"]])
def test_a_count_below_one_is_refused_before_any_work(option, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--config", "configs/student_real.json", *option])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert f"argument {option[0]}: must be at least 1" in captured.err and captured.out == ""
