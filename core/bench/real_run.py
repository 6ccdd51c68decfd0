"""The job of ``bench accuracy --real``: every contender on the real split, side by side,
plus the one-step diagnostic, scored per sequence and per modality.

The parts: :mod:`core.bench.real_items` (which sequences, from which frames),
:mod:`core.bench.real_track` (one sequence, every contender side by side, and the
one-step diagnostic), :mod:`core.bench.real_workers` (``--jobs``),
:mod:`core.bench.real_scores` (the scores) and :mod:`core.bench.code_hashes` (what a
cached run depends on).

**Streams.** Single-modality sequences give both streams (``core.sequences``): our
models and the floor get the present stream as both inputs (visible-only: the colour
frame and its luminance as thermal; thermal-only: the thermal frame as both); the
OpenCV peers see the present stream (the colour frame, or the thermal frame in 3
channels). On an RGB-T sequence the peers see the visible stream, and each also runs on the
thermal stream as its own contender (pairs only, ``Contender.pairs_only``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.bench.contenders import Contender
from core.bench.real_items import RealItem
from core.bench.real_track import DEFAULT_ONE_STEP_EVERY, RealRun, track_real_item
from core.bench.real_workers import run_parallel
from core.bench.result_cache import ResultCache
from core.errors import ConfigError
from core.progress import Job


@dataclass
class RealBench:
    """Raw results: ``runs[(label, sequence name)]``, ground truth ``(M, 4)`` per sequence
    name (rows from the init frame on), the contenders and items."""

    contenders: list[Contender]
    items: list[RealItem]
    one_step_every: int
    runs: dict[tuple[str, str], RealRun] = field(default_factory=dict)
    ground_truth: dict[str, np.ndarray] = field(default_factory=dict)


def run_real_bench(contenders: Sequence[Contender], items: Sequence[RealItem], *,
                   one_step_every: int = DEFAULT_ONE_STEP_EVERY, cache: ResultCache | None = None,
                   threads: int | None = None, jobs: int = 1, build=None) -> Job[RealBench]:
    """Track every item with every available contender. Progress counts frames (each frame
    = all contenders); cancel with ``job.close()`` between frames.

    ``jobs > 1``: sequences are shared out to ``jobs`` worker processes (longest first),
    each building its own contenders with ``build()`` (a picklable zero-argument callable
    returning contenders with the same labels, e.g. ``functools.partial`` of a module-level
    function) and running them with ``threads`` threads; every contender still sees every
    frame of a sequence in order, and its FPS is measured inside its worker (progress comes
    from the workers every ``PROGRESS_EVERY`` frames).
    """
    if one_step_every < 0:
        raise ConfigError("--one-step-every must be >= 0 (0 = no one-step diagnostic)")
    if jobs < 1:
        raise ConfigError("--jobs must be >= 1")
    bench = RealBench(list(contenders), list(items), one_step_every)
    total = sum(item.num_frames for item in items)
    if jobs > 1 and len(items) > 1:
        if build is None:
            raise ConfigError("parallel runs need a contender builder")
        results = yield from run_parallel(items, build, jobs, total, one_step_every=one_step_every,
                                          cache=cache, threads=threads)
    else:
        results, done = {}, 0
        for item in items:
            results[item.name] = yield from track_real_item(item, contenders, done, total,
                                                            one_step_every=one_step_every, cache=cache,
                                                            threads=threads)
            done += item.num_frames
    for item in items:
        out = dict(results[item.name])
        bench.ground_truth[item.name] = out.pop("__gt__")
        for label, run in out.items():
            bench.runs[(label, item.name)] = run
    return bench
