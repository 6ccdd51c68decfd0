"""``--random-weights`` stands in for a missing bundled checkpoint only: a checkpoint the user
names (``--weights``, ``--teacher``) that does not exist is one line naming it, before any work,
instead of a warning and a run (or an export) on random weights with status 0."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


def test_export_onnx_of_a_named_checkpoint_that_does_not_exist_is_refused(tmp_path, capsys):
    """``export-onnx --weights typo.pt --random-weights`` wrote student_bundled.onnx of random weights."""
    missing = tmp_path / "typo.pt"
    out = tmp_path / "onnx"
    code = main(["export-onnx", "--model", "student", "--weights", str(missing), "--random-weights", "--out", str(out)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {missing}: --weights names a checkpoint that does not exist; "
                                  "--random-weights stands in only for a missing bundled checkpoint (fix the path, "
                                  "or leave --weights out)"), line
    assert not out.exists()


def test_export_distill_with_a_named_teacher_that_does_not_exist_is_refused(tmp_path, capsys):
    """``export-distill SEQ --teacher typo.pt --random-weights`` stored a random teacher's outputs as
    distillation targets."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=4)
    missing = tmp_path / "typo.pt"
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(seq), "--teacher", str(missing), "--random-weights", "--out", str(out)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {missing}: --teacher names a checkpoint that does not exist"), line
    assert not out.exists()


@pytest.mark.parametrize("random_weights", [False, True])
def test_a_named_checkpoint_that_exists_is_not_refused(random_weights, tmp_path):
    from core.commands.arguments import refuse_missing_named_weights

    present = tmp_path / "w.pt"
    present.write_bytes(b"x")
    refuse_missing_named_weights(random_weights, ("--weights", present), ("--teacher", None))
    refuse_missing_named_weights(False, ("--weights", tmp_path / "absent.pt"))  # the loader says 'not found'


def test_export_distill_with_a_named_teacher_that_does_not_exist_names_its_option(tmp_path, capsys):
    """Without --random-weights, ``export-distill SEQ --teacher typo.pt`` advised 'give --weights', an
    option this command does not have."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=4)
    missing = tmp_path / "typo.pt"
    code = main(["export-distill", str(seq), "--teacher", str(missing), "--out", str(tmp_path / "d.h5")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == f"error: {missing}: --teacher: checkpoint not found", line
    assert not (tmp_path / "d.h5").exists()


@pytest.mark.parametrize("command", ["track", "track-dataset"])
def test_track_with_a_named_checkpoint_that_does_not_exist_is_refused(command, tmp_path, capsys):
    """``track SEQ --weights typo.pt --random-weights`` (and ``track-dataset``) warned that the file was
    missing, then tracked with random weights and status 0 (boxes of no use, written where the
    user expected the checkpoint's); it is now one line naming the file, and nothing is written."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=3)
    missing = tmp_path / "typo.pt"
    out = tmp_path / ("o.txt" if command == "track" else "results")
    where = [str(seq), "--out", str(out)] if command == "track" else [str(seq.parent), "--results", str(out)]
    code = main([command, *where, "--weights", str(missing), "--random-weights", "--threads", "1"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {missing}: --weights names a checkpoint that does not exist; "
                                  "--random-weights stands in only for a missing bundled checkpoint (fix the path, "
                                  "or leave --weights out)"), line
    assert not out.exists()


def test_track_with_random_weights_runs_them_for_a_missing_bundled_checkpoint(tmp_path, monkeypatch, capsys):
    """Without --weights, --random-weights still stands in for the bundled checkpoint when it is missing."""
    import core.tracking.factory
    from tests.core.safety.conftest import make_sequence

    monkeypatch.setattr(core.tracking.factory, "MODELS_DIR", tmp_path / "no-models")
    seq = make_sequence(tmp_path / "seq", frames=3)
    out = tmp_path / "o.txt"
    assert main(["track", str(seq), "--random-weights", "--threads", "1", "--device", "cpu", "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 3
    assert "WARNING: student tracker uses RANDOM weights" in capsys.readouterr().err
