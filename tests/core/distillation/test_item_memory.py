"""Fine-tuning items keep their crops as stored (uint8, one template's arrays shared): a long
sequence's items held 0.5 MB of normalised float crops per labelled frame (measured: distill
--data of a 750-frame antiuav-7 export peaked 440 MB above a 150-frame one), so the studio's
Improve of a 10,000-frame project needed about 5 GB for the crops alone. What the network
reads is unchanged: the crops are normalised when a batch is made."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from core.annotations.records import FrameAnnotation
from core.distillation.augment import random_augment
from core.distillation.dataset import load_items, normalized
from core.distillation.export import TeacherRunner, export_distillation
from core.distillation.item_tensors import batch
from core.models.config import student_config
from core.models.registry import build_model
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.tracking.crop import normalize_thermal, normalize_visible
from core.tracking.engines import TorchEngine

FRAMES = 24


@pytest.fixture(scope="module")
def items(tmp_path_factory):
    """The items of an embedded export of 24 frames, two keyframes (a referenced file's recut
    crops are the same arrays: test_export_sources)."""
    tmp = tmp_path_factory.mktemp("items")
    torch.manual_seed(0)
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=FRAMES), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i in (0, 12),
                                  provenance="manual" if i in (0, 12) else "interpolated")
               for i in range(FRAMES) if not sequence.absent[i]}
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    path = run_to_end(export_distillation(sequence, records, tmp / "d.h5", runner, frames_mode="embedded"))
    return load_items([path], holdout_fraction=0.25)


def _bytes_per_item(items) -> float:
    arrays = {id(a): a for item in items for a in (item.z_v, item.z_t, item.x_v, item.x_t, item.heatmap,
                                                    item.teacher_score, item.teacher_size, item.teacher_offset)}
    return sum(a.nbytes for a in arrays.values()) / len(items)


def test_items_keep_the_stored_crops(items):
    assert len(items) > 10
    for item in items:
        assert item.x_v.dtype == np.uint8 and item.x_v.shape == (128, 128, 3) and item.x_t.shape == (128, 128)
    # about 73 KB an item at 64/128 crops (the search crops, shared templates, the maps); 0.5 MB as floats
    assert _bytes_per_item(items) < 100_000
    templates = {id(item.z_v) for item in items}
    assert len(templates) <= 2  # two keyframes: two templates, each shared by its items


def test_the_batch_is_what_the_network_read_before(items):
    made = batch(items[:4])
    for name, normalize in (("z_v", normalize_visible), ("z_t", normalize_thermal), ("x_v", normalize_visible),
                            ("x_t", normalize_thermal)):
        expected = np.stack([normalize(getattr(item, name)) for item in items[:4]])
        np.testing.assert_array_equal(made[name].numpy(), expected)
    again = batch([normalized(item) for item in items[:4]])
    for key in made:
        torch.testing.assert_close(made[key], again[key], rtol=0, atol=0)


def test_augmenting_a_stored_item_equals_augmenting_its_normalised_one(items):
    for seed in range(6):
        a = random_augment(items[3], np.random.default_rng(seed), 3, 0.5)
        b = random_augment(normalized(items[3]), np.random.default_rng(seed), 3, 0.5)
        for name in ("z_v", "z_t", "x_v", "x_t", "target", "heatmap", "teacher_score", "teacher_offset"):
            np.testing.assert_array_equal(getattr(normalized(a), name), getattr(b, name))
