"""Augmenting stored distillation items without leaving the stored crops.

A distillation file keeps the search crop a tracker would have seen, centred on the
previous frame's label: the target sits near the centre of nearly every item. Trained
on those alone, the student learns "the target is in the middle" and forgets how to
find a target that moved. :func:`shift_item` moves the whole search crop by whole
feature cells (``stride = search_size / feature_size`` pixels), so the teacher's stored
maps stay exact (shifted by the same cells; cells brought in from outside the crop hold
zeros: no target there); :func:`flip_item` mirrors template, search and maps.

All functions take and return :class:`core.distillation.dataset.Item` (new arrays; the
originals are not modified); an item they move or mirror comes back with normalised crops
(``dataset.normalized``: 0 is the mean colour, what the shift brings in).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.distillation.dataset import Item, normalized
from core.training.targets import gaussian_heatmap


def shift_array(array: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``array`` (..., H, W) moved by ``dy`` rows and ``dx`` columns; vacated cells are 0."""
    out = np.zeros_like(array)
    h, w = array.shape[-2:]
    if abs(dy) >= h or abs(dx) >= w:
        return out
    dst_y, src_y = slice(max(dy, 0), h + min(dy, 0)), slice(max(-dy, 0), h - max(dy, 0))
    dst_x, src_x = slice(max(dx, 0), w + min(dx, 0)), slice(max(-dx, 0), w - max(dx, 0))
    out[..., dst_y, dst_x] = array[..., src_y, src_x]
    return out


def shift_item(item: Item, cells_y: int, cells_x: int) -> Item:
    """The item with its search crop and teacher maps moved by whole feature cells.

    The crops are normalised, so 0 is the mean colour (what a tracker's crop shows
    beyond the image border is also flat). The target (cx, cy in crop units) moves by
    ``cells / feature_size``; the heatmap is redrawn from it.
    """
    if cells_y == 0 and cells_x == 0:
        return item
    item = normalized(item)
    f = item.teacher_score.shape[-1]
    stride = item.x_v.shape[-1] // f
    target = item.target.copy()
    target[0] += cells_x / f
    target[1] += cells_y / f
    return replace(
        item,
        x_v=shift_array(item.x_v, cells_y * stride, cells_x * stride),
        x_t=shift_array(item.x_t, cells_y * stride, cells_x * stride),
        target=target.astype(np.float32),
        heatmap=item.heatmap if item.absent else gaussian_heatmap(target, f),
        teacher_score=shift_array(item.teacher_score, cells_y, cells_x),
        teacher_size=shift_array(item.teacher_size, cells_y, cells_x),
        teacher_offset=shift_array(item.teacher_offset, cells_y, cells_x),
    )


def flip_item(item: Item) -> Item:
    """The item mirrored left-right: crops, target, heatmap and teacher maps.

    A box centre ``(j + ox) / F`` at cell ``j`` becomes ``(F - 1 - j + (1 - ox)) / F``,
    so the x offset map is mirrored and replaced by ``1 - ox``.
    """
    item = normalized(item)
    target = item.target.copy()
    target[0] = 1.0 - target[0]
    offset = item.teacher_offset[..., ::-1].copy()
    offset[0] = 1.0 - offset[0]
    return replace(
        item,
        z_v=item.z_v[..., ::-1].copy(),
        z_t=item.z_t[..., ::-1].copy(),
        x_v=item.x_v[..., ::-1].copy(),
        x_t=item.x_t[..., ::-1].copy(),
        target=target.astype(np.float32),
        heatmap=item.heatmap[..., ::-1].copy(),
        teacher_score=item.teacher_score[..., ::-1].copy(),
        teacher_size=item.teacher_size[..., ::-1].copy(),
        teacher_offset=offset,
    )


def random_augment(item: Item, rng: np.random.Generator, max_shift_cells: int, flip: float,
                   margin: float = 0.1) -> Item:
    """A random flip (probability ``flip``) and a random shift of up to
    ``max_shift_cells`` per axis that keeps the target centre at least ``margin`` (crop
    units) inside the crop."""
    if flip > 0 and rng.random() < flip:
        item = flip_item(item)
    if max_shift_cells <= 0:
        return item
    f = item.teacher_score.shape[-1]
    shifts = []
    for centre in item.target[:2]:
        lo = max(-max_shift_cells, int(np.ceil((margin - centre) * f)))
        hi = min(max_shift_cells, int(np.floor((1.0 - margin - centre) * f)))
        shifts.append(int(rng.integers(lo, hi + 1)) if lo <= hi else 0)
    return shift_item(item, shifts[1], shifts[0])
