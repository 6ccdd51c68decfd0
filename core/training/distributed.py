"""Where a training process runs: its rank under ``torchrun`` (:class:`DistributedContext`),
its device (:func:`pick_device`; ``--device cuda`` without CUDA is one line,
:func:`check_device`) and the actor wrapped in ``DistributedDataParallel``
(:func:`wrap_distributed`; ``nccl`` on CUDA, ``gloo`` on CPU, set up by the trainer)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
from torch import nn

from core.errors import ConfigError


@dataclass(frozen=True)
class DistributedContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> DistributedContext:
        return cls(int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("LOCAL_RANK", 0)))

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def check_device(device: str) -> None:
    """ConfigError for ``--device cuda`` where PyTorch sees no CUDA device (torch raised an
    AssertionError, 'Torch not compiled with CUDA enabled', once the model moved there)."""
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: PyTorch sees no CUDA device here (give --device cpu, or auto: the GPU when "
                          "there is one)")


def pick_device(device: str, context: DistributedContext) -> torch.device:
    check_device(device)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and context.distributed:
        return torch.device("cuda", context.local_rank)
    return torch.device(device)


def wrap_distributed(actor: nn.Module, device: torch.device, context: DistributedContext) -> nn.Module:
    """The actor wrapped in DistributedDataParallel when running distributed."""
    if not context.distributed:
        return actor
    from torch.nn.parallel import DistributedDataParallel

    ids = [device.index] if device.type == "cuda" else None
    # The teacher keeps parameters that are built but never called (``prompt_blocks.0``,
    # see docs/models.md), so DDP must not wait for their gradients.
    return DistributedDataParallel(actor, device_ids=ids, find_unused_parameters=True)
