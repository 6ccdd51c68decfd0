"""Fixtures for the tracking tests: an oracle network and a synthetic moving square.

``OracleNet`` follows the forward contract but is not learned: it finds the bright blob
in the thermal search crop (normalised value > 0) and answers with a Gaussian score
peak at its centroid (height ``peak``), the blob's size (from its second moments) in the
size map and the exact sub-cell position in the offset map. When no blob is visible the
score map is ~0. With it the tracker's geometry can be checked to sub-pixel accuracy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch
from torch import nn

from core.sequences.base import FramePair, RGBTSequence, SequenceInfo


@dataclass(frozen=True)
class OracleConfig:
    template_size: int = 64
    search_size: int = 128
    template_factor: float = 2.0
    search_factor: float = 4.0
    feature_dim: int = 1
    patch_size: int = 8

    @property
    def feature_size(self) -> int:
        return self.search_size // self.patch_size


class OracleNet(nn.Module):
    def __init__(self, config: OracleConfig = OracleConfig(), peak: float = 0.95, sigma: float = 0.7):
        super().__init__()
        self.config = config
        self.peak = peak
        self.sigma = sigma

    def forward(self, z_v, z_t, x_v, x_t):
        f = self.config.feature_size
        stride = x_t.shape[-1] / f
        mask = (x_t[:, 0] > 0).float()  # (B, X, X)
        b, h, w = mask.shape
        ys = (torch.arange(h, dtype=torch.float32) + 0.5).reshape(1, h, 1)
        xs = (torch.arange(w, dtype=torch.float32) + 0.5).reshape(1, 1, w)
        mass = mask.sum(dim=(1, 2)).clamp(min=1e-6)
        cx = (mask * xs).sum(dim=(1, 2)) / mass
        cy = (mask * ys).sum(dim=(1, 2)) / mass
        var_x = (mask * (xs - cx.reshape(b, 1, 1)) ** 2).sum(dim=(1, 2)) / mass
        var_y = (mask * (ys - cy.reshape(b, 1, 1)) ** 2).sum(dim=(1, 2)) / mass
        bw, bh = torch.sqrt(12 * var_x), torch.sqrt(12 * var_y)  # uniform box: var = side^2 / 12
        visible = (mask.sum(dim=(1, 2)) > 0).float()
        fx, fy = cx / stride, cy / stride  # centre in cells (cell j covers [j, j+1))
        grid = torch.arange(f, dtype=torch.float32)
        gx = grid.reshape(1, 1, f) + 0.5
        gy = grid.reshape(1, f, 1) + 0.5
        d2 = (gx - fx.reshape(b, 1, 1)) ** 2 + (gy - fy.reshape(b, 1, 1)) ** 2
        # flat top over the cells within 0.71 cells of the centre, Gaussian fall-off outside
        falloff = torch.relu(torch.sqrt(d2) - 0.71) ** 2
        score = (self.peak * visible.reshape(b, 1, 1) * torch.exp(-falloff / (2 * self.sigma**2))).clamp(1e-4, 1 - 1e-4)
        # offset at cell (iy, ix) such that (ix + dx) / f = cx / X
        dx = fx.reshape(b, 1, 1) - grid.reshape(1, 1, f).expand(b, f, f)
        dy = fy.reshape(b, 1, 1) - grid.reshape(1, f, 1).expand(b, f, f)
        size = torch.stack([(bw / x_t.shape[-1]).reshape(b, 1, 1).expand(b, f, f),
                            (bh / x_t.shape[-2]).reshape(b, 1, 1).expand(b, f, f)], dim=1)
        return score.unsqueeze(1), size.clamp(1e-4, 1 - 1e-4), torch.stack([dx, dy], dim=1), score.unsqueeze(1)


class MovingSquare(RGBTSequence):
    """A bright square on a dark textured background moving at constant velocity.

    boxes: (N, 4) ground truth; hidden: frames where the square is not drawn
    (occlusion). ``reads`` counts frame reads (to check cancellation).
    """

    def __init__(self, num_frames=12, size=(160, 120), start=(40.0, 40.0), velocity=(3.0, 2.0), side=16.0,
                 hidden=()):
        self.width, self.height = size
        self.boxes = np.array([[start[0] + velocity[0] * i, start[1] + velocity[1] * i, side, side]
                               for i in range(num_frames)], dtype=np.float64)
        self.hidden = set(hidden)
        self.reads = 0
        rng = np.random.default_rng(1)
        self._background = rng.integers(0, 60, size=(self.height, self.width), dtype=np.uint8)
        self._info = SequenceInfo("square", "synthetic", num_frames, self.width, self.height)

    @property
    def info(self):
        return self._info

    def __len__(self):
        return len(self.boxes)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        self.reads += 1
        thermal = self._background.copy()
        if index not in self.hidden:
            x, y, w, h = self.boxes[index]
            thermal[int(round(y)):int(round(y + h)), int(round(x)):int(round(x + w))] = 230
        visible = np.repeat(thermal[..., None], 3, axis=2)
        return FramePair(index, visible, thermal)


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture
def oracle_net():
    return OracleNet


@pytest.fixture
def moving_square():
    return MovingSquare
