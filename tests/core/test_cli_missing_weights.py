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


def test_track_with_a_named_checkpoint_that_does_not_exist_says_so_in_its_warning(tmp_path, capsys):
    """``track --weights typo.pt --random-weights`` warned only 'uses RANDOM weights', never that the file
    named is missing (tests force random weights this way, so track still runs; the warning names it)."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    missing = tmp_path / "typo.pt"
    assert main(["track", str(seq), "--weights", str(missing), "--random-weights", "--threads", "1", "--out",
                 str(tmp_path / "o.txt")]) == 0
    assert (f"WARNING: --weights {missing} does not exist; --random-weights runs random weights in its place (leave "
            "--weights out to run the bundled checkpoint)") in capsys.readouterr().err.splitlines()
