"""Shared by the command-line tests (``tests/core/test_cli_*.py``; what a demanding user of the
command line met, each test failing before its fix): where the project is, and the one error
line a bad input must give."""
from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def one_error_line(err: str) -> str:
    """The single line of ``err`` (stderr), after checking it is one line and no traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]
