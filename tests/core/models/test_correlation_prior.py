"""The correlation prior: NCC of the template's central cells over the search map, in the models and in ONNX."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from core.errors import ConfigError
from core.models.config import student_config, teacher_config
from core.models.correlation_prior import CorrelationPrior
from core.models.registry import build_model


def test_prior_peaks_where_the_target_cells_are():
    torch.manual_seed(0)
    template = torch.randn(2, 40, 8, 8)
    search = torch.randn(2, 40, 16, 16) * 0.1
    search[0, :, 9:13, 3:7] = template[0, :, 2:6, 2:6]  # visible: the target at rows 9..12, cols 3..6
    search[1, :, 2:6, 10:14] = template[1, :, 2:6, 2:6]  # thermal: elsewhere
    prior = CorrelationPrior(8)(template, search, 1)
    assert prior.shape == (1, 2, 16, 16)
    assert prior.abs().max() <= 1.0 + 1e-5
    # the kernel's cell (2, 2) sits on output cell (row, col) when the window starts at row - 2
    assert divmod(int(prior[0, 0].argmax()), 16) == (11, 5)
    assert divmod(int(prior[0, 1].argmax()), 16) == (4, 12)
    assert prior[0, 0].max() > 0.99


def test_prior_needs_the_pretrained_stem():
    with pytest.raises(ConfigError, match="correlation_prior"):
        student_config("bundled", stem="patch", patch_size=8, correlation_prior=True)


@pytest.mark.parametrize("factory, config", [("student", student_config("bundled", correlation_prior=True)),
                                             ("teacher", teacher_config("bundled", correlation_prior=True))])
def test_models_with_the_prior_run_and_change_with_the_search(factory, config):
    torch.manual_seed(0)
    model = build_model(factory, config, pretrained_stem=False).eval()
    assert model.box_head.conv1_ctr[0].in_channels == config.dim + 2
    z = torch.randn(2, 3, 64, 64)
    x = torch.randn(2, 3, 128, 128)
    with torch.no_grad():
        score, size, offset, feature = model(z, z, x, x)
        moved = model(z, z, torch.roll(x, 16, dims=-1), torch.roll(x, 16, dims=-1))[0]
    assert score.shape == (2, 1, 16, 16) and feature.shape == (2, config.dim, 16, 16)
    assert not torch.allclose(score, moved)


def test_prior_exports_to_onnx_and_matches(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    torch.manual_seed(0)
    model = build_model("student", student_config("bundled", correlation_prior=True), pretrained_stem=False).eval()
    z = torch.randn(1, 3, 64, 64)
    x = torch.randn(1, 3, 128, 128)
    path = tmp_path / "s.onnx"
    torch.onnx.export(model, (z, z, x, x), str(path), input_names=["zv", "zt", "xv", "xt"], opset_version=17,
                      dynamo=False)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feed = {"zv": z.numpy(), "zt": z.numpy(), "xv": x.numpy(), "xt": x.numpy()}
    got = session.run(None, feed)[0]
    with torch.no_grad():
        want = model(z, z, x, x)[0].numpy()
    np.testing.assert_allclose(got, want, atol=1e-4)
