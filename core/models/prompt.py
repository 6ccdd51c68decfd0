"""MPLT's mutual prompters (``tracker.md`` section 2), with the authors' parameter names.

All maps are (B, C, H, W) float32. In the released code CBAM's *channel* attention is
called ``spatialattention{k}`` (``fc1``/``fc2`` 1x1 convs without bias) and its
*spatial* attention ``tokenattention{k}`` (7x7 ``conv1`` on [channel mean, channel max]);
the names are kept so the released checkpoint loads.
"""
from __future__ import annotations

import torch
from torch import nn


class ChannelAttention(nn.Module):
    """sigmoid(fc2(relu(fc1(avgpool x))) + fc2(relu(fc1(maxpool x)))) -> (B, C, 1, 1)."""

    def __init__(self, channels: int, reduction: int):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, channels // reduction, 1, bias=False)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Conv2d(channels // reduction, channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        avg = x.mean(dim=(2, 3), keepdim=True)
        mx = x.amax(dim=(2, 3), keepdim=True)
        return torch.sigmoid(self.fc2(self.relu1(self.fc1(avg))) + self.fc2(self.relu1(self.fc1(mx))))


class SpatialAttention(nn.Module):
    """sigmoid(conv1([mean_c x, max_c x])) -> (B, 1, H, W)."""

    def __init__(self, kernel: int = 7):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 1, kernel, padding=kernel // 2, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = torch.cat([x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)], dim=1)
        return torch.sigmoid(self.conv1(pooled))


class Fovea(nn.Module):
    """Per channel, softmax over the H*W positions of ``x * smooth`` multiplied back onto x;
    ``smooth`` is a learnable temperature (initialised at 10)."""

    def __init__(self, temperature: float = 10.0):
        super().__init__()
        self.smooth = nn.Parameter(torch.full((1,), float(temperature)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        flat = x.reshape(b, c, h * w)
        return (torch.softmax(flat * self.smooth, dim=-1) * flat).reshape(b, c, h, w)


def _cbam(x: torch.Tensor, channel: ChannelAttention, spatial: SpatialAttention) -> torch.Tensor:
    x = x * channel(x)
    return x * spatial(x)


class PromptBlock(nn.Module):
    """Layer prompter on concat[own, previous prompt, other] (3C channels) -> (B, C, H, W):
    ``Fovea(CBAM0(own)) + CBAM1(previous) + CBAM2(other)``.

    With ``authors_quirks`` the third chunk uses ``spatialattention1`` (not
    ``spatialattention2``, which then is never used) and ``tokenattention2``, exactly as
    the released code does; without it, chunk k uses attention k.
    """

    def __init__(self, channels: int, reduction: int = 8, kernel: int = 7, temperature: float = 10.0,
                 authors_quirks: bool = True):
        super().__init__()
        self.channels = channels
        self.authors_quirks = authors_quirks
        for k in range(3):
            self.add_module(f"spatialattention{k}", ChannelAttention(channels, reduction))
            self.add_module(f"tokenattention{k}", SpatialAttention(kernel))
        self.fovea = Fovea(temperature)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.channels
        own, prev, other = x[:, :c], x[:, c:2 * c], x[:, 2 * c:]
        own = _cbam(own, self.spatialattention0, self.tokenattention0)
        prev = _cbam(prev, self.spatialattention1, self.tokenattention1)
        third = self.spatialattention1 if self.authors_quirks else self.spatialattention2
        other = _cbam(other, third, self.tokenattention2)
        return self.fovea(own) + prev + other


class PromptBlockInit(nn.Module):
    """Input-level prompter on concat[own, other] (2C channels) -> (B, C, H, W):
    ``Fovea(CBAM0(own)) + CBAM1(other)``."""

    def __init__(self, channels: int, reduction: int = 8, kernel: int = 7, temperature: float = 10.0):
        super().__init__()
        self.channels = channels
        for k in range(2):
            self.add_module(f"spatialattention{k}", ChannelAttention(channels, reduction))
            self.add_module(f"tokenattention{k}", SpatialAttention(kernel))
        self.fovea = Fovea(temperature)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.channels
        own = _cbam(x[:, :c], self.spatialattention0, self.tokenattention0)
        other = _cbam(x[:, c:], self.spatialattention1, self.tokenattention1)
        return self.fovea(own) + other
