"""A command whose output is piped into a reader that stops early (``eval ... | head -3``)."""
from __future__ import annotations

import io
import os

from core.cli import main


def _closed_pipe():
    """A text stream whose reader has gone: writing and flushing raise BrokenPipeError."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return io.TextIOWrapper(io.FileIO(write_end, "w"), write_through=False)


def test_a_reader_that_stops_early_is_no_error(tmp_path, monkeypatch, capsys):
    """``eval ... | head -1`` printed 'error: Broken pipe ([Errno 32] Broken pipe)' after the
    lines head showed, as if the evaluation had failed; a shell's own commands end quietly."""
    gt, results = tmp_path / "gt", tmp_path / "results"
    gt.mkdir()
    results.mkdir()
    (gt / "seq.txt").write_text("10,20,30,40\n11,20,30,40\n")
    (results / "seq.txt").write_text("10,20,30,40\n12,20,30,40\n")
    stdout = _closed_pipe()
    monkeypatch.setattr("sys.stdout", stdout)
    code = main(["eval", str(results), "--gt", str(gt), "--protocol", "lasher", "--per-sequence"])
    assert code == 141
    assert capsys.readouterr().err == ""
    stdout.write("the interpreter's last flush at exit\n")
    stdout.flush()  # no second BrokenPipeError: standard output now goes to the null device


def test_a_broken_pipe_that_is_not_standard_output_is_still_an_error(monkeypatch, capsys):
    """A worker's pipe breaking is a failure, not a reader that stopped: it is not swallowed."""
    import core.cli

    def fail(*_):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(core.cli, "_main", fail)
    try:
        main(["eval"])
    except BrokenPipeError:
        pass
    else:
        raise AssertionError("a broken pipe of another stream was swallowed")
