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


def test_a_teacher_with_the_authors_layout_is_resized(tmp_path, capsys):
    """An imported MPLT (the authors' layout keeps the unused search-grid ``pos_embed_x_last``) was
    refused: 'backbone.pos_embed_x_last changes shape with the crop sides ...; only the position
    embeddings may'. It is a position embedding of the search grid and is resized like
    ``pos_embed_x``; the written teacher loads at the new sides."""
    import torch

    from core.models.checkpoint import load_checkpoint, save_checkpoint
    from core.models.config import TeacherConfig
    from core.models.registry import build_model

    torch.manual_seed(0)
    config = TeacherConfig(template_size=32, search_size=64, patch_size=16, dim=32, depth=1, num_heads=2,
                           prompt_reduction=8, head_widths=(16, 8), drop_path=0.0)
    assert config.legacy_parameters
    ckpt = save_checkpoint(tmp_path / "mplt.pt", build_model("teacher", config))
    out = tmp_path / "r.pt"
    assert main(["resize-crops", str(ckpt), "--template", "48", "--search", "96", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    model, _ = load_checkpoint(out)
    assert (model.config.template_size, model.config.search_size) == (48, 96)
    assert tuple(model.state_dict()["backbone.pos_embed_x_last"].shape) == (1, 36, 32)
