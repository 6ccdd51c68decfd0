"""``train-family --workers -1`` / ``--log-every 0`` were written into the three runs' derived
configs, where each run's own process refused them after the family had started; the command
now refuses them in one line naming the option, before any work (nothing made in --out)."""
from __future__ import annotations

import pytest

from core.cli import main
from core.errors import ConfigError
from core.training.family import FamilyPlan

from .conftest import CONFIGS


@pytest.mark.parametrize("field, value, expected", [
    ("workers", -1, "--workers must be at least 0 (got -1)"),
    ("log_every", 0, "--log-every must be at least 1 (got 0)"),
])
def test_the_plan_refuses_them(field, value, expected, tmp_path):
    config = CONFIGS / "tiny_student.json"
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        FamilyPlan(config, config, config, tmp_path / "out", budget_s=400, **{field: value})


@pytest.mark.parametrize("option, expected", [
    (["--workers", "-1"], "error: --workers must be at least 0 (got -1)\n"),
    (["--log-every", "0"], "error: --log-every must be at least 1 (got 0)\n"),
])
def test_the_command_says_it_in_one_line_before_any_work(option, expected, tmp_path, capsys):
    config = str(CONFIGS / "tiny_student.json")
    out = tmp_path / "family"
    assert main(["train-family", "--out", str(out), "--budget-s", "400", "--teacher-config", config,
                 "--student-config", config, "--kd-config", config, *option]) == 2
    assert capsys.readouterr().err == expected
    assert not out.exists()
