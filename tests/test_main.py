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
