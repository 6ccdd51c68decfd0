import dataclasses

import pytest
import torch

from core.errors import ConfigError
from core.training.actors import DistillationActor, TaskActor
from core.training.config import DistillConfig, LossConfig, OptimConfig
from core.training.model_setup import make_optimizer, parameter_groups

ALL_OFF = DistillConfig(feature=0, score=0, box_l1=0, box_giou=0, task=0)


def _loss(teacher, student, batch, distill):
    torch.manual_seed(0)
    actor = DistillationActor(teacher, student, distill, LossConfig()).train()
    total, stats = actor(batch)
    return float(total.detach()), stats


@pytest.mark.parametrize("term", ["feature", "score", "box_l1", "box_giou", "task"])
def test_each_distillation_term_switches_and_weights_the_loss(term, tiny_teacher, tiny_student, tiny_batch):
    on = dataclasses.replace(ALL_OFF, **{term: 1.0})
    double = dataclasses.replace(ALL_OFF, **{term: 2.0})
    off_total, _ = _loss(tiny_teacher, tiny_student, tiny_batch, ALL_OFF)
    on_total, stats = _loss(tiny_teacher, tiny_student, tiny_batch, on)
    double_total, _ = _loss(tiny_teacher, tiny_student, tiny_batch, double)
    assert off_total == 0.0
    assert on_total > 0
    assert double_total == pytest.approx(2 * on_total, rel=1e-4)
    key = {"task": "task"}.get(term, f"kd_{term}")
    assert stats[key] > 0


def test_kl_score_mode_differs_from_bce(tiny_teacher, tiny_student, tiny_batch):
    bce, _ = _loss(tiny_teacher, tiny_student, tiny_batch, dataclasses.replace(ALL_OFF, score=1.0))
    kl, _ = _loss(tiny_teacher, tiny_student, tiny_batch, dataclasses.replace(ALL_OFF, score=1.0, score_mode="kl"))
    assert kl >= 0 and kl != pytest.approx(bce)


def test_teacher_stays_frozen_and_in_eval_mode(tiny_teacher, tiny_student, tiny_batch):
    actor = DistillationActor(tiny_teacher, tiny_student, DistillConfig(), LossConfig()).train()
    assert not actor.teacher.training and actor.student.training
    before = {k: v.clone() for k, v in actor.teacher.state_dict().items()}
    optimizer = make_optimizer(actor.student, OptimConfig(lr=1e-2), actor.adapter)
    loss, _ = actor(tiny_batch)
    loss.backward()
    optimizer.step()
    assert all(p.grad is None for p in actor.teacher.parameters())
    assert all(torch.equal(before[k], v) for k, v in actor.teacher.state_dict().items())
    assert actor.adapter.weight.grad is not None


def test_geometry_mismatch_is_refused(tiny_teacher, tiny_batch):
    from core.models import build_model, student_config

    other = build_model("student", student_config("bundled", stem="patch", pretrained_stem=False, patch_size=8,
                                                  template_size=48, search_size=96, dim=24, depth=1, num_heads=2))
    with pytest.raises(ConfigError, match="same crop geometry"):
        DistillationActor(tiny_teacher, other, DistillConfig(), LossConfig())


@pytest.mark.parametrize("which", ["teacher", "student"])
def test_one_optimiser_step_reduces_the_loss_on_a_fixed_batch(which, tiny_teacher, tiny_student, tiny_batch):
    model = tiny_teacher if which == "teacher" else tiny_student
    actor = TaskActor(model, LossConfig(box_at="gt")).train()
    optimizer = make_optimizer(model, OptimConfig(lr=1e-3, grad_clip=0))
    torch.manual_seed(0)
    first, _ = actor(tiny_batch)
    optimizer.zero_grad()
    first.backward()
    optimizer.step()
    second, _ = actor(tiny_batch)
    assert float(second.detach()) < float(first.detach())


def test_parameter_groups_follow_the_recipe(tiny_teacher):
    groups = {g["name"]: g for g in parameter_groups(tiny_teacher, OptimConfig(lr=1.0, prompt_lr_scale=1.0,
                                                                                 rest_lr_scale=0.1))}
    assert groups["prompt"]["lr"] == 1.0 and groups["rest"]["lr"] == pytest.approx(0.1)
    names = {id(p): n for n, p in tiny_teacher.named_parameters()}
    assert all("prompt" in names[id(p)] for p in groups["prompt"]["params"])
    assert "stem" not in groups  # patch stem: not pretrained


def test_bundled_pretrained_stem_is_frozen_at_scale_zero():
    from core.models import build_model, student_config

    model = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    groups = {g["name"]: g for g in parameter_groups(model, OptimConfig(stem_lr_scale=0.0))}
    assert "stem" not in groups
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    assert frozen and all(".patch_embed." in f".{n}" and ".patch_embed.proj." not in f".{n}" for n in frozen)
    assert any("patch_embed.proj" in n for n, p in model.named_parameters() if p.requires_grad)


def test_pretrained_stem_batchnorm_keeps_imagenet_statistics_while_the_stem_trains():
    from torch import nn

    from core.models import build_model, student_config
    from core.training.model_setup import freeze_stem_batchnorm

    model = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    stem_norms = [m for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d) and ".patch_embed." in f".{n}"]
    assert stem_norms
    for optim, kept in ((OptimConfig(stem_lr_scale=0.0), True), (OptimConfig(stem_lr_scale=0.1), True),
                        (OptimConfig(stem_lr_scale=0.1, train_stem_batchnorm=True), False)):
        model.train()
        freeze_stem_batchnorm(model, optim)
        assert all(not m.training for m in stem_norms) == kept
        assert model.training  # only the stem's BatchNorm layers leave training mode
    groups = {g["name"]: g for g in parameter_groups(model, OptimConfig(stem_lr_scale=0.1))}
    assert groups["stem"]["lr_scale"] == 0.1


def test_bce_score_term_matches_torch_bce():
    """The score term is written out (F.binary_cross_entropy refuses CUDA autocast); it
    must still be the same per-pixel BCE, clamped as before."""
    import torch.nn.functional as F

    from core.training.actors import response_distillation

    generator = torch.Generator().manual_seed(3)
    student = [torch.rand(2, 1, 8, 8, generator=generator), torch.rand(2, 2, 8, 8, generator=generator),
               torch.rand(2, 2, 8, 8, generator=generator)]
    teacher = [torch.rand(2, 1, 8, 8, generator=generator), torch.rand(2, 2, 8, 8, generator=generator),
               torch.rand(2, 2, 8, 8, generator=generator)]
    student[0][0, 0, 0, 0] = 0.0  # clamped, not -inf
    d = dataclasses.replace(ALL_OFF, score=1.0)
    loss, stats = response_distillation(student, teacher, d)
    expected = F.binary_cross_entropy(student[0].clamp(1e-4, 1 - 1e-4), teacher[0])
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)
    assert stats["kd_score"] == pytest.approx(float(expected), rel=1e-5)


def test_response_distillation_skips_negative_pairs(tiny_teacher, tiny_student, tiny_batch):
    assert "positive" in tiny_batch and bool((tiny_batch["positive"] == 1).all())
    response = dataclasses.replace(ALL_OFF, score=1.0, box_l1=1.0, box_giou=1.0)
    first_two = {k: v[:2] for k, v in tiny_batch.items()}
    marked = dict(tiny_batch, positive=torch.tensor([1.0, 1.0, 0.0, 0.0]))
    actor = DistillationActor(tiny_teacher, tiny_student, response, LossConfig()).eval()  # per-sample outputs
    alone = float(actor(first_two)[0])
    with_negatives = float(actor(marked)[0])
    assert with_negatives == pytest.approx(alone, rel=1e-5)  # the two negatives add nothing
    all_negative = dict(tiny_batch, positive=torch.zeros(4))
    total, stats = _loss(tiny_teacher, tiny_student, all_negative, response)
    assert total == 0.0 and "kd_score" not in stats
    feature = dataclasses.replace(ALL_OFF, feature=1.0)
    assert _loss(tiny_teacher, tiny_student, all_negative, feature)[0] > 0  # the feature term stays
