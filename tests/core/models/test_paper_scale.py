"""Paper scale (ViT-B/16, 128/256): one forward each, parameter counts, the cost ratio."""
import pytest
import torch

from core.models import build_model, student_config, teacher_config
from core.models.profile import count_gflops
from tests.core.models.conftest import model_inputs


@pytest.mark.parametrize("factory,make", [("teacher", teacher_config), ("student", student_config)])
def test_paper_forward_shapes(factory, make):
    cfg = make("paper")
    assert (cfg.template_size, cfg.search_size, cfg.feature_size, cfg.feature_dim) == (128, 256, 16, 768)
    assert (cfg.patch_size, cfg.num_heads, cfg.stem) == (16, 12, "patch")
    torch.manual_seed(0)
    model = build_model(factory, cfg)
    with torch.no_grad():
        score, size, offset, feature = model(*model_inputs(cfg))
    assert score.shape == (1, 1, 16, 16) and size.shape == (1, 2, 16, 16) and offset.shape == (1, 2, 16, 16)
    assert feature.shape == (1, 768, 16, 16)
    assert torch.isfinite(score).all() and bool(score.min() >= torch.tensor(1e-4))


def test_paper_student_is_at_least_three_times_cheaper_in_flops():
    with torch.device("meta"):
        teacher = build_model("teacher", teacher_config("paper"))
        student = build_model("student", student_config("paper"))
    t, s = count_gflops(teacher), count_gflops(student)
    assert 120 < t < 132  # about 63 GMACs, as tracker.md states
    assert t / s >= 3.0
