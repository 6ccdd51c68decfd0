"""``export-onnx`` on a full disk named its hidden temporary file and the exporters' fallback:
'error: DIR/.student_bundled.onnx.17772.je1se_sm.onnx: ONNX export failed (legacy: OSError: [Errno 28]
No space left on device; dynamo: ModuleNotFoundError: No module named 'onnxscript')'; the int8 copy
'DIR/.student_bundled.int8.onnx.17833.q20rwra_.onnx: cannot write (no space left on the disk)' (both
seen on a full tmpfs). Now the file the user asked for, and what happened."""
from __future__ import annotations

import pytest

from core.cli import main
from core.errors import ExportError, OutputError
from tests.core.cli_lines import one_error_line


@pytest.mark.parametrize("error_kind,problem", [
    (ExportError, "ONNX export failed (legacy: OSError: [Errno 28] No space left on device; dynamo: "
                  "ModuleNotFoundError: No module named 'onnxscript')"),
    (OutputError, "cannot write (no space left on the disk); nothing was changed"),
])
def test_a_full_disk_names_the_onnx_file_asked_for(tmp_path, capsys, monkeypatch, error_kind, problem):
    import core.tracking.onnx_export as onnx_export

    def full(model, path, **kwargs):
        raise error_kind(path, problem)

    monkeypatch.setattr(onnx_export, "export_onnx", full)
    out = tmp_path / "onnx"
    assert main(["export-onnx", "--model", "student", "--out", str(out)]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {out / 'student_bundled.onnx'}: cannot write (no space left on the disk); nothing was changed")
    assert not out.exists()
