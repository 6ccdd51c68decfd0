"""Batches: sources -> sampler -> processing, collated into torch tensors.

A batch is a pure function of (seed, rank, step): sample ``i`` of step ``s`` uses
``numpy.random.default_rng([seed, rank, s, i])``. Resuming at step ``s`` therefore sees
exactly the batches an uninterrupted run would have seen. With ``workers > 0`` a torch
``DataLoader`` over :class:`StepBatches` computes them in worker processes (worker ``w``
builds the steps ``s`` with ``s % workers == w``; the loader's round-robin keeps the order).
Workers are *spawned*, not forked: a fork of a process that already runs CUDA or OpenCV's
thread pool can deadlock in the child (seen on a GPU machine: no batch ever came), and
each worker runs single-threaded (OpenCV and torch), N workers using N cores.

Batch dict: ``z_v``, ``z_t`` (B,3,Z,Z), ``x_v``, ``x_t`` (B,3,X,X), ``heatmap`` (B,1,F,F),
``box`` (B,4) float32 normalised cx, cy, w, h in the search crop.
"""
from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import torch

from core.training.config import TrainConfig
from core.training.processing import CropSpec, Processing
from core.training.sampler import PairSampler
from core.training.sources import build_source
from core.training.stop_signals import ignore_stop_signals, interrupt_deferred
from core.worker_processes import children_ignore_stop_signals

BATCH_KEYS = ("z_v", "z_t", "x_v", "x_t", "heatmap", "box", "positive", "shaped")


def build_sampler(config: TrainConfig, rank: int = 0) -> PairSampler:
    """Sources of ``config.data`` built for ``rank``, wrapped in a :class:`PairSampler`."""
    sources, weights = [], []
    for source in config.data.source_configs():
        sources.append(build_source(source.kind, source.options, seed=config.seed, rank=rank))
        weights.append(source.weight)
    return PairSampler(sources, weights, config.sampler)


def collate(items: list[dict[str, np.ndarray]]) -> dict[str, torch.Tensor]:
    """List of processed samples -> dict of stacked float32 tensors."""
    return {key: torch.from_numpy(np.stack([item[key] for item in items]).astype(np.float32)) for key in BATCH_KEYS}


class BatchMaker:
    """``make(step) -> batch`` for one process (``rank``)."""

    def __init__(self, config: TrainConfig, spec: CropSpec, rank: int = 0):
        self.config = config
        self.rank = rank
        self.spec = spec
        self.sampler = build_sampler(config, rank)
        self.processing = Processing(config.processing, spec)

    def make(self, step: int) -> dict[str, torch.Tensor]:
        items = []
        for i in range(self.config.batch_size):
            rng = np.random.default_rng([self.config.seed, self.rank, int(step), i])
            items.append(self.processing(self.sampler.sample(rng, int(step)), rng))
        return collate(items)


class StepBatches(torch.utils.data.IterableDataset):
    """Batches of steps ``start .. stop-1`` in order (worker-aware)."""

    def __init__(self, config: TrainConfig, spec: CropSpec, rank: int, start: int, stop: int):
        super().__init__()
        self.args = (config, spec, rank)
        self.start, self.stop = int(start), int(stop)

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        info = torch.utils.data.get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        if info is not None:  # N workers use N cores: no thread pool inside each
            cv2.setNumThreads(1)
            torch.set_num_threads(1)
        maker = BatchMaker(*self.args)
        for step in range(self.start + worker, self.stop, workers):
            yield maker.make(step)


def batches(config: TrainConfig, spec: CropSpec, rank: int, start: int, stop: int) -> Iterator[dict[str, torch.Tensor]]:
    """Batches for steps ``start .. stop-1`` (in process or via ``config.workers`` workers)."""
    dataset = StepBatches(config, spec, rank, start, stop)
    if config.workers <= 0:
        return iter(dataset)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=config.workers,
                                         persistent_workers=False, prefetch_factor=2,
                                         multiprocessing_context="spawn", worker_init_fn=ignore_stop_signals)
    return _closing_workers(loader)


def _closing_workers(loader: torch.utils.data.DataLoader) -> Iterator[dict[str, torch.Tensor]]:
    """The loader's batches. A Ctrl+C or SIGTERM while a batch is awaited stops the run once it has
    come (a second one at once): interrupted while it took a batch over from a worker, the
    training process broke the worker's file-descriptor handshake ('ConnectionResetError'
    traceback, or the worker aborted: 'terminate called without an active exception', and the
    run said only 'cancelled'). Closing it (the trainer does when the job ends, also on Ctrl+C)
    stops the workers then, not whenever the loader is garbage collected. The workers start at
    the first batch asked for."""
    with children_ignore_stop_signals():
        iterator = iter(loader)  # starts the workers
    try:
        while True:
            with interrupt_deferred(second_raises=True):  # never in the middle of taking a batch over
                try:
                    batch = next(iterator)
                except StopIteration:
                    return
            yield batch
    finally:
        shutdown = getattr(iterator, "_shutdown_workers", None)
        if shutdown is not None:
            shutdown()
