"""The correlation of a two-stream pair run beside the network (issue 11, eighteenth session).

On a pair whose two streams are both real the tracker runs two things a frame: the network, and
the frozen-feature correlation's search (``core.tracking.pair_correlation``). The search starts
from the previous frame's box and never reads the network's output, so :class:`PairOverlap`
runs it in a one-thread worker while the network runs, and hands the finished search to the
blend. The result is the same in either thread.

**Threads.** The engine's ``threads`` are the tracker's budget (None = the libraries' defaults).
Beside a CPU network that can be given fewer threads (an ``OnnxEngine``, ``with_threads``) the
two share it: ``threads - threads // 2`` for the network (a second session of the same file,
made once) and ``threads // 2`` for the stem, one each for a budget of one or two (for one, the
correlation's thread is one more than the budget). A network on CUDA leaves the CPU threads to
the correlation. Beside a PyTorch network on the CPU the search runs after the network, inside
the blend: the correlation sets PyTorch's thread count, which is process-wide, to one while it
runs.

On the 2-core VM a pair's frame took 14.4-15.4 ms with the two after each other on two threads
each, 12.3-12.9 ms overlapped on two threads each, and 10.5-11.1 ms overlapped on one thread each
(``docs/tracking_heuristics.md``, "The correlation beside the network").
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from core.errors import RGBTError
from core.sequences.base import FramePair
from core.tracking.pair_correlation import PairCorrelation
from core.tracking.track_state import TrackerState


def thermal_only(state: TrackerState) -> bool:
    """Whether this frame's correlation leaves the visible stream out: with ``streams = "auto"``
    while the visible stream is measured blind and the network is fed the thermal one alone
    (``core.tracking.blind_stream``); its smoke or darkness would pull the two streams' mean
    response down too."""
    return state.resting is not None and state.feed == "thermal"


class PairOverlap:
    """The correlation of two-stream pairs for one tracker: built on first use, its search run
    beside ``engine``'s network. ``template_size`` / ``streams``: the correlation's
    (``TrackerConfig.pair_correlation_template`` / ``streams``)."""

    def __init__(self, engine, template_size: int, streams: str):
        self.engine = engine
        self.template_size = int(template_size)
        self.streams = streams
        self._correlation: PairCorrelation | None = None
        self._worker: ThreadPoolExecutor | None = None
        self._network = None

    @property
    def overlaps(self) -> bool:
        """Whether the search runs in the worker while the network runs: always, except beside a
        PyTorch network on the CPU (the module doc)."""
        engine = self.engine
        return not (getattr(engine, "name", "") == "torch" and getattr(engine, "device", "cpu") == "cpu")

    @property
    def thread_split(self) -> tuple[int | None, int | None]:
        """(network, correlation) CPU threads on a two-stream pair (the module doc, "Threads")."""
        threads = getattr(self.engine, "threads", None)
        if (not threads or not self.overlaps or getattr(self.engine, "device", "cpu") != "cpu"
                or not hasattr(self.engine, "with_threads")):
            return threads, threads
        return max(1, threads - threads // 2), max(1, threads // 2)

    @property
    def correlation(self) -> PairCorrelation:
        """The frozen-feature correlation (built on first use, on its share of the threads)."""
        if self._correlation is None:
            self._correlation = PairCorrelation(self.template_size, self.streams, threads=self.thread_split[1])
        return self._correlation

    def network(self):
        """The engine that runs the network on a pair with the correlation on: the engine itself,
        or its copy with the network's share of the threads (made once). When the copy cannot be
        made (its model file is gone) the engine itself runs."""
        if self._network is None:
            threads = self.thread_split[0]
            self._network = self.engine
            if threads != getattr(self.engine, "threads", None):
                try:
                    self._network = self.engine.with_threads(threads)
                except RGBTError:
                    pass
        return self._network

    def close(self) -> None:
        """Let the worker thread end once any search it runs has finished (the tracker replaced
        this overlap); a later :meth:`start` makes a new one."""
        if self._worker is not None:
            self._worker.shutdown(wait=False)
            self._worker = None

    def start(self, pair: FramePair, state: TrackerState) -> Future | None:
        """This frame's search (``PairCorrelation.search`` around ``state.box``, the thermal
        stream alone when :func:`thermal_only`), started in the worker; None when ``state`` has no
        correlation or the search cannot overlap (it then runs inside the blend)."""
        if state.correlation is None or not self.overlaps:
            return None
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="pair-correlation")
        return self._worker.submit(self.correlation.search, pair, state.correlation, state.box, thermal_only(state))
