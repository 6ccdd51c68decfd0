"""OSTrack's center head and its decoding (``tracker.md`` section 1).

Maps are ``(B, ch, F, F)`` float32 over the search crop: ``score`` (1 ch, sigmoid
clamped to [1e-4, 1-1e-4]), ``size`` (2 ch: w, h as fractions of the crop side, sigmoid
clamped likewise), ``offset`` (2 ch: x, y sub-cell offsets in cells, raw). A box is
``(cx, cy, w, h)`` in crop units [0, 1]: ``cx = (ix + dx) / F``, ``cy = (iy + dy) / F``.
Decoding functions accept torch tensors or numpy arrays and return the same kind.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

SCORE_EPS = 1e-4


def _conv_bn_relu(cin: int, cout: int) -> nn.Sequential:
    """conv3x3 (bias) + BatchNorm + ReLU; indices 0 and 1 match the authors' names."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def clamped_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """sigmoid clamped to [1e-4, 1 - 1e-4] (OSTrack's ``_sigmoid``)."""
    return torch.clamp(torch.sigmoid(x), min=SCORE_EPS, max=1.0 - SCORE_EPS)


class CenterHead(nn.Module):
    """Three conv branches (ctr, offset, size), each ``len(widths)`` x [conv3x3+BN+ReLU]
    then conv1x1. Input (B, C, F, F) -> (score (B,1,F,F), size (B,2,F,F), offset (B,2,F,F)).

    Parameter names follow OSTrack: ``conv{k}_{ctr,offset,size}.{0,1}`` and
    ``conv{n+1}_{ctr,offset,size}``.
    """

    BRANCHES = (("ctr", 1), ("offset", 2), ("size", 2))

    def __init__(self, in_channels: int, widths: tuple[int, ...] = (256, 128, 64, 32)):
        super().__init__()
        self.depth = len(widths)
        chans = (in_channels,) + tuple(widths)
        for name, out in self.BRANCHES:
            for k in range(self.depth):
                self.add_module(f"conv{k + 1}_{name}", _conv_bn_relu(chans[k], chans[k + 1]))
            self.add_module(f"conv{self.depth + 1}_{name}", nn.Conv2d(chans[-1], out, 1))
        self._init()

    def _init(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.xavier_uniform_(module.weight)

    def _branch(self, name: str, x: torch.Tensor) -> torch.Tensor:
        for k in range(self.depth + 1):
            x = getattr(self, f"conv{k + 1}_{name}")(x)
        return x

    def forward(self, feature: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        score = clamped_sigmoid(self._branch("ctr", feature))
        offset = self._branch("offset", feature)
        size = clamped_sigmoid(self._branch("size", feature))
        return score, size, offset


def hann1d(n: int) -> np.ndarray:
    """(n,) float32: ``0.5 * (1 - cos(2*pi*k/(n+1)))`` for k = 1..n (no zero ends)."""
    k = np.arange(1, n + 1, dtype=np.float64)
    return (0.5 * (1.0 - np.cos(2.0 * math.pi * k / (n + 1)))).astype(np.float32)


def hann2d(n: int) -> torch.Tensor:
    """(1, 1, n, n) float32 torch tensor: outer product of :func:`hann1d` with itself."""
    h = hann1d(n)
    return torch.from_numpy(np.outer(h, h)).reshape(1, 1, n, n)


def _as_torch(*arrays):
    is_numpy = isinstance(arrays[0], np.ndarray)
    tensors = tuple(torch.from_numpy(np.asarray(a)) if isinstance(a, np.ndarray) else a for a in arrays)
    return is_numpy, tensors


def _gather(maps: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """maps (B, ch, F, F), index (B,) flat cell indices -> (B, ch)."""
    b, ch = maps.shape[:2]
    flat = maps.reshape(b, ch, -1)
    return torch.gather(flat, 2, index.reshape(b, 1, 1).expand(b, ch, 1)).squeeze(2)


def boxes_from_maps_at(score, size, offset, index):
    """Boxes read at given peak cells.

    score (B,1,F,F), size (B,2,F,F), offset (B,2,F,F), index (B,) int flat cell index
    ``iy * F + ix`` -> (boxes (B,4) float32 cx,cy,w,h in crop units, scores (B,) float32,
    the score map's value at ``index``). Differentiable in size/offset (training uses it
    with ground-truth or teacher peaks).
    """
    is_numpy, (score, size, offset, index) = _as_torch(score, size, offset, index)
    index = index.long().reshape(-1)
    f = score.shape[-1]
    iy = torch.div(index, f, rounding_mode="floor").to(size.dtype)
    ix = (index % f).to(size.dtype)
    wh = _gather(size, index)
    off = _gather(offset, index)
    cx = (ix + off[:, 0]) / f
    cy = (iy + off[:, 1]) / f
    boxes = torch.stack([cx, cy, wh[:, 0], wh[:, 1]], dim=1)
    scores = _gather(score, index)[:, 0]
    if is_numpy:
        return boxes.detach().numpy(), scores.detach().numpy()
    return boxes, scores


def decode_boxes(score, size, offset, window=None):
    """Peak decoding: the argmax of ``score * window`` (``window`` (F,F) or (1,1,F,F),
    e.g. :func:`hann2d`; None = no window) picks a cell; size and offset are read there.

    Returns (boxes (B,4) cx,cy,w,h in crop units [0,1], confidence (B,)): the confidence
    is the *unwindowed* score at the chosen peak (a probability-like value in (0,1)).
    """
    is_numpy, (score_t, size_t, offset_t) = _as_torch(score, size, offset)
    response = score_t
    if window is not None:
        w = torch.as_tensor(np.asarray(window) if isinstance(window, np.ndarray) else window)
        response = response * w.to(response.dtype).reshape(1, 1, response.shape[-2], response.shape[-1])
    index = response.reshape(response.shape[0], -1).argmax(dim=1)
    boxes, conf = boxes_from_maps_at(score_t, size_t, offset_t, index)
    if is_numpy:
        return boxes.detach().numpy(), conf.detach().numpy()
    return boxes, conf
