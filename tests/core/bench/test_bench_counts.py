"""Counts of the benches that cannot be zero: ``bench memory --every 0`` ended in a ZeroDivisionError traceback,
``bench open --random-samples 0`` in numpy's IndexError, ``bench speed --frames 0`` printed a bare line with status
1, ``bench loop --annotate 0`` / ``--frames 1`` / ``--steps 0`` ran for minutes before failing. Each is refused by
the parser: its usage and one 'error: argument --X: must be at least N' line, status 2, before any work."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("argv,said", [
    (["bench", "memory", "--every", "0"], "argument --every: must be at least 1, got 0"),
    (["bench", "memory", "--warmup", "-1"], "argument --warmup: must be at least 0, got -1"),
    (["bench", "open", "--random-samples", "0"], "argument --random-samples: must be at least 1, got 0"),
    (["bench", "speed", "--frames", "0"], "argument --frames: must be at least 1, got 0"),
    (["bench", "speed", "--paper-frames", "0"], "argument --paper-frames: must be at least 1, got 0"),
    (["bench", "loop", "--annotate", "0"], "argument --annotate: must be at least 1, got 0"),
    (["bench", "loop", "--frames", "1"], "argument --frames: must be at least 2, got 1"),
    (["bench", "loop", "--eval-frames", "1"], "argument --eval-frames: must be at least 2, got 1"),
    (["bench", "loop", "--per-family", "0"], "argument --per-family: must be at least 1, got 0"),
    (["bench", "loop", "--family-eval", "0"], "argument --family-eval: must be at least 1, got 0"),
    (["bench", "loop", "--steps", "0"], "argument --steps: must be at least 1, got 0"),
    (["bench", "loop", "--batch-size", "0"], "argument --batch-size: must be at least 1, got 0"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_count_below_its_least_is_refused_by_the_parser(argv, said, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].endswith(f"error: {said}"), err
    assert "Traceback" not in err
