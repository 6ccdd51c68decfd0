"""An ``.onnx`` under a folder whose name is not valid UTF-8: ONNX Runtime's session took the path
as a str and failed with a multi-line error; with ``--engine auto`` the export beside the ``.pt``
made the whole load fail. The session now gets the file's bytes."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from core.models.checkpoint import save_checkpoint
from core.tracking.factory import load_tracker, random_model
from core.tracking.onnx_export import export_onnx


def _non_utf8_folder(parent: Path) -> Path:
    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system takes only valid Unicode names")
    folder = Path(os.fsdecode(os.fsencode(str(parent)) + b"/models\xff"))
    folder.mkdir()
    return folder


def test_an_export_under_a_non_utf8_folder_runs(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    model = random_model("student")
    pt = save_checkpoint(plain / "student.pt", model)
    export_onnx(model, plain / "student.onnx", source_checkpoint=pt)
    folder = _non_utf8_folder(tmp_path)
    for name in ("student.pt", "student.onnx"):
        shutil.copy2(plain / name, folder / name)
    for engine in ("onnx", "auto"):
        tracker = load_tracker("student", folder / "student.pt", engine=engine, device="cpu", threads=1)
        assert tracker.engine.name == "onnx", engine  # the export, not a failure nor a fallback
    assert load_tracker("student", folder / "student.onnx", device="cpu", threads=1).engine.name == "onnx"

