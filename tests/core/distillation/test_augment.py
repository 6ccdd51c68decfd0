"""Augmenting stored items keeps crops, labels and teacher maps in agreement."""
from __future__ import annotations

import numpy as np
import pytest

from core.distillation.augment import flip_item, random_augment, shift_array, shift_item
from core.distillation.dataset import Item
from core.models.head import decode_boxes
from core.training.targets import gaussian_heatmap

F, X, Z = 16, 128, 64


def _item(cx=0.55, cy=0.45, w=0.2, h=0.3, seed=0) -> Item:
    """An item whose teacher maps encode exactly ``target`` at its cell (peak 0.9)."""
    rng = np.random.default_rng(seed)
    target = np.array([cx, cy, w, h], dtype=np.float32)
    score = np.zeros((1, F, F), np.float32)
    size = np.zeros((2, F, F), np.float32)
    offset = np.zeros((2, F, F), np.float32)
    ix, iy = int(cx * F), int(cy * F)
    score[0, iy, ix] = 0.9
    size[:, iy, ix] = (w, h)
    offset[:, iy, ix] = (cx * F - ix, cy * F - iy)
    crop = rng.normal(size=(3, X, X)).astype(np.float32)
    return Item(z_v=rng.normal(size=(3, Z, Z)).astype(np.float32), z_t=rng.normal(size=(3, Z, Z)).astype(np.float32),
                x_v=crop, x_t=crop[::-1].copy(), target=target, heatmap=gaussian_heatmap(target, F),
                teacher_score=score, teacher_size=size, teacher_offset=offset, held_out=False, sequence="s", frame=3)


def _teacher_box(item: Item) -> np.ndarray:
    boxes, _ = decode_boxes(item.teacher_score[None], item.teacher_size[None], item.teacher_offset[None])
    return np.asarray(boxes)[0]


def test_shift_array_moves_content_and_zero_fills():
    a = np.arange(16, dtype=np.float32).reshape(1, 4, 4) + 1
    b = shift_array(a, 1, -2)
    assert b[0, 1, 0] == a[0, 0, 2] and b[0, 3, 1] == a[0, 2, 3]
    assert np.all(b[0, 0] == 0) and np.all(b[0, :, 2:] == 0)
    assert np.all(shift_array(a, 5, 0) == 0)


@pytest.mark.parametrize("dy,dx", [(2, -3), (-1, 1), (0, 2)])
def test_shifted_teacher_maps_still_decode_to_the_label(dy, dx):
    item = _item()
    moved = shift_item(item, dy, dx)
    np.testing.assert_allclose(moved.target[:2], item.target[:2] + np.array([dx, dy]) / F, atol=1e-6)
    np.testing.assert_allclose(_teacher_box(moved), moved.target, atol=1e-5)
    stride = X // F
    np.testing.assert_array_equal(moved.x_v[:, 8 + dy * stride, 40 + dx * stride], item.x_v[:, 8, 40])
    assert np.unravel_index(moved.heatmap.argmax(), moved.heatmap.shape)[1:] == (int(moved.target[1] * F),
                                                                                 int(moved.target[0] * F))
    assert item.teacher_score.max() == pytest.approx(0.9) and item.target[0] == pytest.approx(0.55)  # untouched


def test_flip_mirrors_everything_and_twice_is_identity():
    item = _item(cx=0.3)
    flipped = flip_item(item)
    assert flipped.target[0] == pytest.approx(0.7)
    np.testing.assert_allclose(_teacher_box(flipped), flipped.target, atol=1e-5)
    np.testing.assert_array_equal(flipped.x_t[:, :, 0], item.x_t[:, :, -1])
    np.testing.assert_array_equal(flipped.z_v[:, 5, 0], item.z_v[:, 5, -1])
    back = flip_item(flipped)
    for name in ("x_v", "z_t", "target", "heatmap", "teacher_score", "teacher_size"):
        np.testing.assert_allclose(getattr(back, name), getattr(item, name), atol=1e-6)
    np.testing.assert_allclose(_teacher_box(back), item.target, atol=1e-5)


def test_random_augment_keeps_the_target_inside_the_crop():
    rng = np.random.default_rng(1)
    item = _item(cx=0.12, cy=0.88)
    seen = set()
    for _ in range(200):
        out = random_augment(item, rng, max_shift_cells=4, flip=0.5, margin=0.1)
        assert np.all((out.target[:2] >= 0.1 - 1e-6) & (out.target[:2] <= 0.9 + 1e-6))
        np.testing.assert_allclose(_teacher_box(out), out.target, atol=1e-5)
        seen.add(tuple(np.round(out.target[:2], 4)))
    assert len(seen) > 10  # it really varies
    assert random_augment(item, rng, 0, 0.0) is item
