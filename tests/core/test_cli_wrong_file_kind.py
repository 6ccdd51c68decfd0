"""A file of another kind where a command expects one (a checkpoint or a store given as distillation
data, the teacher's checkpoint given to the student): one line that says what the file is, before
any progress line."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


def _tiny(path, factory: str):
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    torch.manual_seed(0)
    return save_checkpoint(path, random_model(factory))


@pytest.mark.parametrize("kind", ["checkpoint", "store", "empty"])
def test_distill_data_of_another_kind_says_what_it_is(kind, tmp_path, capsys):
    """``distill --data student.pt`` said 'fine-tune: 0/1 loading distillation data', then 'not a readable
    HDF5 file (Unable to synchronously open file (file signature not found))'."""
    data = tmp_path / f"data.{kind}"
    if kind == "checkpoint":
        _tiny(data, "student")
    elif kind == "store":
        import sqlite3

        with sqlite3.connect(data) as db:
            db.execute("create table t (x)")
    else:
        data.write_bytes(b"")
    out = tmp_path / "ft.pt"
    code = main(["distill", "--data", str(data), "--init", str(_tiny(tmp_path / "init.pt", "student")), "--out",
                 str(out), "--steps", "1"])
    line = _one_error_line(capsys.readouterr().err)
    what = {"checkpoint": "is a PyTorch checkpoint", "store": "is an annotation store",
            "empty": "is empty (0 bytes)"}[kind]
    assert code == 2 and line.startswith(f"error: {data}: {what}, not distillation data; give the .h5 file that "
                                         "export-distill or the studio's File > Export wrote"), line
    assert not out.exists()


@pytest.mark.parametrize("with_onnx", [False, True])
def test_the_teacher_given_to_the_student_is_one_line_naming_the_tracker(with_onnx, tmp_path, capsys, request):
    """``track --weights teacher_bundled.pt`` (the student by default) said 'note: skipped teacher_bundled.onnx
    (holds a teacher model, not a student); running teacher_bundled.pt with PyTorch' and then the same
    error about the .pt: two lines, the first calling a good export broken."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    if with_onnx:  # the random teacher and its export (the session's, made once: copied, as a user's files)
        import shutil

        shared = request.getfixturevalue("random_teacher_export")
        weights = Path(shutil.copy(shared, tmp_path / "teacher.pt"))
        shutil.copy(shared.with_suffix(".onnx"), weights.with_suffix(".onnx"))
    else:
        weights = _tiny(tmp_path / "teacher.pt", "teacher")
    out = tmp_path / "o.txt"
    code = main(["track", str(seq), "--weights", str(weights), "--out", str(out), "--threads", "1"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {weights}: holds a teacher model, not a student (run it with --tracker "
                                  "teacher)"), line
    assert not out.exists()
