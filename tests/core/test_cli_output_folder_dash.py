"""A folder output given as '-' or '' (the habit of tools that write to standard output, or an
unset shell variable): synth - made a folder named '-', convert SRC - --to xywh a file named '-',
synth '' wrote into the current folder. Every folder output refuses both, as the file outputs
(output_file) already did."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("argv", [
    ["synth", "{}"],
    ["compact-data", "{}"],
    ["convert", "SEQ", "{}", "--to", "xywh"],
    ["track-dataset", "ROOT", "--results", "{}"],
    ["export-onnx", "--out", "{}"],
    ["eval", "r.txt", "--gt", "SEQ", "--protocol", "lasher", "--plots", "{}"],
    ["train-family", "--out", "{}", "--budget-s", "600"],
    ["train", "--config", "c.json", "--out", "{}"],
], ids=["synth", "compact-data", "convert", "track-dataset", "export-onnx", "eval", "train-family", "train"])
@pytest.mark.parametrize("value, problem", [("-", "'-' (standard output) is not supported; give a folder"),
                                           ("", "is empty; give a folder")], ids=["dash", "empty"])
def test_dash_and_empty_folder_outputs_are_refused(argv, value, problem, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main([value if part == "{}" else part for part in argv])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(problem)
    assert list(tmp_path.iterdir()) == []
