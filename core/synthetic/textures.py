"""Textures of the synthetic world, computed once per sequence (all pure functions of an RNG).

- ``background_canvases``: a visible (Hc, Wc, 3) uint8 RGB canvas and a thermal (Hc, Wc)
  uint8 canvas larger than the frame, from which the camera window is cut each frame.
  Visible content is either a photograph that ships inside an installed wheel
  (matplotlib's ``sample_data``), randomly cropped, flipped and recoloured, or procedural
  multi-scale noise with random shapes, or (optional) whatever a ``BackgroundProvider``
  returns (e.g. real frames, ``core.training.backgrounds``). The thermal canvas shares the
  scene's edges (blurred luminance) plus its own low-frequency temperature field, unless
  the provider gives a thermal canvas of its own.
- ``target_sprite``: the target's visible texture (S, S, 3) uint8, alpha (S, S) float32
  filling its bounding square (an ellipse / rounded rectangle touching all four edges),
  and a thermal signature (S, S) float32 in [0, 1] (warm core with internal structure).
"""
from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

SPRITE_SIZE = 64

# provider(rng, height, width) -> (visible (H, W, 3) uint8 RGB, thermal (H, W) uint8 or None)
BackgroundProvider = Callable[[np.random.Generator, int, int], tuple[np.ndarray, "np.ndarray | None"]]


def noise_field(rng: np.random.Generator, height: int, width: int, octaves: int = 5, channels: int = 1) -> np.ndarray:
    """Multi-scale value noise, (H, W, C) float32 in [0, 1] (built at 1/4 resolution, then upsampled)."""
    sh, sw = max(8, height // 4), max(8, width // 4)
    field = np.zeros((sh, sw, channels), np.float32)
    weight_sum = 0.0
    for o in range(octaves):
        cells = 2 ** (o + 1)
        small = rng.random((cells + 1, int(cells * width / height) + 2, channels)).astype(np.float32)
        layer = cv2.resize(small, (sw, sh), interpolation=cv2.INTER_CUBIC).reshape(sh, sw, channels)
        weight = 0.6**o
        field += weight * layer
        weight_sum += weight
    field /= weight_sum
    lo, hi = np.percentile(field, (1, 99))
    field = np.clip((field - lo) / max(hi - lo, 1e-6), 0.0, 1.0)
    return cv2.resize(field, (width, height), interpolation=cv2.INTER_LINEAR).reshape(height, width, channels)


def _sample_data_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "sample_data"


def _hillshade(elevation: np.ndarray) -> np.ndarray:
    """A real elevation model rendered as an aerial view, (H, W, 3) uint8 RGB."""
    z = elevation.astype(np.float32)
    gy, gx = np.gradient(z)
    shade = np.clip(0.6 + (gx - gy) / (4.0 * float(np.std(np.hypot(gx, gy))) + 1e-6) * 0.4, 0.0, 1.0)
    height = (z - z.min()) / max(float(np.ptp(z)), 1e-6)
    low, high = np.array([70, 110, 50], np.float32), np.array([185, 160, 120], np.float32)
    colour = low + (high - low) * height[..., None]
    return np.clip(colour * (0.45 + 0.75 * shade[..., None]), 0, 255).astype(np.uint8)


@functools.lru_cache(maxsize=1)
def _photographs() -> tuple[np.ndarray, ...]:
    """Real images shipped in installed wheels, RGB uint8 (read-only), possibly empty.

    matplotlib's ``sample_data``: ``grace_hopper.jpg`` (a photograph) and
    ``jacksboro_fault_dem.npz`` (a measured elevation model, hill-shaded to an aerial view).
    """
    folder = _sample_data_dir()
    found = []
    if folder is not None:
        image = cv2.imread(str(folder / "grace_hopper.jpg"), cv2.IMREAD_COLOR)
        if image is not None:
            found.append(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        try:
            with np.load(folder / "jacksboro_fault_dem.npz") as data:
                found.append(_hillshade(data["elevation"]))
        except (OSError, KeyError, ValueError):
            pass
    for image in found:
        image.setflags(write=False)
    return tuple(found)


def _procedural_visible(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    base = noise_field(rng, height, width, octaves=6, channels=3)
    palette = rng.uniform(40, 220, size=(2, 3)).astype(np.float32)
    mix = noise_field(rng, height, width, octaves=3, channels=1)
    image = palette[0] * (1 - mix) + palette[1] * mix
    image = image * (0.55 + 0.9 * base * rng.uniform(0.4, 1.0))
    canvas = np.clip(image, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(15, 40))):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(3)
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(height // 30 + 2, height // 5 + 3))
        if kind == 0:
            cv2.rectangle(canvas, (cx, cy), (cx + size, cy + int(size * rng.uniform(0.3, 2))), colour, -1)
        elif kind == 1:
            cv2.circle(canvas, (cx, cy), size // 2, colour, -1, cv2.LINE_AA)
        else:
            end = (int(cx + rng.normal(0, size * 2)), int(cy + rng.normal(0, size * 2)))
            cv2.line(canvas, (cx, cy), end, colour, int(rng.integers(1, 5)), cv2.LINE_AA)
    detail = (rng.normal(0, 6, (height, width, 1))).astype(np.float32)
    return np.clip(canvas.astype(np.float32) + detail, 0, 255).astype(np.uint8)


def _photo_visible(rng: np.random.Generator, photo: np.ndarray, height: int, width: int) -> np.ndarray:
    ph, pw = photo.shape[:2]
    scale = max(height / ph, width / pw) * rng.uniform(1.0, 1.6)
    resized = cv2.resize(photo, (int(np.ceil(pw * scale)), int(np.ceil(ph * scale))), interpolation=cv2.INTER_AREA)
    y0 = int(rng.integers(0, resized.shape[0] - height + 1))
    x0 = int(rng.integers(0, resized.shape[1] - width + 1))
    crop = resized[y0 : y0 + height, x0 : x0 + width]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    gains = rng.uniform(0.7, 1.3, 3).astype(np.float32)
    return np.clip(crop.astype(np.float32) * gains, 0, 255).astype(np.uint8)


def _visible_canvas(rng: np.random.Generator, height: int, width: int, kind: str) -> tuple[np.ndarray, str]:
    photos = _photographs()
    if bool(photos) and (kind == "photo" or (kind == "auto" and rng.random() < 0.35)):
        index = int(rng.integers(len(photos)))
        return _photo_visible(rng, photos[index], height, width), "photo"
    return _procedural_visible(rng, height, width), "procedural"


def background_canvases(
    rng: np.random.Generator, height: int, width: int, kind: str, provider: BackgroundProvider | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Visible (H, W, 3) uint8 RGB and thermal (H, W) uint8 canvases and the source used.

    ``kind`` "auto" picks a photograph with probability 0.35 when one is installed.
    ``provider`` (optional) replaces ``kind``: its visible canvas is used, and its thermal
    canvas when it gives one (source ``"provided"``); without a provider the RNG is drawn
    exactly as before.
    """
    if provider is not None:
        visible, thermal = provider(rng, height, width)
        if visible.shape != (height, width, 3) or (thermal is not None and thermal.shape != (height, width)):
            raise ValueError(f"background provider returned {visible.shape} / "
                             f"{None if thermal is None else thermal.shape} for a {height}x{width} canvas")
        if thermal is not None:
            return visible, thermal, "provided"
        source = "provided"
    else:
        visible, source = _visible_canvas(rng, height, width, kind)
    luma = cv2.cvtColor(visible, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    edges = cv2.GaussianBlur(luma, (0, 0), 2.0)
    temperature = noise_field(rng, height, width, octaves=4)[..., 0]
    gradient = np.linspace(rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), height, dtype=np.float32)[:, None]
    mix = rng.uniform(0.25, 0.6)
    thermal = mix * edges + (1 - mix) * temperature + gradient
    low, high = rng.uniform(30, 80), rng.uniform(130, 170)
    thermal = low + (high - low) * (thermal - thermal.min()) / max(float(np.ptp(thermal)), 1e-6)
    return visible, np.clip(thermal, 0, 255).astype(np.uint8), source


def target_sprite(rng: np.random.Generator, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target appearance: visible (S, Sy, 3) uint8 RGB, alpha (Sy, Sx) float32, heat (Sy, Sx) float32.

    The sprite is stretched to the box at render time; its alpha touches all four edges
    so the bounding box of the drawn target is exactly the ground-truth box.
    """
    sx = SPRITE_SIZE if aspect >= 1 else max(8, int(round(SPRITE_SIZE * aspect)))
    sy = SPRITE_SIZE if aspect <= 1 else max(8, int(round(SPRITE_SIZE / aspect)))
    yy, xx = np.mgrid[0:sy, 0:sx].astype(np.float32)
    u = (xx + 0.5) / sx * 2 - 1
    v = (yy + 0.5) / sy * 2 - 1
    base = rng.uniform(30, 230, 3).astype(np.float32)
    second = rng.uniform(30, 230, 3).astype(np.float32)
    pattern_kind = int(rng.integers(3))
    freq = rng.uniform(2, 5)
    if pattern_kind == 0:
        pattern = 0.5 + 0.5 * np.sign(np.sin(np.pi * freq * v))
    elif pattern_kind == 1:
        pattern = 0.5 + 0.5 * np.sign(np.sin(np.pi * freq * u) * np.sin(np.pi * freq * v))
    else:
        pattern = (np.hypot(u, v) < 0.5).astype(np.float32)
    noise = noise_field(rng, sy, sx, octaves=3)[..., 0]
    visible = base * (1 - pattern[..., None]) + second * pattern[..., None]
    visible = visible * (0.75 + 0.5 * noise[..., None])
    visible = np.clip(visible, 0, 255).astype(np.uint8)
    # Shape: superellipse touching the square's edges (exponent 2 = ellipse, large = rectangle).
    exponent = rng.uniform(2.5, 6.0)
    radius = np.abs(u) ** exponent + np.abs(v) ** exponent
    alpha = np.clip((1.0 - radius) * 8.0, 0.0, 1.0).astype(np.float32)
    # Thermal: warm body, hotter core offset from centre, cooler internal details.
    core_x, core_y = rng.uniform(-0.3, 0.3, 2)
    heat = 0.55 + 0.45 * np.exp(-((u - core_x) ** 2 + (v - core_y) ** 2) / rng.uniform(0.1, 0.4))
    heat = heat - 0.25 * pattern * rng.uniform(0.3, 1.0) + 0.15 * (noise - 0.5)
    heat = np.clip(heat, 0.0, 1.0).astype(np.float32)
    return visible, alpha, heat
