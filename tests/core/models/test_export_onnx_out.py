"""``export-onnx --out student.onnx`` (a file name, as for most exporters) made a FOLDER named
student.onnx holding student_bundled.onnx, status 0; ``track --weights student.onnx`` then said
it is a folder. A --out that names an .onnx file and is not an existing folder is refused before
any work, naming the folder to give."""
from __future__ import annotations

from core.cli import main
from tests.core.cli_lines import one_error_line


def test_an_out_named_like_an_onnx_file_is_refused(tmp_path, capsys):
    out = tmp_path / "student.onnx"
    assert main(["export-onnx", "--model", "student", "--out", str(out)]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {out}: --out is the folder the export goes into (as {out}/<checkpoint name>.onnx), not the file; "
        f"give its folder, e.g. --out {tmp_path}")
    assert not out.exists()

