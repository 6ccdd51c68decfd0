"""Real backgrounds for the synthetic generator (semi-real synthesis).

:class:`RealBackgrounds` is a ``core.synthetic.textures.BackgroundProvider``: called with
(rng, height, width) it cuts a canvas from a frame of the real **train** sequences of the
split (``core.real_split``), so the synthetic target, distractors and
occluders move over real scenes. Two kinds of frame, chosen with ``rgbt_share``:

- a registered RGB-T pair frame (``train.rgbt_unlabeled``): visible *and* thermal canvases
  are real (cut with the same geometry);
- a visible frame (``train.visible``): the visible canvas is real; the generator derives
  the thermal canvas from it as for its other backgrounds.

The cut: the frame scaled to cover the canvas times U(1, 1.6), a random window, a
horizontal flip with probability 0.5. Everything is drawn from the rng passed in, over
frame lists fixed at construction (sorted), so a synthetic sequence stays a pure
function of its seed (given the same data).
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from core.errors import ConfigError, SequenceError
from core.real_split import DEFAULT_DATA_ROOT, DEFAULT_SPLIT, load_split
from core.sequences.image_files import list_images
from core.training.real_data import (
    DEFAULT_CACHE_DIR,
    FrameLRU,
    read_image,
    rgbt_pair_sequence,
)


def cut_canvas(rng: np.random.Generator, images: list[np.ndarray], height: int, width: int) -> list[np.ndarray]:
    """The same random cover-crop (see the module docstring) of each image of one grid
    ((H, W) or (H, W, C) uint8) -> images (height, width[, C])."""
    ih, iw = images[0].shape[:2]
    scale = max(height / ih, width / iw) * rng.uniform(1.0, 1.6)
    size = (int(np.ceil(iw * scale)), int(np.ceil(ih * scale)))
    y0 = int(rng.integers(0, size[1] - height + 1))
    x0 = int(rng.integers(0, size[0] - width + 1))
    flip = rng.random() < 0.5
    out = []
    for image in images:
        resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        crop = resized[y0:y0 + height, x0:x0 + width]
        out.append(np.ascontiguousarray(crop[:, ::-1] if flip else crop))
    return out


class RealBackgrounds:
    """Provider of real canvases (see the module docstring).

    split / data_root / cache_dir: as the real sources; rgbt_share: probability of an
    RGB-T pair frame when both kinds exist; frame_stride: every k-th frame of each
    sequence is a candidate (neighbouring frames look alike)."""

    def __init__(self, split: str = DEFAULT_SPLIT, data_root: str = DEFAULT_DATA_ROOT,
                 cache_dir: str = DEFAULT_CACHE_DIR, *, rgbt_share: float = 0.5, frame_stride: int = 5):
        if not 0.0 <= rgbt_share <= 1.0 or frame_stride < 1:
            raise ConfigError(f"real backgrounds: rgbt_share must be in [0, 1] and frame_stride >= 1, "
                              f"got {rgbt_share}, {frame_stride}")
        split_file = load_split(split)
        self.visible_files: list[Path] = []
        for _, folder in split_file.train_folders("visible", data_root):
            self.visible_files.extend(list_images(folder)[::frame_stride])
        self.lru = FrameLRU(0)
        self.pairs = [rgbt_pair_sequence(name, folder, self.lru, cache_dir)
                      for name, folder in split_file.train_folders("rgbt_unlabeled", data_root)]
        self.pair_frames = [(k, i) for k, seq in enumerate(self.pairs) for i in range(0, len(seq), frame_stride)]
        if not self.visible_files and not self.pair_frames:
            raise SequenceError(split_file.path, "no visible or RGB-T train frames for real backgrounds")
        self.rgbt_share = rgbt_share if self.visible_files and self.pair_frames else (1.0 if self.pair_frames else 0.0)

    def describe(self) -> str:
        return f"real backgrounds: {len(self.visible_files)} visible frames, {len(self.pair_frames)} RGB-T pair frames"

    def __call__(self, rng: np.random.Generator, height: int, width: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(visible (height, width, 3) uint8 RGB, thermal (height, width) uint8 or None)."""
        if rng.random() < self.rgbt_share:
            k, i = self.pair_frames[int(rng.integers(len(self.pair_frames)))]
            pair = self.pairs[k][i]
            visible, thermal = cut_canvas(rng, [pair.visible, pair.thermal], height, width)
            return visible, thermal
        image = read_image(self.visible_files[int(rng.integers(len(self.visible_files)))])
        return cut_canvas(rng, [image], height, width)[0], None
