"""Self-supervised boxes without their shape (``rgbt_unlabeled``'s ``learn_shape`` false): the
pairs teach where the box is, not its width and height."""
from __future__ import annotations

import numpy as np
import torch

from core.training.config import LossConfig, ProcessingConfig
from core.training.losses import task_loss
from core.training.processing import CropSpec, Processing
from core.training.sampler import PairSample
from core.training.sources import SequenceEntry
from tests.core.training.test_negative_pairs import _frame
from tests.core.training.test_real_sources import _build, fixture_root  # noqa: F401 - the fixture

SPEC = CropSpec(template_size=32, search_size=64, template_factor=2.0, search_factor=4.0, feature_size=8)


def test_the_source_marks_its_boxes_and_processing_passes_the_mark_on(fixture_root):  # noqa: F811
    assert _build("rgbt_unlabeled", fixture_root).draw(np.random.default_rng(0), 0).extras["learn_shape"] is True
    entry = _build("rgbt_unlabeled", fixture_root, learn_shape=False).draw(np.random.default_rng(0), 0)
    assert entry.extras["learn_shape"] is False
    box = np.array([40.0, 30.0, 20.0, 16.0])
    processing = Processing(ProcessingConfig(), SPEC)
    for extras, shaped in (({}, 1.0), ({"learn_shape": True}, 1.0), ({"learn_shape": False}, 0.0)):
        source_entry = SequenceEntry("s", np.tile(box, (2, 1)), np.ones(2, bool), lambda: None, extras)
        sample = PairSample(_frame(0, box), box, _frame(1, box), box, source_entry, 0, 1)
        assert processing(sample, np.random.default_rng(0))["shaped"] == shaped
    no_entry = PairSample(_frame(0, box), box, _frame(1, box), box, None, 0, 1)
    assert processing(no_entry, np.random.default_rng(0))["shaped"] == 1.0


def _size_gradient(shaped: float) -> tuple[torch.Tensor, torch.Tensor, dict]:
    f = 8
    score = torch.full((1, 1, f, f), 0.1)
    score[0, 0, 4, 4] = 0.9
    size = torch.full((1, 2, f, f), 0.25, requires_grad=True)
    offset = torch.zeros((1, 2, f, f), requires_grad=True)
    heatmap = torch.zeros(1, 1, f, f)
    heatmap[0, 0, 4, 4] = 1.0
    batch = {"heatmap": heatmap, "box": torch.tensor([[0.5625, 0.5625, 0.2, 0.3]]), "positive": torch.ones(1),
             "shaped": torch.tensor([shaped])}
    total, parts = task_loss((score, size, offset, torch.zeros(1, 4, f, f)), batch, LossConfig())
    total.backward()
    return size.grad, offset.grad, parts


def test_a_box_without_shape_teaches_the_centre_but_not_the_size():
    size_grad, offset_grad, _ = _size_gradient(0.0)
    assert torch.count_nonzero(size_grad) == 0
    assert torch.count_nonzero(offset_grad) > 0  # the centre is still learned (offset 0 vs the truth's 0.5)
    size_grad, offset_grad, _ = _size_gradient(1.0)
    assert torch.count_nonzero(size_grad) > 0 and torch.count_nonzero(offset_grad) > 0
