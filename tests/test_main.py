"""main.py, the entry point: Ctrl+C while ``core.cli`` is still being imported."""
from __future__ import annotations

import sys
import types

import main


class _Interrupted(types.ModuleType):
    def __getattr__(self, name):
        raise KeyboardInterrupt  # what Ctrl+C in the middle of `from core.cli import main` raises


def test_ctrl_c_while_the_command_line_is_imported_is_one_line_and_130(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "core.cli", _Interrupted("core.cli"))
    assert main.main(["--help"]) == 130
    assert capsys.readouterr().err == "cancelled\n"


def test_ctrl_c_that_a_library_turned_into_its_own_error_is_one_line_and_130(monkeypatch, capsys):
    """Ctrl+C while track-dataset imported onnxruntime printed 51 lines ending in onnxruntime's
    'ImportError: initialization failed' (the KeyboardInterrupt in its context), status 1."""
    import core.cli

    def importing_onnxruntime(*args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ImportError("initialization failed") from None

    monkeypatch.setattr(core.cli, "_main", importing_onnxruntime)
    assert main.main(["track-dataset", "ds", "--results", "r"]) == 130
    assert capsys.readouterr().err == "cancelled\n"


def test_an_error_without_ctrl_c_still_raises(monkeypatch):
    import pytest

    import core.cli

    def broken(*args):
        raise ImportError("a real bug")

    monkeypatch.setattr(core.cli, "_main", broken)
    with pytest.raises(ImportError, match="a real bug"):
        main.main(["track"])
