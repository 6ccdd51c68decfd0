"""Command-line robustness sweep: inputs that a command must never write over, and what
a command must say about the input it was given (each case failed before its fix)."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.training.real_fixture import make_data_root


@pytest.mark.parametrize("where", ["split", "data root"])
def test_pseudo_labels_never_writes_over_the_split_or_into_the_data_root(tmp_path, capsys, where):
    data, split = make_data_root(tmp_path)
    out = split if where == "split" else data / "labels.json"
    before = split.read_bytes()
    code = main(["pseudo-labels", str(out), "--split", str(split), "--data-root", str(data), "--cache-dir",
                 str(tmp_path / "cache"), "--tracklets", "1", "--length", "3", "--min-frames", "2", "--force"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"error: {out}: OUT ")
    assert split.read_bytes() == before
    assert not (data / "labels.json").exists()
