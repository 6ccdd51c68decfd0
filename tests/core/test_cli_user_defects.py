"""What a demanding user of the command line met (each test failed before its fix): messages
that named no file or the wrong problem, and commands that silently did something else than
what was asked."""
from __future__ import annotations

import json

from core.cli import main

TINY_TEACHER = {"template_size": 32, "search_size": 64, "patch_size": 16, "dim": 32, "depth": 2, "num_heads": 2,
                "head_widths": [16, 8, 8, 4], "drop_path": 0.0}


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_import_weights_mplt_layout_mismatch_names_the_source_file(tmp_path, capsys):
    """An MPLT file whose keys do not fit the teacher said 'error: <no file>: does not match the
    teacher layout ...': the one line named no file."""
    import torch

    config = tmp_path / "teacher.json"
    config.write_text(json.dumps(TINY_TEACHER))
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": {"foo": torch.zeros(3)}}, src)
    code = main(["import-weights", str(src), str(tmp_path / "x.pt"), "--kind", "mplt", "--config", str(config)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {src}: does not match the teacher layout"), line
    assert "<no file>" not in line
    assert not (tmp_path / "x.pt").exists()


def test_import_weights_source_folder_is_called_a_folder(tmp_path, capsys):
    """A folder given as SRC (the download folder instead of the file in it) was 'checkpoint file
    not found', though it is right there."""
    code = main(["import-weights", str(tmp_path), str(tmp_path / "x.pt"), "--kind", "mplt"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {tmp_path}: is a folder"), line
    assert "not found" not in line
