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


def test_a_path_alone_opens_in_the_studio(monkeypatch, tmp_path, capsys):
    """`python main.py FOLDER` was argparse's 'invalid choice' error; only `studio FOLDER` worked.
    An existing file or folder as the first argument now means the studio; a misspelt command
    is still the parser's one-line error."""
    import pytest

    import app.commands

    opened = []
    monkeypatch.setattr(app.commands, "run", lambda args: opened.append((args.sources, args.project)) or 0)
    folder = tmp_path / "sequence"
    folder.mkdir()
    project = tmp_path / "p.rgbt.sqlite"
    assert main.main([str(folder), "--project", str(project)]) == 0
    assert opened == [([folder], project)]
    with pytest.raises(SystemExit) as exit_info:
        main.main(["trak", str(folder)])
    assert exit_info.value.code == 2
    assert "invalid choice: 'trak'" in capsys.readouterr().err
    capsys.readouterr()
    # a path that does not exist: one line naming it, status 2 (core.cli.missing_studio_input, 6dbaf2e),
    # no longer argparse's usage and 'invalid choice'
    assert main.main([str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {tmp_path / 'missing'}: sequence folder does not exist"]
    assert opened == [([folder], project)]


def test_the_studio_s_own_options_first_open_the_studio(monkeypatch, tmp_path, capsys):
    """`python main.py --project p.rgbt.sqlite` (reopening a project by its database, as the
    README's `studio --project` without the word) was argparse's "invalid choice: 'p.rgbt.sqlite'",
    the path taken for a misspelt command; the studio's options first now mean the studio, --help
    still the main help."""
    import pytest

    import app.commands

    opened = []
    monkeypatch.setattr(app.commands, "run", lambda args: opened.append((args.sources, args.project,
                                                                         args.frame_offset)) or 0)
    project = tmp_path / "p.rgbt.sqlite"
    assert main.main(["--project", str(project)]) == 0
    assert main.main([f"--project={project}"]) == 0
    assert main.main(["--frame-offset", "3", str(tmp_path), "--project", str(project)]) == 0
    assert opened == [([], project, None), ([], project, None), ([tmp_path], project, 3)]
    assert "invalid choice" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main.main(["--help"])
    assert exit_info.value.code == 0
    assert "COMMAND" in capsys.readouterr().out
