"""Pixels of one synthetic frame, from a :class:`~core.synthetic.plan.Plan` and fixed textures.

:class:`Renderer` holds everything that does not change over the sequence (background
canvases, target and occluder sprites, noise tiles, the night look-up table) and renders
frame ``i`` with a handful of OpenCV calls on small regions: no per-pixel Python.
Sprites are placed with sub-pixel accuracy (``cv2.warpAffine`` of premultiplied colour
and alpha) so the drawn target fills exactly its ground-truth box.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from core.synthetic.config import SyntheticConfig
from core.synthetic.plan import NOISE_PAD, Plan
from core.synthetic.textures import BackgroundProvider, background_canvases, noise_field, target_sprite


def _noise_tiles(rng: np.random.Generator, shape: tuple[int, ...], sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative parts (uint8) of Gaussian noise of ``sigma`` grey levels."""
    noise = rng.standard_normal(shape, dtype=np.float32) * sigma
    return (np.clip(noise, 0, 255).astype(np.uint8), np.clip(-noise, 0, 255).astype(np.uint8))


def _composite(dst: np.ndarray, colour: np.ndarray, alpha: np.ndarray, box: np.ndarray) -> None:
    """Blend ``colour`` (sh, sw[, C]) float32 with ``alpha`` (sh, sw) onto ``dst`` in place, stretched to ``box``.

    Continuous coordinates: sprite pixel u covers [u, u+1) and lands on
    [x + u*w/sw, x + (u+1)*w/sw); outside the sprite alpha is 0.
    """
    x, y, w, h = (float(v) for v in box)
    height, width = dst.shape[:2]
    x0, y0 = max(0, int(math.floor(x)) - 1), max(0, int(math.floor(y)) - 1)
    x1, y1 = min(width, int(math.ceil(x + w)) + 1), min(height, int(math.ceil(y + h)) + 1)
    if x1 <= x0 or y1 <= y0:
        return
    sh, sw = alpha.shape
    sx, sy = w / sw, h / sh
    matrix = np.array([[sx, 0.0, x + 0.5 * sx - 0.5 - x0], [0.0, sy, y + 0.5 * sy - 0.5 - y0]])
    size = (x1 - x0, y1 - y0)
    flags = cv2.INTER_LINEAR
    a = cv2.warpAffine(alpha, matrix, size, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    premultiplied = colour * (alpha[..., None] if colour.ndim == 3 else alpha)
    c = cv2.warpAffine(premultiplied, matrix, size, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    roi = dst[y0:y1, x0:x1]
    if roi.ndim == 3:
        a = a[..., None]
    roi[...] = np.clip(roi * (1.0 - a) + c + 0.5, 0, 255).astype(np.uint8)


def _line_kernel(motion: np.ndarray, length_per_px: float) -> np.ndarray | None:
    length = float(np.hypot(*motion)) * length_per_px
    if length < 1.5:
        return None
    size = int(math.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = motion / max(np.hypot(*motion), 1e-6) * (length / 2)
    cv2.line(kernel, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))), 1.0, 1, cv2.LINE_AA)
    return kernel / kernel.sum()


class Renderer:
    """Fixed textures of one sequence and the per-frame rendering (deterministic)."""

    STREAMS = ("background", "target", "distractor", "occluder", "noise", "stripes", "night")

    def __init__(self, config: SyntheticConfig, plan: Plan, seed: np.random.SeedSequence,
                 background: BackgroundProvider | None = None):
        self.config = config
        self.plan = plan
        rngs = dict(zip(self.STREAMS, (np.random.default_rng(s) for s in seed.spawn(len(self.STREAMS))), strict=True))
        cw, ch = plan.canvas_size
        self.visible_canvas, self.thermal_canvas, self.background_source = background_canvases(
            rngs["background"], ch, cw, config.background, background)
        rng = rngs["target"]
        sprite, alpha, heat = target_sprite(rng, config.target_aspect)
        self.target_colour = sprite.astype(np.float32)
        self.target_alpha = alpha
        self.target_heat = heat
        self.target_delta = float(rng.uniform(55, 95))  # target warmer than its surroundings
        jitter = rngs["distractor"].uniform(0.85, 1.15, 3).astype(np.float32)
        self.distractor_colour = np.clip(self.target_colour * jitter, 0, 255)
        # Occluder: its own texture and a flat-ish temperature distinct from the target.
        oh, ow = 64, 64
        rng = rngs["occluder"]
        field = noise_field(rng, oh, ow, octaves=3, channels=3)
        tint = rng.uniform(40, 200, 3).astype(np.float32)
        self.occluder_colour = np.clip(tint * (0.6 + 0.8 * field), 0, 255).astype(np.uint8)
        temp = float(rng.uniform(40, 120))
        self.occluder_heat = np.clip(temp + 15 * (field[..., 0] - 0.5), 0, 255).astype(np.uint8)
        h, w = config.height, config.width
        night, noisy = config.has("night"), config.has("sensor_noise")
        vis_sigma = config.visible_noise * (3.0 if noisy else 1.0) + (6.0 if night else 0.0)
        th_sigma = config.thermal_noise * (3.0 if noisy else 1.0)
        rng = rngs["noise"]
        self.visible_noise = _noise_tiles(rng, (h + NOISE_PAD, w + NOISE_PAD, 3), vis_sigma)
        self.thermal_noise = _noise_tiles(rng, (h + NOISE_PAD, w + NOISE_PAD), th_sigma)
        stripes = rngs["stripes"].standard_normal(w).astype(np.float32) * (4.0 if noisy else 0.0)
        self.thermal_stripes = (
            np.clip(np.broadcast_to(stripes, (h, w)), 0, 255).astype(np.uint8),
            np.clip(np.broadcast_to(-stripes, (h, w)), 0, 255).astype(np.uint8),
        ) if noisy else None
        self.night_lut = None
        if night:
            levels = np.arange(256, dtype=np.float64) / 255.0
            gamma = rngs["night"].uniform(1.2, 1.8)
            self.night_lut = np.clip(255.0 * config.night_gain * levels**gamma + 2.0, 0, 255).astype(np.uint8)
            # desaturate towards luminance with a blue tint (RGB rows), keeps 0..255 range
            grey = np.array([0.299, 0.587, 0.114], np.float32)
            tint = np.array([0.8, 0.9, 1.15], np.float32)[:, None]
            self.night_colour = (0.75 * tint * grey[None, :] + 0.25 * np.eye(3, dtype=np.float32)).astype(np.float32)

    # -- frame ---------------------------------------------------------------------------
    def render(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``index``: visible (H, W, 3) uint8 RGB and thermal (H, W) uint8."""
        return self._visible(index), self._thermal(index)

    def _window(self, canvas: np.ndarray, index: int, shift: np.ndarray) -> np.ndarray:
        h, w = self.config.height, self.config.width
        cx, cy = self.plan.camera[index]
        cx = int(np.clip(cx - round(shift[0]), 0, canvas.shape[1] - w))
        cy = int(np.clip(cy - round(shift[1]), 0, canvas.shape[0] - h))
        return canvas[cy : cy + h, cx : cx + w].copy()

    def _add_noise(self, image: np.ndarray, tiles, ox: int, oy: int) -> np.ndarray:
        h, w = image.shape[:2]
        image = cv2.add(image, tiles[0][oy : oy + h, ox : ox + w])
        return cv2.subtract(image, tiles[1][oy : oy + h, ox : ox + w])

    def _blur(self, image: np.ndarray, index: int) -> np.ndarray:
        plan, cfg = self.plan, self.config
        if not cfg.has("motion_blur"):
            return image
        kernel = _line_kernel(plan.camera_motion[index], cfg.blur_length * 2.0)
        if kernel is not None:
            image = cv2.filter2D(image, -1, kernel)
        return image

    def _target_blur(self, image: np.ndarray, index: int, box: np.ndarray) -> None:
        if not self.config.has("motion_blur"):
            return
        kernel = _line_kernel(self.plan.target_motion[index], self.config.blur_length)
        if kernel is None:
            return
        k = kernel.shape[0]
        height, width = image.shape[:2]
        x0, y0 = max(0, int(box[0]) - k), max(0, int(box[1]) - k)
        x1, y1 = min(width, int(box[0] + box[2]) + k + 1), min(height, int(box[1] + box[3]) + k + 1)
        image[y0:y1, x0:x1] = cv2.filter2D(image[y0:y1, x0:x1], -1, kernel, borderType=cv2.BORDER_REPLICATE)

    def _occluder(self, image: np.ndarray, texture: np.ndarray, rect: np.ndarray) -> None:
        if np.isnan(rect[0]):
            return
        height, width = image.shape[:2]
        x, y, w, h = (int(v) for v in rect)
        x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        patch = cv2.resize(texture, (w, h), interpolation=cv2.INTER_LINEAR)
        image[y0:y1, x0:x1] = patch[y0 - y : y1 - y, x0 - x : x1 - x]

    def _visible(self, index: int) -> np.ndarray:
        plan = self.plan
        image = self._window(self.visible_canvas, index, np.zeros(2))
        box = plan.boxes[index]
        _composite(image, self.target_colour, self.target_alpha, box)
        self._target_blur(image, index, box)
        if not np.isnan(plan.visible_distractor[index, 0]):  # in front: it hides the target when crossing
            _composite(image, self.distractor_colour, self.target_alpha, plan.visible_distractor[index])
        self._occluder(image, self.occluder_colour, plan.occluder[index])
        image = self._blur(image, index)
        if self.night_lut is not None:
            image = cv2.LUT(cv2.transform(image, self.night_colour), self.night_lut)
        ox, oy = plan.noise_offsets[index, :2]
        return self._add_noise(image, self.visible_noise, int(ox), int(oy))

    def _local_mean(self, image: np.ndarray, box: np.ndarray) -> float:
        height, width = image.shape[:2]
        x0, y0 = max(0, int(box[0] - box[2] / 2)), max(0, int(box[1] - box[3] / 2))
        x1, y1 = min(width, int(box[0] + 1.5 * box[2]) + 1), min(height, int(box[1] + 1.5 * box[3]) + 1)
        if x1 <= x0 or y1 <= y0:
            return float(image.mean())
        return float(cv2.mean(image[y0:y1, x0:x1])[0])

    def _heat_sprite(self, ambient: float, contrast: float) -> np.ndarray:
        amplitude = self.target_delta * contrast
        return (ambient + amplitude * (0.5 + 0.5 * self.target_heat) + (1 - contrast) * 6 * (self.target_heat - 0.5)).astype(np.float32)

    def _thermal(self, index: int) -> np.ndarray:
        plan = self.plan
        shift = plan.thermal_offset
        image = self._window(self.thermal_canvas, index, shift)
        offset = np.array([shift[0], shift[1], 0.0, 0.0])
        box = plan.thermal_boxes[index]
        ambient = self._local_mean(image, box)  # of the background alone
        distractor = plan.thermal_distractor[index]
        d_box = distractor + offset
        d_ambient = None if np.isnan(distractor[0]) else self._local_mean(image, d_box)
        contrast = float(plan.contrast[index])
        alpha = self.target_alpha if contrast >= 1.0 else self.target_alpha * np.float32(0.1 + 0.9 * contrast)
        _composite(image, self._heat_sprite(ambient, contrast), alpha, box)
        self._target_blur(image, index, box)
        if d_ambient is not None:  # in front: it hides the target when crossing
            _composite(image, self._heat_sprite(d_ambient, 1.0), self.target_alpha, d_box)
        self._occluder(image, self.occluder_heat, plan.occluder[index] + offset)
        image = self._blur(image, index)
        if self.thermal_stripes is not None:
            image = self._add_noise(image, self.thermal_stripes, 0, 0)
        ox, oy = plan.noise_offsets[index, 2:]
        return self._add_noise(image, self.thermal_noise, int(ox), int(oy))
