"""``resize-crops``: crop sides a model cannot track with are refused before any work."""
from __future__ import annotations

import pytest

from core.cli import main


def _tiny_student(path):
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(0)
    return save_checkpoint(path, build_model("student", student_config("bundled", pretrained_stem=False, depth=1)))


@pytest.mark.parametrize("template, search", [(128, 64), (96, 88)])
def test_a_search_crop_smaller_than_the_template_is_refused(template, search, tmp_path, capsys):
    """``resize-crops CKPT --template 128 --search 64`` wrote a model whose search crop is smaller than
    its template (status 0): the region searched would not even hold the target's context."""
    ckpt = _tiny_student(tmp_path / "s.pt")
    out = tmp_path / "r.pt"
    code = main(["resize-crops", str(ckpt), "--template", str(template), "--search", str(search), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines() == [
        f"error: --search {search} is smaller than --template {template}: the search crop is the template's region "
        f"and the area around it, where the target is looked for; give a --search of at least {template} (the "
        "bundled models use twice the template)"], err
    assert not out.exists()


def test_a_search_crop_as_large_as_the_template_is_written(tmp_path):
    ckpt = _tiny_student(tmp_path / "s.pt")
    out = tmp_path / "r.pt"
    assert main(["resize-crops", str(ckpt), "--template", "64", "--search", "64", "--out", str(out)]) == 0
    assert out.is_file()
