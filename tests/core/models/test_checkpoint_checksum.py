"""A checkpoint whose bytes were damaged inside (a bit flipped by a disk or a copy, a block of zeros
where a copy left a hole) while its zip central directory is intact loaded the damaged weights
without a word (or failed deep inside with a misleading 'unsupported checkpoint version None').
Every zip member's CRC-32 is now checked before loading: one line naming the file."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from core.cli import main
from core.errors import CheckpointError
from tests.core.cli_lines import one_error_line


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(0)
    config = student_config("bundled", pretrained_stem=False, depth=1)
    return save_checkpoint(tmp_path_factory.mktemp("ckpt") / "student.pt",
                           build_model("student", config, pretrained_stem=False))


def _damaged(source: Path, target: Path, member: str, how: str) -> Path:
    """``source`` with the bytes of its zip member ending in ``member`` damaged: one bit flipped
    ("flip") or 64 bytes zeroed ("hole"), 40 bytes into the member's data; the rest as it was."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = max((i for i in archive.infolist() if i.filename.endswith(member)), key=lambda i: i.file_size)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length + 40
    if how == "flip":
        data[start] ^= 0x10
    else:
        data[start:start + 64] = bytes(64)
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(("member", "how"), [("data/0", "flip"), ("data.pkl", "flip"), ("data/0", "hole")])
def test_damaged_bytes_inside_a_checkpoint_are_one_line_naming_it(whole, tmp_path, member, how):
    from core.models.checkpoint import load_checkpoint

    bad = _damaged(whole, tmp_path / "bad.pt", member, how)
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(bad)
    assert caught.value.path == bad
    assert "is damaged: its record" in str(caught.value) and "fails its checksum" in str(caught.value), str(caught.value)


def test_track_with_a_damaged_checkpoint_says_so_in_one_line(whole, tmp_path, capsys):
    from tests.core.safety.conftest import make_sequence

    bad = _damaged(whole, tmp_path / "bad.pt", "data/0", "flip")
    seq = make_sequence(tmp_path / "seq", frames=3)
    out = tmp_path / "o.txt"
    assert main(["track", str(seq), "--weights", str(bad), "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {bad}: is damaged: its record"), line
    assert not out.exists()


def test_an_intact_checkpoint_still_loads(whole):
    from core.models.checkpoint import load_checkpoint

    model, _extra = load_checkpoint(whole)
    assert model.FACTORY == "student"
