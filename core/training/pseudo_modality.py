"""A second stream for single-modality sequences: derive the missing modality from the one given.

Pure functions of (image, rng), applied to the *crops* (cheap: 64-256 px squares), with
spatial sizes given relative to the crop's pixels per target (``target_px`` = crop
size / crop factor, e.g. 32 px for the bundled 64/2.0 template and 128/4.0 search), so a
template and a search crop cut at the same image scale get the same look.

- :func:`pseudo_thermal`: visible RGB (H, W, 3) uint8 -> thermal-like (H, W) uint8. A
  random channel mix (between luminance and a random RGB weighting: a thermal camera does
  not see luminance), a random monotone tone curve, inversion (white-hot / black-hot)
  with probability ``invert``, a lower optical resolution (Gaussian blur of up to
  ``blur`` x target_px / 32 px), contrast loss (blend towards the mean by U(0, ``flatten``))
  and sensor noise of up to ``noise`` grey levels.
- :func:`visible_like`: thermal (H, W) uint8 -> RGB (H, W, 3) uint8: the grey replicated,
  a mild gamma and a small per-channel gain / offset jitter (a colour-less visible image).

:class:`SecondStream` (held in ``SequenceEntry.extras["second_stream"]``) tells
``core.training.processing`` which modality to derive and how (``pseudo`` or ``same``:
the same frame twice, i.e. the luminance as thermal or the thermal grey as visible). It
draws one child seed per sample and uses it for the template and for the search crop, so
both crops get the same tone curve, inversion and channel mix.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.errors import ConfigError

MODES = ("pseudo", "same")
MISSING = ("thermal", "visible")
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def monotone_curve(rng: np.random.Generator, knots: int = 5) -> np.ndarray:
    """(256,) uint8 lookup table of a random non-decreasing curve from 0..255 onto a random
    output range (at least 96 grey levels wide): piecewise linear through ``knots`` points
    with Dirichlet increments, then a random gamma."""
    steps = rng.dirichlet(np.full(knots, 1.5))
    ys = np.concatenate([[0.0], np.cumsum(steps)])
    xs = np.linspace(0.0, 255.0, knots + 1)
    curve = np.interp(np.arange(256, dtype=np.float64), xs, ys)
    curve = np.clip(curve, 0.0, 1.0) ** float(np.exp(rng.uniform(-0.5, 0.5)))
    low = rng.uniform(0.0, 60.0)
    high = rng.uniform(max(low + 96.0, 190.0), 255.0)
    return np.clip(low + (high - low) * curve, 0, 255).astype(np.uint8)


def pseudo_thermal(image: np.ndarray, rng: np.random.Generator, *, target_px: float = 32.0, invert: float = 0.3,
                   blur: float = 1.5, flatten: float = 0.5, noise: float = 4.0) -> np.ndarray:
    """Thermal-like (H, W) uint8 from a visible (H, W, 3) RGB or (H, W) grey uint8 image
    (see the module docstring). Deterministic in (image, rng state)."""
    image = np.asarray(image)
    if image.ndim == 3:
        mix = rng.uniform(0.0, 1.0)
        weights = (1 - mix) * LUMA + mix * rng.dirichlet(np.ones(3)).astype(np.float32)
        grey = np.clip(cv2.transform(image, weights[None, :].astype(np.float32)), 0, 255).astype(np.uint8)
        grey = grey.reshape(image.shape[:2])
    else:
        grey = image.astype(np.uint8, copy=False)
    lut = monotone_curve(rng)
    if rng.random() < invert:
        lut = (255 - lut).astype(np.uint8)
    out = cv2.LUT(grey, lut).astype(np.float32)
    sigma = rng.uniform(0.0, blur) * target_px / 32.0
    if sigma > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    keep = 1.0 - rng.uniform(0.0, flatten)
    out = out.mean() + (out - out.mean()) * keep
    sd = rng.uniform(0.0, noise)
    if sd > 0:
        out = out + rng.standard_normal(out.shape, dtype=np.float32) * sd
    return np.clip(out, 0, 255).astype(np.uint8)


def visible_like(image: np.ndarray, rng: np.random.Generator, *, colour: float = 0.08) -> np.ndarray:
    """Colour-less visible (H, W, 3) uint8 RGB from a thermal (H, W) (or (H, W, 3)) uint8
    image: grey replicated, gamma exp(U(-0.3, 0.3)), per-channel gain 1 + U(-c, c) and
    offset U(-10c, 10c) x 255 / 100 with c = ``colour``."""
    image = np.asarray(image)
    grey = image[..., 0] if image.ndim == 3 else image
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** float(np.exp(rng.uniform(-0.3, 0.3))), 0, 255).astype(np.uint8)
    grey = cv2.LUT(grey.astype(np.uint8, copy=False), lut)
    gains = (1.0 + rng.uniform(-colour, colour, 3)).astype(np.float32)
    offsets = (rng.uniform(-colour, colour, 3) * 25.5).astype(np.float32)
    rgb = grey[..., None].astype(np.float32) * gains + offsets
    return np.clip(rgb, 0, 255).astype(np.uint8)


def grey_to_rgb(image: np.ndarray) -> np.ndarray:
    """(H, W) uint8 -> (H, W, 3) uint8 with the grey in every channel."""
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_GRAY2RGB)


def luminance(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB uint8 -> (H, W) uint8 luminance."""
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)


@dataclass(frozen=True)
class SecondStream:
    """How a single-modality source fills the modality it lacks.

    missing: ``thermal`` (a visible sequence) or ``visible`` (a thermal sequence);
    mode: ``pseudo`` (:func:`pseudo_thermal` / :func:`visible_like` with probability
    ``pseudo_share``, else ``same``) or ``same`` (luminance as thermal / grey as visible,
    which is what the frames already carry).
    """

    missing: str
    mode: str = "pseudo"
    pseudo_share: float = 1.0

    def __post_init__(self) -> None:
        if self.missing not in MISSING:
            raise ConfigError(f"second stream: missing modality must be one of {MISSING}, got {self.missing!r}")
        if self.mode not in MODES:
            raise ConfigError(f"second_stream must be one of {MODES}, got {self.mode!r}")
        if not 0.0 <= self.pseudo_share <= 1.0:
            raise ConfigError(f"pseudo_share must be in [0, 1], got {self.pseudo_share}")

    def apply(self, z_v: np.ndarray, z_t: np.ndarray, x_v: np.ndarray, x_t: np.ndarray, rng: np.random.Generator,
              *, template_px: float = 32.0, search_px: float = 32.0):
        """Crops in, crops out: visible (S, S, 3) RGB and thermal (S, S) uint8 for the
        template (z) and the search (x). ``*_px``: crop pixels per target side (size /
        factor). With ``same`` the crops are returned as they are (no rng drawn)."""
        if self.mode != "pseudo" or rng.random() >= self.pseudo_share:
            return z_v, z_t, x_v, x_t
        seed = int(rng.integers(2**63))
        if self.missing == "thermal":
            z_t = pseudo_thermal(z_v, np.random.default_rng(seed), target_px=template_px)
            x_t = pseudo_thermal(x_v, np.random.default_rng(seed), target_px=search_px)
        else:
            z_v = visible_like(z_t, np.random.default_rng(seed))
            x_v = visible_like(x_t, np.random.default_rng(seed))
        return z_v, z_t, x_v, x_t
