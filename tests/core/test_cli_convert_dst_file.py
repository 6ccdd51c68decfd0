"""convert to a folder format with DST an existing file (a slip: the xywh habit) said
'error: out.txt/visible.txt: out.txt is a file, not a folder', naming a path that does not exist."""
from __future__ import annotations

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line


@pytest.mark.parametrize("target", ["lasher", "gtot", "got10k", "vot"])
def test_a_file_as_a_folder_target_is_named_as_it_is(tmp_path, capsys, target):
    src = tmp_path / "boxes.txt"
    src.write_text("1,2,30,40\n2,2,30,40\n")
    dst = tmp_path / "out.txt"
    dst.write_text("mine\n")
    assert main(["convert", str(src), str(dst), "--to", target]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {dst}: DST is a file; --to {target} writes a folder of annotation files (give a folder; --to xywh "
        "writes one file)")
    assert dst.read_text() == "mine\n"
