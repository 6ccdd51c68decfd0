"""Scale and position from frozen-feature correlation on a two-stream pair.

``TrackerConfig.pair_correlation`` (1 by default; 0 = off) turns this on. It only acts on pairs whose two
streams are both real (``core.sequences.base.has_one_stream`` is False). A single-modality
sequence runs exactly as without it.

**Why.** The networks were trained on 19 single-modality real sequences. Two registered
RGB-T windows with boxes (``configs/real_boxes``) showed what they do on real pairs:
- their size head reads the crop, not the target, so the box of a man climbing away from the
  camera stays 115 px wide while he shrinks to 55 px;
- fed a visible frame full of smoke, their fused score stops finding the person.

Plain correlation of the frozen ImageNet stem features does better on both. It runs one search
per stream, averages the two responses, and tries three scales (SiamFC, the training-free floor
``core.tracking.correlation``). On those windows it scored SR 0.72 where the KD student scored
0.52 and CSRT 0.49. On the single-modality validation sequences its box, mixed with the
network's, loses to the network's alone (0.656 against 0.678), which is why it is gated on two
real streams
(``docs/tracking_heuristics.md``, "Correlation on two-stream pairs").

**What it does each frame**, after the network's box is safeguarded (damped size, bounds):
1. The floor's tracker searches around the previous box, at three scales, both streams averaged.
   It measures a scale change of 0.979, 1 or 1.022: SiamFC's scale step 1.0375 at learning rate
   0.59, with a penalty on the two outer scales.
2. The box's size is the network's damped size times that change, raised to ``pair_correlation``
   (1 by default). When the correlation sees no change, the network's size stands. When it sees
   the target shrink or grow, the box follows, even though the network reads the crop.
3. Where the two disagree, the centre moves toward the correlation's peak: by
   ``pair_correlation_centre`` (0.5) of the way when the peak is more than
   ``pair_correlation_gap[1]`` (0.3) of the target's size from the network's centre, not at all
   within ``pair_correlation_gap[0]`` (0.1), linearly between (:func:`disagreement`). Where the
   two agree the network's centre stands. A constant 0.5 share gains a little more on the real
   RGB-T windows (student 0.634 against 0.621) but costs the synthetic split 0.04-0.05; the ramp
   costs it 0.003 (teacher 0.012).
4. The size then gets the loop's bounds again: within ``max_size_ratio`` of the initial box,
   and the aspect within ``pair_max_aspect_change`` (1.0 by default: the drawn box's shape).

The confidence stays the network's. A frame the loop holds (``hold_when_lost``) is not moved.

**State.** ``TrackerState.correlation`` holds the :class:`~core.tracking.correlation.CorrelationState`:
the template's kernel features per stream, made on the init frame and never updated, and the last
box. It is None when the blend is off or the pair has one stream.

Crops: the correlation's template side is ``pair_correlation_template`` pixels (64 by default,
the networks' own template side) and its search side is twice that.

**Speed.** Six stem passes a frame (three scales, two streams). PyTorch takes about 29 ms for them
on one CPU thread; ONNX Runtime takes about 6 ms. So when ``onnxruntime`` is installed, the stem
is exported once per process from the installed ImageNet weights into memory (about 1 s; no
file is written) and run by ONNX Runtime on the CPU, without busy-waiting between runs.
Otherwise PyTorch runs it. It runs on the CPU whatever device the network uses. The correlation's few small tensor operations run on one PyTorch
thread: on a 2-core machine, more threads waited on the network's and cost 35 ms a frame
instead of 10.

The search (:meth:`PairCorrelation.search`) starts from the previous frame's box and does not read
the network's output, so the tracker runs it in a worker thread while the network runs, and the
two share the tracker's CPU threads (``core.tracking.pair_overlap``): on the 2-core VM a pair's
frame fell from 14.4-15.4 ms to 10.5-10.9 ms, with the same boxes. While ``streams = "auto"``
feeds the network the thermal stream alone, the search uses the thermal stream's response alone
(:attr:`PairCorrelation.thermal_tracker`; three stem crops instead of six).
"""
from __future__ import annotations

import copy
import dataclasses
import io
import math
import warnings

import numpy as np

from core.sequences.base import FramePair, has_one_stream
from core.tracking.correlation import CorrelationConfig, CorrelationState, CorrelationTracker
from core.tracking.crop import crop_reads
from core.tracking.halving import HalvedImage, halves_in_parts


def correlation_config(template_size: int, streams: str = "both") -> CorrelationConfig:
    """The floor's settings at ``template_size`` / 2x search crops. ``streams`` is the tracker's
    (``TrackerConfig.streams``): "both" and "auto" average both streams' responses; "thermal" or
    "visible" correlates that stream alone, as the user chose it."""
    modalities = streams if streams in ("thermal", "visible") else "both"
    return CorrelationConfig(template_size=int(template_size), search_size=2 * int(template_size),
                             modalities=modalities)


_STEM_SESSIONS: dict[tuple[int, int | None], object] = {}


def stem_session(net, stride: int, threads: int | None):
    """An ONNX Runtime CPU session of the frozen stem ``net`` (a ``Lite0Features``), exported
    into memory once per process for each (stride, threads); None when ONNX Runtime or the
    export is not available (the caller then runs PyTorch)."""
    key = (int(stride), threads)
    if key not in _STEM_SESSIONS:
        try:
            import onnxruntime as ort
            import torch

            buffer = io.BytesIO()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(net, (torch.zeros(1, 3, 64, 64),), buffer, input_names=["crops"],
                                  output_names=["features"], opset_version=17, dynamo=False,
                                  dynamic_axes={"crops": {0: "batch", 2: "height", 3: "width"}})
            options = ort.SessionOptions()
            options.log_severity_level = 3
            if threads:
                options.intra_op_num_threads = int(threads)
                options.inter_op_num_threads = 1
            # no busy-waiting between runs: the network's session and PyTorch run beside it
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            _STEM_SESSIONS[key] = ort.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
        except Exception:  # noqa: BLE001 - any failure means: run the stem in PyTorch
            _STEM_SESSIONS[key] = None
    return _STEM_SESSIONS[key]


class _FastCorrelation(CorrelationTracker):
    """The floor's tracker with two speed-ups (see the module doc): the stem run by ONNX Runtime
    (``onnx``, when it can be; ``threads`` for its session), and the frames halved (area filter)
    as often as needed before the crops are cut, so that every crop is a bilinear resize by a
    factor of at least 0.5. On a tracked frame only the part of the halved frame a crop reads is
    made (:meth:`_half`): on a 4K frame the whole-frame filters cost about 40 ms a frame."""

    def __init__(self, config: CorrelationConfig, threads: int | None = None, onnx: bool = True):
        super().__init__(config, device="cpu")
        self._session = stem_session(self.net, config.stride, threads) if onnx else None
        # the pair whose halved frames are kept, and its frames by (stream, halvings): whole arrays or
        # HalvedImage; the pair is kept, not its id, which the next frame's could reuse
        self._halved: tuple[FramePair | None, dict[tuple[str, int], np.ndarray | HalvedImage]] = (None, {})
        # the buffers of HalvedImages of earlier pairs, to reuse. A HalvedImage takes its buffer out, so
        # the thermal tracker (a shallow copy, sharing this dict) never writes into one of ours.
        self._buffers: dict[tuple[str, int], np.ndarray] = {}

    def __copy__(self) -> _FastCorrelation:
        """A shallow copy (the thermal tracker, :attr:`PairCorrelation.thermal_tracker`) with halved
        frames of its own; the stem, the session and the pool of buffers are shared."""
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._halved = (None, {})
        return clone

    def _features(self, batch: np.ndarray):
        if self._session is None:
            return super()._features(batch)
        import torch

        crops = np.ascontiguousarray(batch, dtype=np.float32)
        return torch.from_numpy(self._session.run(None, {"crops": crops})[0])

    def _inputs(self, pair: FramePair, center, side: float, size: int,
                one_stream: bool | None = None) -> list[np.ndarray]:
        halvings = int(np.floor(np.log2(max(side / size, 1.0))))
        if halvings == 0:
            return super()._inputs(pair, center, side, size, one_stream)
        factor = 0.5 ** halvings
        center, side = (center[0] * factor, center[1] * factor), side * factor
        # a track's frame (one_stream given) is halved only where the crop reads it; the init frame
        # whole, as ``has_one_stream`` looks at rows all over it
        reads = None if one_stream is None else (center, side)
        smaller = FramePair(index=pair.index, visible=self._half(pair, "visible", halvings, reads),
                            thermal=self._half(pair, "thermal", halvings, reads))
        return super()._inputs(smaller, center, side, size, one_stream)

    def _half(self, pair: FramePair, stream: str, halvings: int, reads=None) -> np.ndarray:
        """``pair``'s ``stream`` halved ``halvings`` times (cached for the current pair). ``reads``:
        ``(centre, side)`` of the one crop (``crop_square``, halved pixels) that will be cut from it:
        then, where the frame's size allows (``halves_in_parts``), only the pixels that crop reads are
        made (:class:`core.tracking.halving.HalvedImage`; the same values), in a buffer reused from
        frame to frame; the rest of the array is undefined. None: the whole frame."""
        import cv2

        if self._halved[0] is not pair:
            for key, made in self._halved[1].items():  # give the buffers back
                if isinstance(made, HalvedImage):
                    self._buffers[key] = made.image
            self._halved = (pair, {})
        cache = self._halved[1]
        key = (stream, halvings)
        image = getattr(pair, stream)
        made = cache.get(key)
        if reads is not None and halves_in_parts(image.shape, halvings) and not isinstance(made, np.ndarray):
            if made is None:
                made = cache[key] = HalvedImage(image, halvings, self._buffers.pop(key, None))
            height, width = made.image.shape[:2]
            return made.fill(crop_reads(reads[0], reads[1], width, height))
        if not isinstance(made, np.ndarray):
            height, width = image.shape[:2]
            size = (max(1, round(width * 0.5 ** halvings)), max(1, round(height * 0.5 ** halvings)))
            made = cache[key] = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        return made


def _single_threaded(function, *args):
    """``function(*args)`` with PyTorch on one thread: the correlation's tensor work is a few tiny
    convolutions and an upsampling, which more threads only slow down (they wait on the network's
    threads on a small CPU). The caller's thread count is restored."""
    import torch

    threads = torch.get_num_threads()
    if threads == 1:
        return function(*args)
    torch.set_num_threads(1)
    try:
        return function(*args)
    finally:
        torch.set_num_threads(threads)


def disagreement(offset: np.ndarray, size: np.ndarray, gap: tuple[float, float]) -> float:
    """0..1: how far apart two centres are, ``offset`` (dx, dy) pixels, for a target of ``size``
    (w, h) pixels. The distance over the target's size (the square root of its area) is 0 up to
    ``gap[0]``, 1 from ``gap[1]``, linear between; ``gap`` (0, 0) gives 1 for any offset."""
    low, high = float(gap[0]), float(gap[1])
    if high <= 0.0:
        return 1.0
    distance = float(np.hypot(offset[0], offset[1])) / max(float(np.sqrt(size[0] * size[1])), 1e-6)
    return float(np.clip((distance - low) / max(high - low, 1e-12), 0.0, 1.0))


def pair_evidence(network_score: float, correlation: float) -> float:
    """The frame's confidence before smoothing: the network's penalised peak score, or on a
    two-stream pair whose correlation ran this frame (``correlation``, its normalised peak in
    0..1; NaN when it did not run) the geometric mean of the two, ``sqrt(score * ncc)``. Two cues
    of a different kind: the network's score and the frozen features' resemblance to the drawn
    target (``TrackerConfig.pair_confidence``)."""
    if not math.isfinite(correlation):
        return network_score
    return math.sqrt(max(network_score, 0.0) * min(max(correlation, 0.0), 1.0))


class PairCorrelation:
    """The correlation half of the blend, built once per tracker; the ImageNet stem is loaded on
    first use, so a tracker that never sees a two-stream pair never loads it."""

    def __init__(self, template_size: int, streams: str = "both", *, threads: int | None = None,
                 onnx: bool = True):
        self.config = correlation_config(template_size, streams)
        self.threads = threads
        self.onnx = onnx
        self._tracker: CorrelationTracker | None = None
        self._thermal: CorrelationTracker | None = None

    @property
    def tracker(self) -> CorrelationTracker:
        if self._tracker is None:
            self._tracker = _FastCorrelation(self.config, self.threads, self.onnx)
        return self._tracker

    @property
    def thermal_tracker(self) -> CorrelationTracker:
        """The same tracker (stem, session, windows shared) correlating the thermal stream alone."""
        if self._thermal is None:
            self._thermal = copy.copy(self.tracker)
            self._thermal.config = dataclasses.replace(self.config, modalities="thermal")
        return self._thermal

    def start(self, pair: FramePair, box: np.ndarray) -> CorrelationState | None:
        """The correlation's state for ``box`` on the init frame, or None on a one-stream pair."""
        if has_one_stream(pair):
            return None
        return self.tracker.init(pair, box)

    def search(self, pair: FramePair, state: CorrelationState, previous_box: np.ndarray, thermal_only: bool = False):
        """The correlation's own step on ``pair`` (a ``CorrelationStep``), searched around
        ``previous_box``, the box the tracker reported on the frame before; with ``thermal_only``
        from the thermal stream's response alone (while the visible stream is measured blind).
        It does not depend on this frame's network output, so the tracker may run it while the
        network runs."""
        previous_box = np.asarray(previous_box, dtype=np.float64)
        tracker = self.tracker
        if thermal_only and self.config.modalities == "both" and len(state.template) == 2:
            tracker = self.thermal_tracker
            state = dataclasses.replace(state, template=state.template[1:])  # (visible, thermal) -> thermal
        return _single_threaded(tracker.track, pair, dataclasses.replace(state, box=previous_box))

    def blend(self, pair: FramePair, state: CorrelationState, previous_box: np.ndarray,
              network_box: np.ndarray, scale_share: float, centre_share: float = 0.0,
              gap: tuple[float, float] = (0.0, 0.0), searched=None,
              thermal_only: bool = False) -> tuple[np.ndarray, float]:
        """``(box, correlation)``: this frame's box (x, y, w, h, before the loop's bounds) and the
        normalised correlation at the correlation's peak (0..1).

        The search starts from ``previous_box``, the box the tracker reported on the frame before
        (``searched``: that search's step when it was already run, :meth:`search`; ``thermal_only``:
        the search's response from the thermal stream alone).
        The size is ``network_box``'s times the correlation's scale change raised to ``scale_share``.
        The centre moves from ``network_box``'s centre toward the correlation's peak by
        ``centre_share`` times :func:`disagreement` of the two centres over ``gap`` (low, high);
        ``gap`` (0, 0) moves it by ``centre_share`` always."""
        previous_box = np.asarray(previous_box, dtype=np.float64)
        step = searched if searched is not None else self.search(pair, state, previous_box, thermal_only)
        found = step.state.box
        scale = found[2:] / np.maximum(previous_box[2:], 1e-6)
        wh = network_box[2:] * scale ** float(scale_share)
        network_centre = network_box[:2] + network_box[2:] / 2.0
        found_centre = found[:2] + found[2:] / 2.0
        share = centre_share * disagreement(found_centre - network_centre, network_box[2:], gap)
        centre = (1.0 - share) * network_centre + share * found_centre
        box = np.array([centre[0] - wh[0] / 2.0, centre[1] - wh[1] / 2.0, wh[0], wh[1]], dtype=np.float64)
        return box, float(step.confidence)
