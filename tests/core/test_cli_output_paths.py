"""Output file options named like a folder (a trailing slash), empty, or standard output ('-'):
refused by every command before any work."""

from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("value,problem", [("newdir/", "ends with a slash"), ("", "is empty"),
                                           ("-", "'-' (standard output) is not supported")])
def test_an_output_file_named_like_a_folder_or_stdout_is_refused(value, problem, tmp_path, capsys, monkeypatch):
    """``track --out results/`` wrote a FILE named 'results', ``--out -`` a file named '-', and
    ``--out ''`` was refused as '.: --out is a folder'."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["track", str(seq), "--tracker", "kcf", "--out", value])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "error: argument --out: " in err and problem in err, err
    assert not (tmp_path / "newdir").exists() and not (tmp_path / "-").exists()



@pytest.mark.parametrize("argv", [["export-distill", "{seq}", "--out", "x/"], ["average-weights", "a.pt", "b.pt",
                                  "--out", "x/"], ["resize-crops", "a.pt", "--template", "64", "--search", "128",
                                  "--out", "x/"], ["import-weights", "a.pth.tar", "x/", "--kind", "mplt"],
                                  ["eval", "{seq}", "--gt", "{seq}", "--protocol", "lasher", "--json", "x/"],
                                  ["pseudo-labels", "x/"], ["track", "{seq}", "--out", "b.txt", "--scores", "x/"]])
def test_every_output_file_option_refuses_a_trailing_slash(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # what a command would write as 'x' goes there
    with pytest.raises(SystemExit) as stop:
        main([a.replace("{seq}", str(tmp_path)) for a in argv])
    assert stop.value.code == 2 and "ends with a slash" in capsys.readouterr().err
