"""The same weights saved twice were two different files: given a path, ``torch.save`` names the
archive's inner folder after it, and ``atomic_path`` writes through a temporary file with a random
name (``.student.pt.23775.ewpxqrem/data.pkl``), so every save had another SHA-256 and bench caches
and reuse records keyed on the weights' checksum never matched a re-save. Saves now go through an
open file (torch's fixed ``archive/`` folder): the same weights are the same bytes."""
from __future__ import annotations

import hashlib
import zipfile

import torch

from core.models.checkpoint import load_checkpoint, save_checkpoint, save_torch_file
from core.models.config import student_config
from core.models.registry import build_model


def _student():
    torch.manual_seed(0)
    return build_model("student", student_config("bundled", pretrained_stem=False, depth=1), pretrained_stem=False)


def test_the_same_weights_saved_twice_under_two_names_are_the_same_bytes(tmp_path):
    model = _student()
    first = save_checkpoint(tmp_path / "student.pt", model)
    (tmp_path / "again").mkdir()
    second = save_checkpoint(tmp_path / "again" / "other_name.pt", model)
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    with zipfile.ZipFile(first) as archive:
        folders = {name.split("/")[0] for name in archive.namelist()}
    assert folders == {"archive"}, folders
    state = load_checkpoint(first)[0].state_dict()
    for key, value in model.state_dict().items():
        assert torch.equal(state[key], value), key


def test_a_plain_torch_file_has_no_temporary_name_inside(tmp_path):
    save_torch_file({"x": torch.arange(3)}, tmp_path / "a.pth")
    save_torch_file({"x": torch.arange(3)}, tmp_path / "b.pth")
    assert (tmp_path / "a.pth").read_bytes() == (tmp_path / "b.pth").read_bytes()
    assert torch.equal(torch.load(tmp_path / "b.pth", weights_only=True)["x"], torch.arange(3))
