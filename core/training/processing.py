"""From a :class:`~core.training.sampler.PairSample` to network inputs and targets.

OSTrack's processing: a joint horizontal flip, the template cropped at factor
``template_factor`` around a (slightly) jittered box, the search cropped at
``search_factor`` around a box jittered in centre and scale; crops come from
``core.tracking.crop`` (the tracker's own crop code). A single-modality source's missing
modality is then derived on the crops (``SequenceEntry.extras["second_stream"]``, a
``core.training.pseudo_modality.SecondStream``; absent for RGB-T sources, whose samples
are unchanged). Then the whole sample thermal-only or its visible crops grey (when drawn), per-image
brightness jitter, the RGB-T augmentations on the search crops, and normalisation.

Output of :meth:`Processing.__call__` (numpy, float32): ``z_v``/``z_t`` (3, Z, Z),
``x_v``/``x_t`` (3, X, X), ``heatmap`` (1, F, F) Gaussian target, ``box`` (4,) the ground
truth in the search crop as cx, cy, w, h normalised to [0, 1] by the crop side,
``positive`` () 1, or 0 for a negative pair (``PairSample.negative``: the heatmap is all
zeros and ``box`` is the other target's, which the losses ignore), ``shaped`` () 1, or 0 when
the box's width and height are not an object's (``SequenceEntry.extras["learn_shape"]`` false:
self-supervised boxes), which the box losses then do not learn.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.sequences.base import grey_rgb
from core.tracking.crop import CropGeometry, crop_side, crop_square, normalize_thermal, normalize_visible
from core.training.config import ProcessingConfig
from core.training.sampler import PairSample
from core.training.targets import gaussian_heatmap


@dataclass(frozen=True)
class CropSpec:
    """The model geometry processing needs (``model.config`` fields)."""

    template_size: int
    search_size: int
    template_factor: float
    search_factor: float
    feature_size: int

    @classmethod
    def of(cls, model_config) -> CropSpec:
        return cls(int(model_config.template_size), int(model_config.search_size), float(model_config.template_factor),
                   float(model_config.search_factor), int(model_config.feature_size))


def jitter_box(box: np.ndarray, center_jitter: float, scale_jitter: float, rng: np.random.Generator) -> np.ndarray:
    """OSTrack's ``_get_jittered_box``: size x exp(N(0, scale_jitter)) per side, centre moved
    by up to ``center_jitter / 2 * sqrt(w' h')`` per axis. (4,) xywh -> (4,) xywh."""
    box = np.asarray(box, dtype=np.float64)
    size = box[2:] * np.exp(rng.standard_normal(2) * scale_jitter)
    max_offset = math.sqrt(float(size[0] * size[1])) * center_jitter
    center = box[:2] + box[2:] / 2 + max_offset * (rng.random(2) - 0.5)
    return np.concatenate([center - size / 2, size])


def flip_box(box: np.ndarray, width: int) -> np.ndarray:
    """Box after a horizontal flip of an image ``width`` pixels wide."""
    out = np.asarray(box, dtype=np.float64).copy()
    out[0] = width - out[0] - out[2]
    return out


def _brightness(image: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    if amount <= 0:
        return image
    factor = rng.uniform(max(0.0, 1 - amount), 1 + amount)
    return np.clip(image.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def darken_visible(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Night-like visible: gain U(0.05, 0.3) plus sensor noise (uint8 in, uint8 out)."""
    gain = rng.uniform(0.05, 0.3)
    noise = rng.normal(0.0, rng.uniform(1.0, 4.0), image.shape)
    return np.clip(image.astype(np.float32) * gain + noise, 0, 255).astype(np.uint8)


def fog_visible(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Smoke or fog over the visible crop (uint8 (S, S, 3) in and out): U(0.05, 0.35) of the
    image kept under a grey veil of level U(120, 230) that varies by up to U(0, 60) over a
    smooth 4 x 4 field. The thermal stream still sees the target (M3SVD ``0117_1605``;
    ``docs/tracking_heuristics.md``, "each modality alone")."""
    keep = rng.uniform(0.05, 0.35)
    field = cv2.resize(rng.random((4, 4)).astype(np.float32), image.shape[1::-1], interpolation=cv2.INTER_CUBIC)
    veil = rng.uniform(120.0, 230.0) + rng.uniform(0.0, 60.0) * (field - 0.5)
    if image.ndim == 3:
        veil = veil[..., None]
    return np.clip(keep * image.astype(np.float32) + (1.0 - keep) * veil, 0, 255).astype(np.uint8)


def flatten_thermal(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Thermal crossover: contrast towards a heavy blur kept at U(0, 0.2) plus noise."""
    blurred = cv2.blur(image, (max(3, image.shape[1] // 2) | 1,) * 2).astype(np.float32)
    keep = rng.uniform(0.0, 0.2)
    noise = rng.normal(0.0, 1.5, image.shape)
    return np.clip(blurred + (image.astype(np.float32) - blurred) * keep + noise, 0, 255).astype(np.uint8)


class Processing:
    """Callable ``(sample, rng) -> dict`` (see the module docstring)."""

    def __init__(self, config: ProcessingConfig, spec: CropSpec, *, augment: bool = True):
        self.config = config
        self.spec = spec
        self.augment = augment

    def _crops(self, visible, thermal, box, factor, size, center_jitter, scale_jitter, rng, flip_width=None):
        """Crops and geometry around the jittered ``box``. With ``flip_width`` (the frame's
        width) ``box`` is in the horizontally flipped frame: the mirrored square is cut from
        the unflipped frame and the crops are flipped, which samples exactly the pixels a
        crop of the flipped frame would (no full-frame copy)."""
        jittered = jitter_box(box, center_jitter, scale_jitter, rng) if self.augment else np.asarray(box, float)
        side = crop_side(jittered, factor)
        center = jittered[:2] + jittered[2:] / 2
        if flip_width is None:
            crop_v, geometry = crop_square(visible, center, side, size)
            crop_t, _ = crop_square(thermal, center, side, size)
            return crop_v, crop_t, geometry
        mirrored = (flip_width - center[0], center[1])
        crop_v, geometry = crop_square(visible, mirrored, side, size)
        crop_t, _ = crop_square(thermal, mirrored, side, size)
        geometry = CropGeometry(flip_width - geometry.origin_x - side, geometry.origin_y, geometry.scale,
                                geometry.output_size)
        return np.ascontiguousarray(crop_v[:, ::-1]), np.ascontiguousarray(crop_t[:, ::-1]), geometry

    def __call__(self, sample: PairSample, rng: np.random.Generator) -> dict[str, np.ndarray]:
        cfg, spec = self.config, self.spec
        zv, zt = np.asarray(sample.template.visible), np.asarray(sample.template.thermal)
        xv, xt = np.asarray(sample.search.visible), np.asarray(sample.search.thermal)
        zbox, xbox = np.asarray(sample.template_box, float), np.asarray(sample.search_box, float)
        z_flip = x_flip = None
        if self.augment and rng.random() < cfg.flip:
            z_flip, x_flip = zv.shape[1], xv.shape[1]
            zbox, xbox = flip_box(zbox, z_flip), flip_box(xbox, x_flip)
        if zt.ndim == 3:
            zt = zt[..., 0]
        if xt.ndim == 3:
            xt = xt[..., 0]
        z_v, z_t, _ = self._crops(zv, zt, zbox, spec.template_factor, spec.template_size,
                                  cfg.template_center_jitter, cfg.template_scale_jitter, rng, z_flip)
        x_v, x_t, geometry = self._crops(xv, xt, xbox, spec.search_factor, spec.search_size,
                                         cfg.search_center_jitter, cfg.search_scale_jitter, rng, x_flip)
        second = sample.entry.extras.get("second_stream") if sample.entry is not None else None
        if second is not None:
            z_v, z_t, x_v, x_t = second.apply(z_v, z_t, x_v, x_t, rng,
                                              template_px=spec.template_size / spec.template_factor,
                                              search_px=spec.search_size / spec.search_factor)
        if self.augment and rng.random() < cfg.thermal_as_visible:
            z_v, x_v = (np.repeat(t[..., None], 3, axis=2) for t in (z_t, x_t))  # thermal-only sequence
        elif self.augment and cfg.grey_visible > 0 and rng.random() < cfg.grey_visible:
            z_v, x_v = grey_rgb(z_v), grey_rgb(x_v)  # a monochrome camera (no draw when off)
        if self.augment:
            z_v, z_t, x_v, x_t = (_brightness(a, cfg.brightness, rng) for a in (z_v, z_t, x_v, x_t))
            if rng.random() < cfg.dark_visible:
                x_v = darken_visible(x_v, rng)
            if rng.random() < cfg.fog_visible:
                x_v = fog_visible(x_v, rng)
                if rng.random() < 0.5:
                    z_v = fog_visible(z_v, rng)
            if rng.random() < cfg.thermal_flat:
                x_t = flatten_thermal(x_t, rng)
        out_v, out_t = normalize_visible(x_v), normalize_thermal(x_t)
        if self.augment and rng.random() < cfg.drop_modality:
            if rng.random() < 0.5:
                out_v = np.zeros_like(out_v)
            else:
                out_t = np.zeros_like(out_t)
        crop_box = geometry.image_to_crop(xbox) / float(spec.search_size)
        box = np.array([crop_box[0] + crop_box[2] / 2, crop_box[1] + crop_box[3] / 2, crop_box[2], crop_box[3]])
        box[:2] = np.clip(box[:2], 0.0, 1.0 - 1e-6)
        box[2:] = np.clip(box[2:], 1e-4, 1.0)
        heatmap = gaussian_heatmap(box, spec.feature_size, cfg.min_overlap)
        if sample.negative:
            heatmap = np.zeros_like(heatmap)
        return {
            "z_v": normalize_visible(z_v), "z_t": normalize_thermal(z_t), "x_v": out_v, "x_t": out_t,
            "heatmap": heatmap, "box": box.astype(np.float32),
            "positive": np.float32(0.0 if sample.negative else 1.0),
            "shaped": np.float32(1.0 if sample.entry is None or sample.entry.extras.get("learn_shape", True) else 0.0),
        }
