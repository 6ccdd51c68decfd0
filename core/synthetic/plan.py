"""The script of a synthetic sequence: every per-frame quantity, precomputed cheaply.

:func:`make_plan` turns (config, seed sequence) into a :class:`Plan` of arrays over the N frames:
target boxes (exact ground truth), camera path, occluder rectangles, distractor boxes,
thermal contrast (crossover), motion vectors for blur, noise offsets and per-frame tags.
Pixels are rendered later, frame by frame, from the plan (``core.synthetic.render``).
Boxes are ``x, y, w, h`` float64 on the visible grid (``core.geometry``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.synthetic.config import CHALLENGES, SyntheticConfig

MARGIN = 2.0  # px kept between boxes and the image border (LasHeR treats x=0 or y=0 as absent)
NOISE_PAD = 24  # noise tiles are this much larger than the frame; per-frame random offset


@dataclass(frozen=True)
class Plan:
    """Per-frame arrays of one sequence (N frames, visible grid, float64 pixels).

    boxes (N,4) target; thermal_boxes (N,4) = boxes shifted by ``thermal_offset`` (2,);
    camera (N,2) integer top-left of the frame window in the background canvas;
    occluder (N,4) rectangle x,y,w,h (NaN rows when no occluder); occlusion (N,) fraction
    of the target box covered; absent (N,) / occluded (N,) flags; visible_distractor,
    thermal_distractor (N,4) boxes or NaN; contrast (N,) thermal contrast factor in [0,1];
    target_motion, camera_motion (N,2) px per frame; noise_offsets (N,4) int (visible
    x,y, thermal x,y); tags: per-frame tuples of active challenge tags.
    """

    boxes: np.ndarray
    thermal_boxes: np.ndarray
    thermal_offset: np.ndarray
    camera: np.ndarray
    canvas_size: tuple[int, int]
    occluder: np.ndarray
    occlusion: np.ndarray
    absent: np.ndarray
    occluded: np.ndarray
    visible_distractor: np.ndarray
    thermal_distractor: np.ndarray
    distractor_cover: np.ndarray
    contrast: np.ndarray
    target_motion: np.ndarray
    camera_motion: np.ndarray
    noise_offsets: np.ndarray
    tags: tuple[tuple[str, ...], ...]


def _smooth_noise(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    """(n,) smooth random signal with unit standard deviation (Gaussian-filtered white noise)."""
    pad = int(3 * sigma) + 1
    white = rng.standard_normal(n + 2 * pad)
    k = np.arange(-pad, pad + 1)
    kernel = np.exp(-0.5 * (k / sigma) ** 2)
    smooth = np.convolve(white, kernel / kernel.sum(), mode="valid")[:n]
    return smooth / max(float(smooth.std()), 1e-6) if n > 1 else smooth * 0


def _fold(values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Reflect ``values`` into [low, high] (a bounce at each wall), element-wise."""
    span = np.maximum(high - low, 1e-6)
    q = np.mod(values - low, 2 * span)
    return low + np.where(q > span, 2 * span - q, q)


def _path(rng: np.random.Generator, n: int, speed: float, start: np.ndarray) -> np.ndarray:
    """(n,2) smooth random walk with mean speed ``speed`` px/frame starting at ``start``."""
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(0.08 * _smooth_noise(rng, n, 6.0))
    magnitude = speed * np.clip(1.0 + 0.4 * _smooth_noise(rng, n, 10.0), 0.2, 2.0)
    velocity = np.stack([np.cos(heading), np.sin(heading)], axis=1) * magnitude[:, None]
    velocity[0] = 0.0
    return start[None, :] + np.cumsum(velocity, axis=0)


def _rect_cover(boxes: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """Fraction of each box's area covered by the matching rect (NaN rect -> 0)."""
    x1 = np.maximum(boxes[:, 0], rects[:, 0])
    y1 = np.maximum(boxes[:, 1], rects[:, 1])
    x2 = np.minimum(boxes[:, 0] + boxes[:, 2], rects[:, 0] + rects[:, 2])
    y2 = np.minimum(boxes[:, 1] + boxes[:, 3], rects[:, 1] + rects[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    return np.nan_to_num(inter / (boxes[:, 2] * boxes[:, 3]), nan=0.0)


def _distractor(rng: np.random.Generator, boxes: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N,4) boxes of an object roaming near the target, repeatedly crossing in front of it."""
    n = len(boxes)
    size = boxes[:, 2:] * rng.uniform(0.85, 1.15)
    reach = 0.5 * (boxes[:, 2:] + size).max(axis=1) * 1.15  # no overlap beyond this distance
    angle = rng.uniform(0, 2 * np.pi) + np.cumsum(0.05 * _smooth_noise(rng, n, 8.0)) + np.linspace(0, rng.uniform(-3, 3), n)
    # crosses right in front of the target (in its one modality) and roams away, several times
    distance = reach * 1.3 * (1 + np.sin(np.linspace(0, rng.uniform(3, 7), n) + rng.uniform(0, 6)))
    centre = boxes[:, :2] + boxes[:, 2:] / 2 + np.stack([np.cos(angle), np.sin(angle)], axis=1) * distance[:, None]
    low = size / 2 + MARGIN
    high = np.array([width, height])[None, :] - size / 2 - MARGIN
    centre = _fold(centre, low, high)
    return np.concatenate([centre - size / 2, size], axis=1)


STREAMS = ("scale", "path", "misalignment", "camera", "occlusion", "visible_distractor", "thermal_distractor",
           "crossover", "noise")


def make_plan(config: SyntheticConfig, seed: np.random.SeedSequence) -> Plan:
    """Precompute every per-frame quantity of a sequence (cost O(N), no pixels).

    Each aspect draws from its own child stream of ``seed``, so switching one challenge
    on or off leaves everything else (path, camera, textures, noise) unchanged.
    """
    rngs = dict(zip(STREAMS, (np.random.default_rng(s) for s in seed.spawn(len(STREAMS))), strict=True))
    n, width, height = config.num_frames, config.width, config.height
    frame = np.array([width, height], np.float64)
    base = config.target_size * height
    base_wh = np.array([base * np.sqrt(config.target_aspect), base / np.sqrt(config.target_aspect)])
    rng = rngs["scale"]
    log_scale = config.scale_range * _smooth_noise(rng, n, 20.0) / 2.0
    if config.has("scale_change"):
        phase = rng.uniform(0, 2 * np.pi)
        log_scale = log_scale + config.scale_change_range * np.sin(np.linspace(0, rng.uniform(1.5, 3.0), n) + phase)
    wh = base_wh[None, :] * np.exp(log_scale)[:, None]
    shrink = np.minimum(1.0, (0.8 * frame[None, :] / wh).min(axis=1))
    wh = np.maximum(wh * shrink[:, None], 4.0)
    speed = config.speed * height * (config.fast_motion_factor if config.has("fast_motion") else 1.0)
    rng = rngs["path"]
    start = frame * rng.uniform(0.35, 0.65, 2)
    low = wh / 2 + MARGIN
    high = frame[None, :] - wh / 2 - MARGIN
    centre = _fold(_path(rng, n, speed, start), low, high)
    boxes = np.concatenate([centre - wh / 2, wh], axis=1)

    offset = np.zeros(2)
    if config.has("misalignment"):
        angle = rngs["misalignment"].uniform(0, 2 * np.pi)
        offset = config.misalignment * np.array([np.cos(angle), np.sin(angle)])
    thermal_boxes = boxes.copy()
    thermal_boxes[:, :2] += offset

    canvas = (int(np.ceil(width * 1.5)) + 2 * NOISE_PAD, int(np.ceil(height * 1.5)) + 2 * NOISE_PAD)
    cam_range = np.array([canvas[0] - width, canvas[1] - height], np.float64)
    rng = rngs["camera"]
    cam_path = _path(rng, n, config.camera_speed * height, cam_range * rng.uniform(0.3, 0.7, 2))
    camera = np.round(_fold(cam_path, np.zeros((1, 2)), cam_range[None, :] - 1)).astype(np.int64)
    camera_motion = np.diff(camera, axis=0, prepend=camera[:1]).astype(np.float64)
    target_motion = np.diff(centre, axis=0, prepend=centre[:1])

    occluder = np.full((n, 4), np.nan)
    if config.has("occlusion"):
        rng = rngs["occlusion"]
        t0 = int(rng.uniform(0.3, 0.7) * (n - 1))
        ow = min(wh[t0, 0] * rng.uniform(1.3, 2.2), 0.45 * width)
        oh = min(max(wh[t0, 1] * rng.uniform(1.4, 3.0), height * 0.3), 0.9 * height)
        direction = rng.choice([-1.0, 1.0])
        # crossing speed: well above the target's own so the occlusion stays brief (about
        # (ow - w) / speed frames fully hidden)
        window = np.diff(centre[:, 0], prepend=centre[0, 0])[max(0, t0 - 15) : t0 + 15]
        relative = max(2.0 * float(np.abs(window).max(initial=0.0)), 1.5 * speed, 1.5) * rng.uniform(1.0, 1.5)
        t = np.arange(n) - t0
        ox = centre[t0, 0] - ow / 2 + direction * relative * t
        oy = np.full(n, centre[t0, 1] - oh / 2 + rng.uniform(-0.15, 0.15) * wh[t0, 1])
        occluder = np.stack([np.round(ox), np.round(oy), np.full(n, round(ow)), np.full(n, round(oh))], axis=1)
    occlusion = _rect_cover(boxes, occluder)
    absent = occlusion >= 0.999
    occluded = occlusion > 0.25

    nan_boxes = np.full((n, 4), np.nan)
    visible_distractor = _distractor(rngs["visible_distractor"], boxes, width, height) if config.has("visible_distractor") else nan_boxes
    thermal_distractor = _distractor(rngs["thermal_distractor"], boxes, width, height) if config.has("thermal_distractor") else nan_boxes

    distractor_cover = np.maximum(_rect_cover(boxes, visible_distractor), _rect_cover(boxes, thermal_distractor))

    contrast = np.ones(n)
    if config.has("thermal_crossover"):
        length = max(1, int(round(config.crossover_fraction * n)))
        t0 = int(rngs["crossover"].integers(0, max(1, n - length + 1)))
        inside = np.zeros(n)
        inside[t0 : t0 + length] = 1.0
        ramp = max(1, min(10, length // 4))
        kernel = np.ones(ramp) / ramp
        inside = np.convolve(np.pad(inside, (ramp, ramp), mode="edge"), kernel, mode="same")[ramp:-ramp]
        contrast = 1.0 - 0.97 * inside

    noise_offsets = rngs["noise"].integers(0, NOISE_PAD, size=(n, 4))
    tags = _frame_tags(config, boxes, occluded, contrast, visible_distractor, thermal_distractor, target_motion, camera_motion)
    return Plan(
        boxes=boxes, thermal_boxes=thermal_boxes, thermal_offset=offset, camera=camera, canvas_size=canvas,
        occluder=occluder, occlusion=occlusion, absent=absent, occluded=occluded,
        visible_distractor=visible_distractor, thermal_distractor=thermal_distractor,
        distractor_cover=distractor_cover, contrast=contrast,
        target_motion=target_motion, camera_motion=camera_motion, noise_offsets=noise_offsets, tags=tags,
    )


def _frame_tags(config, boxes, occluded, contrast, vis_d, th_d, target_motion, camera_motion):
    """Per frame, the challenges actually in effect at that frame."""
    size = np.sqrt(boxes[:, 2] * boxes[:, 3])
    centre = boxes[:, :2] + boxes[:, 2:] / 2

    def near(d):
        return np.linalg.norm(d[:, :2] + d[:, 2:] / 2 - centre, axis=1) < 3 * size

    always = {c for c in ("night", "sensor_noise", "misalignment", "scale_change") if config.has(c)}
    per = {
        "occlusion": occluded,
        "thermal_crossover": contrast < 0.5,
        "visible_distractor": near(vis_d) if config.has("visible_distractor") else np.zeros(len(boxes), bool),
        "thermal_distractor": near(th_d) if config.has("thermal_distractor") else np.zeros(len(boxes), bool),
        "fast_motion": (np.linalg.norm(target_motion, axis=1) > 0.05 * size) & config.has("fast_motion"),
        "motion_blur": (np.linalg.norm(target_motion, axis=1) * config.blur_length >= 2) & config.has("motion_blur"),
    }
    return tuple(
        tuple(c for c in CHALLENGES if c in always or (c in per and bool(per[c][i]))) for i in range(len(boxes))
    )
