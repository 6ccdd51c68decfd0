"""The benches' header lines said '1 sequences (1 families x 1)' (bench accuracy, bench heuristics)
and '1 validation sequences' (bench safeguards): counts now agree with their nouns."""
from __future__ import annotations

from core.cli import main


def test_one_synthetic_sequence_is_said_so(capsys):
    assert main(["bench", "accuracy", "--split", "synthetic", "--families", "clean", "--per-family", "1",
                 "--frames", "4", "--trackers", "csrt", "--threads", "1", "--peer-modality", "visible"]) == 0
    out = capsys.readouterr().out
    assert "synthetic split: 1 sequence (1 family x 1)" in out and "1 sequences" not in out


def test_heuristics_says_it_too(capsys):
    assert main(["bench", "heuristics", "--split", "synthetic", "--families", "clean", "--per-family", "1",
                 "--frames", "4", "--configs", "plain", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "synthetic split: 1 sequence (1 family x 1)" in out
