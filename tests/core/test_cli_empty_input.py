"""An input given as '' (an unset shell variable: ``track "$SEQ" ...``) was taken for the
current folder: 'error: .: unknown sequence layout; ... Found: .git/, .venv/, ...', or
track-dataset '' pointing at the project's own assets. Every positional input now refuses it."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("argv", [
    ["track", "", "--init", "1,1,5,5", "--out", "OUT"],
    ["track", "SEQ", "", "--init", "1,1,5,5", "--out", "OUT"],
    ["render", "", "--out", "OUT.mp4"],
    ["export-distill", "", "--out", "OUT.h5"],
    ["eval", "", "--gt", "SEQ", "--protocol", "lasher"],
    ["convert", "", "OUT.txt", "--to", "xywh"],
    ["track-dataset", "", "--results", "RES"],
], ids=["track", "track-thermal", "render", "export-distill", "eval", "convert", "track-dataset"])
def test_an_empty_input_is_refused_not_taken_for_the_current_folder(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(
        "is empty; give a file or folder (an unset shell variable?)")
    assert list(tmp_path.iterdir()) == []
