"""``bench accuracy --weights-dir`` takes the checkpoints by their bundled names
(``student_bundled.pt``); a fine-tuned ``ft.pt`` renamed so left its ONNX copies (``ft.onnx``,
named after the checkpoint's stem) behind, and the bench ran PyTorch without naming them."""
from __future__ import annotations

import shutil

from core.assets import models_dir
from core.bench.contenders import build_contenders, unmatched_exports_note


def _weights_dir(tmp_path, *onnx_names):
    folder = tmp_path / "weights"
    folder.mkdir()
    shutil.copy(models_dir() / "student_bundled.pt", folder / "student_bundled.pt")
    for name in onnx_names:
        (folder / name).write_bytes(b"not read")
    return folder


def test_the_exports_left_under_the_fine_tuned_name_are_said(tmp_path, capsys):
    folder = _weights_dir(tmp_path, "ft.onnx", "ft.int8.onnx")
    (student,) = build_contenders(["student"], weights_dir=folder, engine="auto", device="cpu", threads=1)
    assert student.available
    err = capsys.readouterr().err
    assert err.startswith(f"note: {folder / 'student_bundled.pt'} has no student_bundled.onnx beside it"), err
    assert "ft.int8.onnx, ft.onnx" in err and "rename them to student_bundled.onnx / student_bundled.int8.onnx" in err
    assert f"export-onnx --model student --weights {folder / 'student_bundled.pt'} --out {folder}" in err


def test_nothing_is_said_of_exports_that_belong_to_a_checkpoint(tmp_path):
    folder = _weights_dir(tmp_path, "student_bundled.onnx", "other.onnx")
    (folder / "other.pt").write_bytes(b"x")
    assert unmatched_exports_note(folder / "student_bundled.pt", "student") is None
    (folder / "student_bundled.onnx").unlink()
    assert unmatched_exports_note(folder / "student_bundled.pt", "student") is None  # other.onnx is other.pt's
