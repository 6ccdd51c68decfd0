"""Negative pairs: a search crop centred on another sequence's target, scored as "not here"."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from core.errors import ConfigError
from core.sequences.base import FramePair
from core.training.config import LossConfig, ProcessingConfig, SamplerConfig
from core.training.losses import task_loss
from core.training.processing import CropSpec, Processing
from core.training.sampler import PairSample, PairSampler
from core.training.sources import SequenceEntry, TrainingSource

SPEC = CropSpec(template_size=32, search_size=64, template_factor=2.0, search_factor=4.0, feature_size=8)


def _frame(index, box):
    visible = np.zeros((120, 160, 3), np.uint8)
    thermal = np.zeros((120, 160), np.uint8)
    x, y, w, h = (int(v) for v in box)
    visible[y:y + h, x:x + w] = 200
    thermal[y:y + h, x:x + w] = 250
    return FramePair(index, visible, thermal, None)


class _Named(TrainingSource):
    """Sequences ``seq-0`` .. ``seq-{n-1}``, 10 frames each, each with its own box."""

    def __init__(self, n):
        self.entries = []
        for k in range(n):
            boxes = np.tile(np.array([[10.0 + 8 * k, 20.0, 20.0, 16.0]]), (10, 1))
            frames = [_frame(i, boxes[i]) for i in range(10)]
            self.entries.append(SequenceEntry(f"seq-{k}", boxes, np.ones(10, bool), lambda f=frames: f))

    def draw(self, rng, step):
        return self.entries[int(rng.integers(len(self.entries)))]


def test_negative_pairs_take_the_search_frame_from_another_sequence():
    sampler = PairSampler([_Named(3)], [1.0], SamplerConfig(max_gap=3, negative_share=0.5))
    samples = [sampler.sample(np.random.default_rng([7, k]), k) for k in range(200)]
    negatives = [s for s in samples if s.negative]
    assert 60 < len(negatives) < 140  # about half
    for s in negatives:
        assert not np.allclose(s.search_box, s.template_box)  # another sequence's target
    for s in samples:
        if not s.negative:
            assert np.allclose(s.search_box, s.entry.boxes[s.search_index])
    plain = PairSampler([_Named(3)], [1.0], SamplerConfig(max_gap=3))
    assert not any(plain.sample(np.random.default_rng([7, k]), k).negative for k in range(50))


def test_a_source_with_one_sequence_gives_positive_pairs_only():
    sampler = PairSampler([_Named(1)], [1.0], SamplerConfig(negative_share=0.9))
    assert not any(sampler.sample(np.random.default_rng([1, k]), k).negative for k in range(30))


def test_a_negative_pair_has_an_empty_heatmap_and_is_marked():
    box = np.array([40.0, 30.0, 20.0, 16.0])
    sample = PairSample(_frame(0, box), box, _frame(1, box), box, None, 0, 1, negative=True)
    processing = Processing(ProcessingConfig(), SPEC)
    out = processing(sample, np.random.default_rng(0))
    assert out["positive"] == 0.0 and not out["heatmap"].any()
    sample.negative = False
    out = processing(sample, np.random.default_rng(0))
    assert out["positive"] == 1.0 and out["heatmap"].max() == 1.0


def _outputs(b, f=8):
    score = torch.full((b, 1, f, f), 0.1)
    score[:, 0, 4, 4] = 0.9
    size = torch.full((b, 2, f, f), 0.25)
    offset = torch.full((b, 2, f, f), 0.5)
    return score, size, offset, torch.zeros(b, 4, f, f)


def test_negative_pairs_count_in_the_focal_loss_but_not_in_the_box_losses():
    heatmap = torch.zeros(2, 1, 8, 8)
    heatmap[0, 0, 4, 4] = 1.0
    good = torch.tensor([[0.5625, 0.5625, 0.25, 0.25]])
    config = LossConfig()
    one = {"heatmap": heatmap[:1], "box": good, "positive": torch.ones(1)}
    _, alone = task_loss(_outputs(1), one, config)
    for junk in ([0.1, 0.1, 0.9, 0.9], [0.9, 0.2, 0.05, 0.3]):
        two = {"heatmap": heatmap, "box": torch.cat([good, torch.tensor([junk])]), "positive": torch.tensor([1.0, 0.0])}
        _, parts = task_loss(_outputs(2), two, config)
        assert parts["giou"] == pytest.approx(alone["giou"]) and parts["l1"] == pytest.approx(alone["l1"])
        assert parts["focal"] > alone["focal"]  # the negative's confident peak is penalised
    only_negative = {"heatmap": heatmap[1:], "box": good, "positive": torch.zeros(1)}
    total, parts = task_loss(_outputs(1), only_negative, config)
    assert parts["giou"] == 0.0 and parts["focal"] > 0 and torch.isfinite(total)


def test_negative_share_is_checked():
    with pytest.raises(ConfigError, match="negative_share"):
        SamplerConfig(negative_share=1.0)
