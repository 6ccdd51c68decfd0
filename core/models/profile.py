"""Cost of a tracking network: parameters, FLOPs and CPU time of one forward (batch 1).

FLOPs are counted by ``torch.utils.flop_counter.FlopCounterMode`` (matmuls, linear
layers, convolutions, attention; a multiply-add counts 2 FLOPs; element-wise ops and
softmax are not counted). GMACs = GFLOPs / 2 (the unit papers often call "FLOPs").
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def example_inputs(config, batch: int = 1, device: str | torch.device = "cpu", seed: int = 0):
    """Random normalised float32 inputs (template_v, template_t, search_v, search_t)."""
    g = torch.Generator().manual_seed(seed)
    z, x = config.template_size, config.search_size
    shapes = ((batch, 3, z, z), (batch, 3, z, z), (batch, 3, x, x), (batch, 3, x, x))
    return tuple(torch.randn(s, generator=g).to(device) for s in shapes)


def count_parameters(model: nn.Module) -> int:
    """Number of parameters (BatchNorm buffers excluded)."""
    return sum(p.numel() for p in model.parameters())


def count_gflops(model: nn.Module, batch: int = 1) -> float:
    """GFLOPs of one forward at ``batch`` (multiply-add = 2 FLOPs)."""
    inputs = example_inputs(model.config, batch, next(model.parameters()).device)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(*inputs)
    return counter.get_total_flops() / 1e9


@dataclass(frozen=True)
class ForwardTiming:
    """Wall time of one forward in milliseconds: median and minimum over ``repeats``."""

    median_ms: float
    min_ms: float
    repeats: int


def time_forward(model: nn.Module, repeats: int = 10, warmup: int = 2, threads: int | None = 1) -> ForwardTiming:
    """Time ``repeats`` batch-1 forwards in inference mode on the model's device
    (``threads``: torch intra-op threads during the measurement, None = unchanged)."""
    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        device = next(model.parameters()).device
        inputs = example_inputs(model.config, 1, device)
        times = []
        with torch.inference_mode():
            for i in range(warmup + repeats):
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                start = time.perf_counter()
                model(*inputs)
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                if i >= warmup:
                    times.append((time.perf_counter() - start) * 1000.0)
        times.sort()
        return ForwardTiming(times[len(times) // 2], times[0], repeats)
    finally:
        torch.set_num_threads(previous)
