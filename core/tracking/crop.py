"""OSTrack-style square crops and input normalisation, shared by tracking and training.

A crop is a square region of side ``side`` (image pixels) centred on ``center``, zero
padded outside the image and resized to ``output_size`` x ``output_size``. Its
:class:`CropGeometry` maps crop pixels back to image pixels:
``image_xy = crop_xy / scale + origin``.

Normalisation (``tracker.md`` section 1): visible RGB /255 then ImageNet mean/std;
thermal replicated to 3 channels, /255, mean 0.449, std 0.226.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

VISIBLE_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
VISIBLE_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
THERMAL_MEAN = 0.449
THERMAL_STD = 0.226


@dataclass(frozen=True)
class CropGeometry:
    """Where a crop came from. origin: image (x, y) of the crop's top-left corner;
    scale: crop pixels per image pixel; output_size: crop side in pixels."""

    origin_x: float
    origin_y: float
    scale: float
    output_size: int

    def crop_to_image(self, boxes_xywh: np.ndarray) -> np.ndarray:
        """(…, 4) boxes in crop pixels -> (…, 4) boxes in image pixels (x, y, w, h)."""
        b = np.asarray(boxes_xywh, dtype=np.float64)
        out = b / self.scale
        out = out.copy()
        out[..., 0] += self.origin_x
        out[..., 1] += self.origin_y
        return out

    def image_to_crop(self, boxes_xywh: np.ndarray) -> np.ndarray:
        """(…, 4) boxes in image pixels -> (…, 4) boxes in crop pixels."""
        b = np.asarray(boxes_xywh, dtype=np.float64).copy()
        b[..., 0] -= self.origin_x
        b[..., 1] -= self.origin_y
        return b * self.scale

    def as_array(self) -> np.ndarray:
        """(4,) float64: origin_x, origin_y, scale, output_size (for storage)."""
        return np.array([self.origin_x, self.origin_y, self.scale, self.output_size], dtype=np.float64)


def crop_side(box_xywh, factor: float) -> float:
    """OSTrack's crop side: ``ceil(sqrt(w * h) * factor)`` (at least 1 pixel)."""
    w, h = float(box_xywh[2]), float(box_xywh[3])
    return float(max(1, math.ceil(math.sqrt(max(w * h, 1e-6)) * factor)))


def crop_square(image: np.ndarray, center_xy, side: float, output_size: int) -> tuple[np.ndarray, CropGeometry]:
    """Crop a square of ``side`` image pixels centred on ``center_xy``, resized to ``output_size``.

    image: (H, W) or (H, W, C) uint8. Outside the image is zero. Returns the crop
    (output_size, output_size[, C]) uint8 and its geometry.
    """
    cx, cy = float(center_xy[0]), float(center_xy[1])
    x0 = round(cx - side * 0.5)
    y0 = round(cy - side * 0.5)
    scale = output_size / side
    # Affine map image -> crop: u = (x - x0) * scale (pixel centres handled like a resize).
    matrix = np.array(
        [[scale, 0.0, -x0 * scale + 0.5 * scale - 0.5], [0.0, scale, -y0 * scale + 0.5 * scale - 0.5]],
        dtype=np.float64,
    )
    interpolation = cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
    if interpolation == cv2.INTER_AREA:
        # warpAffine has no area filter: cut the padded region first, then resize.
        crop = _cut_padded(image, int(x0), int(y0), int(round(side)))
        crop = cv2.resize(crop, (output_size, output_size), interpolation=cv2.INTER_AREA)
    else:
        crop = cv2.warpAffine(
            image,
            matrix,
            (output_size, output_size),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
    return crop, CropGeometry(float(x0), float(y0), float(scale), int(output_size))


def crop_reads(center_xy, side: float, width: int, height: int) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)``, half-open image pixels clipped to ``width`` x ``height``: every pixel
    :func:`crop_square` with this centre and side can read, whatever its output size (its square of
    ``side`` pixels from ``round(centre - side / 2)``, and 2 pixels more each way for the bilinear
    filter's neighbours). A crop of an image whose pixels outside it differ is the same crop."""
    x0 = round(float(center_xy[0]) - side * 0.5)
    y0 = round(float(center_xy[1]) - side * 0.5)
    reach = math.ceil(side) + 3
    return max(0, x0 - 2), max(0, y0 - 2), min(int(width), x0 + reach), min(int(height), y0 + reach)


def _cut_padded(image: np.ndarray, x0: int, y0: int, side: int) -> np.ndarray:
    h, w = image.shape[:2]
    side = max(1, side)
    out_shape = (side, side) + image.shape[2:]
    out = np.zeros(out_shape, dtype=image.dtype)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(w, x0 + side), min(h, y0 + side)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
    return out


def sample_target(image: np.ndarray, box_xywh, factor: float, output_size: int) -> tuple[np.ndarray, CropGeometry]:
    """OSTrack's ``sample_target``: square crop of side ``ceil(sqrt(w*h)*factor)`` centred on the box."""
    side = crop_side(box_xywh, factor)
    center = (float(box_xywh[0]) + float(box_xywh[2]) / 2.0, float(box_xywh[1]) + float(box_xywh[3]) / 2.0)
    return crop_square(image, center, side, output_size)


#: (3, 256) float32: channel c's normalised value of each uint8 level, computed with the same
#: float32 operations as the direct formula, so a lookup gives the same bits
_VISIBLE_LEVELS = np.ascontiguousarray(
    ((np.arange(256, dtype=np.float32)[:, None] * np.float32(1.0 / 255.0) - VISIBLE_MEAN) / VISIBLE_STD).T)


def normalize_visible(crop_rgb: np.ndarray) -> np.ndarray:
    """(S, S, 3) uint8 RGB -> (3, S, S) float32, ImageNet-normalised:
    ``(value / 255 - mean) / std`` per channel. A uint8 crop is looked up per channel
    (:data:`_VISIBLE_LEVELS`; about 7x faster at 128 px than the arithmetic, same values);
    any other dtype is computed."""
    if crop_rgb.dtype == np.uint8 and crop_rgb.ndim == 3 and crop_rgb.shape[2] == 3:
        out = np.empty((3,) + crop_rgb.shape[:2], dtype=np.float32)
        for channel in range(3):
            np.take(_VISIBLE_LEVELS[channel], crop_rgb[..., channel], out=out[channel])
        return out
    x = crop_rgb.astype(np.float32) * (1.0 / 255.0)
    x = (x - VISIBLE_MEAN) / VISIBLE_STD
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def normalize_thermal(crop_gray: np.ndarray) -> np.ndarray:
    """(S, S) uint8 thermal -> (3, S, S) float32: replicated, /255, mean 0.449, std 0.226."""
    if crop_gray.ndim == 3:
        crop_gray = crop_gray[..., 0]
    x = (crop_gray.astype(np.float32) * (1.0 / 255.0) - THERMAL_MEAN) / THERMAL_STD
    return np.ascontiguousarray(np.broadcast_to(x, (3,) + x.shape))
