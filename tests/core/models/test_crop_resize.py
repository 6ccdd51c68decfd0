"""Resizing a trained network to other crop sides: only the grid embeddings change."""
import pytest
import torch

from core.cli import main as cli_main
from core.errors import ConfigError
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.config import student_config, teacher_config
from core.models.crop_resize import resize_grid_embedding, resized_for_crops
from core.models.registry import build_model

from .conftest import model_inputs


def _small(factory: str):
    torch.manual_seed(0)
    make = teacher_config if factory == "teacher" else student_config
    return build_model(factory, make("bundled", pretrained_stem=False, depth=1)).eval()


@pytest.mark.parametrize("factory", ["teacher", "student"])
def test_same_sides_give_the_same_network(factory):
    model = _small(factory)
    copy = resized_for_crops(model, 64, 128)
    inputs = model_inputs(model.config)
    with torch.no_grad():
        for a, b in zip(model(*inputs), copy(*inputs), strict=True):
            torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("factory", ["teacher", "student"])
def test_larger_sides_keep_every_other_weight_and_give_larger_maps(factory):
    model = _small(factory)
    resized = resized_for_crops(model, 96, 192)
    assert (resized.config.template_size, resized.config.search_size, resized.config.feature_size) == (96, 192, 24)
    before, after = model.state_dict(), resized.state_dict()
    assert set(before) == set(after)
    for name, tensor in before.items():
        if name.startswith("backbone.pos_embed"):
            assert after[name].shape[1] == (144 if name.endswith("_z") else 576)
        else:
            assert torch.equal(tensor, after[name]), name
    with torch.no_grad():
        score, size, offset, feature = resized(*model_inputs(resized.config))
    assert score.shape == (1, 1, 24, 24) and feature.shape[-2:] == (24, 24)


def test_a_smooth_grid_embedding_is_resampled_not_reordered():
    # channel 0 = column, channel 1 = row, in grid units of the old 8x8 grid (cell centres)
    side = 8
    rows, cols = torch.meshgrid(torch.arange(side, dtype=torch.float32), torch.arange(side, dtype=torch.float32),
                                indexing="ij")
    embedding = torch.stack([cols, rows], dim=-1).reshape(1, side * side, 2)
    resized = resize_grid_embedding(embedding, 16 * 16).reshape(16, 16, 2)
    # new cell j's centre lies at old coordinate (j + 0.5) / 2 - 0.5; PyTorch's bicubic kernel (a = -0.75)
    # follows a ramp to within 0.05 cell away from the border; a transposed or shifted grid is off by whole cells
    expected = (torch.arange(16, dtype=torch.float32) + 0.5) / 2 - 0.5
    torch.testing.assert_close(resized[4:12, 4:12, 0], expected[4:12].expand(8, 8), atol=0.05, rtol=0)
    torch.testing.assert_close(resized[4:12, 4:12, 1], expected[4:12, None].expand(8, 8), atol=0.05, rtol=0)
    with pytest.raises(ConfigError, match="square"):
        resize_grid_embedding(embedding, 50)


def test_the_command_writes_a_loadable_checkpoint_and_refuses_bad_sides(tmp_path, capsys):
    source = save_checkpoint(tmp_path / "student.pt", _small("student"))
    before = source.read_bytes()
    out = tmp_path / "student_96.pt"
    assert cli_main(["resize-crops", str(source), "--template", "96", "--search", "192", "--out", str(out)]) == 0
    model, extra = load_checkpoint(out)
    assert (model.config.template_size, model.config.search_size) == (96, 192)
    assert extra["resized_from"] == str(source)
    assert source.read_bytes() == before
    assert cli_main(["resize-crops", str(source), "--template", "100", "--search", "192",
                     "--out", str(tmp_path / "bad.pt")]) == 2
    err = capsys.readouterr().err
    assert "student.pt" in err and "multiple of patch_size" in err and "Traceback" not in err
    assert not (tmp_path / "bad.pt").exists()
    assert cli_main(["resize-crops", str(source), "--template", "96", "--search", "192", "--out", str(source),
                     "--force"]) == 2
    assert source.read_bytes() == before
