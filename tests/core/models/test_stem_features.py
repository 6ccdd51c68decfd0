"""The student run from its stem's features computed before (``stem_features=``): what a fine-tune
whose stem is frozen does, computing them off the training graph and once for the frozen initial
student and the one it trains. It must give the student's own outputs."""
from __future__ import annotations

import pytest
import torch

from core.models.config import student_config
from core.models.correlation_prior import stem_features
from core.models.registry import build_model


@pytest.mark.parametrize("prior", [False, True])
def test_the_student_from_its_stem_features_gives_its_own_outputs(prior):
    torch.manual_seed(0)
    model = build_model("student", student_config("bundled", correlation_prior=prior), pretrained_stem=False).eval()
    crops = (torch.randn(3, 3, 64, 64), torch.randn(3, 3, 64, 64), torch.randn(3, 3, 128, 128),
             torch.randn(3, 3, 128, 128))
    with torch.no_grad():
        own = model(*crops)
        features = stem_features(model.backbone.patch_embed, *crops)
        given = model(*crops, stem_features=features)
    assert features[0].shape == (6, 40, 8, 8) and features[1].shape == (6, 40, 16, 16)
    for a, b in zip(own, given, strict=True):
        assert torch.equal(a, b)


def test_the_trained_part_gets_the_same_gradient_from_features_given():
    torch.manual_seed(0)
    model = build_model("student", student_config("bundled", correlation_prior=True), pretrained_stem=False)
    crops = (torch.randn(2, 3, 64, 64), torch.randn(2, 3, 64, 64), torch.randn(2, 3, 128, 128),
             torch.randn(2, 3, 128, 128))
    grads = []
    for given in (False, True):
        model.zero_grad()
        with torch.no_grad():
            features = stem_features(model.backbone.patch_embed, *crops) if given else None
        model(*crops, stem_features=features)[0].sum().backward()
        grads.append({name: p.grad.clone() for name, p in model.named_parameters()
                      if p.grad is not None and (".patch_embed." not in f".{name}" or ".proj." in name)})
    assert grads[0].keys() == grads[1].keys() and "backbone.patch_embed.proj.weight" in grads[1]
    for name, grad in grads[0].items():
        torch.testing.assert_close(grads[1][name], grad, rtol=1e-5, atol=1e-7, msg=name)
