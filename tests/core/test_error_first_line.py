"""core.errors.first_line: the one line a user sees of a library's long error."""
from __future__ import annotations

from core.errors import first_line


def test_the_first_non_blank_line_stripped():
    error = RuntimeError("\n   \n  [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : bad input  \nStack trace:\n  frame 1")
    assert first_line(error) == "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : bad input"


def test_an_error_without_text_gives_its_type():
    assert first_line(KeyError()) == "KeyError"
    assert first_line(ValueError("  \n \n")) == "ValueError"


def test_a_limit_cuts_and_marks_the_cut():
    error = OSError("x" * 50)
    assert first_line(error, limit=20) == "x" * 17 + "..."
    assert len(first_line(error, limit=20)) == 20
    assert first_line(OSError("short"), limit=20) == "short"
    assert first_line(OSError("y" * 20), limit=20) == "y" * 20
