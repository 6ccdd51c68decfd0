"""``bench safeguards`` and ``bench size-response`` have no --random-weights, yet a --weights naming a file
that does not exist was refused with '... give --weights, or use --random-weights for a demo' (the user had
given --weights, and the option it advised does not exist there); safeguards first read every sequence of
the split. It is now the line of the other benches, without --random-weights, before any footage is read."""
from __future__ import annotations

import pytest

from main import main

CASES = {
    "safeguards": ["bench", "safeguards", "--weights", "{missing}", "--max-frames", "5", "--jobs", "1",
                   "--data-root", "{tmp}/empty"],
    "size-response": ["bench", "size-response", "--weights", "{missing}", "--max-frames", "5",
                      "--data-root", "{tmp}/empty"],
}


@pytest.mark.parametrize("bench", list(CASES))
def test_a_missing_weights_file_is_the_benches_one_line(bench, tmp_path, capsys):
    missing = tmp_path / "typo.pt"
    (tmp_path / "empty").mkdir()
    assert main([a.format(missing=missing, tmp=tmp_path) for a in CASES[bench]]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: {missing}: --weights names a checkpoint that does not exist (fix the path, or leave "
                     "--weights out: the bundled one)"], lines
