"""The single-object RGB-T tracker with explicit state (OSTrack-style test loop).

``Tracker(engine, model_config, config)`` holds no per-sequence state: ``init(pair, box)``
returns a :class:`TrackerState`, ``track(pair, state)`` returns a :class:`TrackStep`
whose ``state`` feeds the next call. Two trackers (student, teacher) can therefore run
side by side on the same frames, and a run can be resumed or branched from any state.

Per frame (``tracker.md`` section 1): search crop of ``search_factor`` (4) around the
previous box resized to X (``core.tracking.crop.sample_target``), normalisation, one
engine forward, Hann-windowed peak decoding back to image pixels through the crop's
:class:`CropGeometry` (``core.tracking.read_maps``), the size damping and bounds
(``core.tracking.safeguards.safeguarded_box``), ``clip_box`` with a 10 px margin (at most the
drawn box's side, ``core.tracking.safeguards.box_margins``).
Before the peak is chosen, the score map is re-ranked by an online correlation filter on
the network's search features, learned on this sequence (``core.tracking.online_filter``;
``TrackerConfig.online_filter_weight``).

The options and safeguards of the loop are :class:`TrackerConfig`'s
(``core.tracking.tracker_config``, which describes each one; ablation in
``docs/tracking_heuristics.md``).

On a pair whose two streams are both real, the box then follows the change of size that a
frozen-feature correlation of both streams measures (``core.tracking.pair_correlation``;
``TrackerConfig.pair_correlation``); single-modality footage never runs it. The correlation's
search runs in a worker thread while the network runs, the two sharing the engine's CPU
threads (``core.tracking.pair_overlap``).

With ``streams = "auto"`` the tracker keeps two looks at the target (both streams, and the
thermal stream alone), each with its own template, size calibration and online filter, and
feeds the thermal one while the visible stream is blind (``core.tracking.blind_stream``).

The state and step types live in ``core.tracking.track_state`` (re-exported here).
Boxes are ``x, y, w, h`` float64 pixels of the visible frame (``core.geometry``).
"""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from core.errors import RGBTError
from core.geometry import as_box, clip_box, is_valid_box
from core.models.head import hann1d
from core.sequences.base import FramePair, as_streams, has_one_stream
from core.tracking import pixel_match
from core.tracking.blind_stream import FEEDS, measure, next_feed, smoothed, thermal_as_visible
from core.tracking.crop import CropGeometry, crop_side, normalize_thermal, normalize_visible, sample_target
from core.tracking.distractors import peak_cell
from core.tracking.kalman import predict_corner
from core.tracking.online_filter import learn, spectrum
from core.tracking.pair_correlation import PairCorrelation, pair_evidence
from core.tracking.pair_overlap import PairOverlap, thermal_only
from core.tracking.read_maps import read_maps
from core.tracking.safeguards import bounded_box, box_margins, safeguarded_box, size_bias
from core.tracking.track_state import InitBoxError, Look, TrackerState, TrackStep
from core.tracking.tracker_config import BOX_MARGIN, CALIBRATION_LIMIT, DISTRACTOR_GATE, TrackerConfig


class PairCorrelationUnavailable(UserWarning):
    """The correlation on two-stream pairs (``TrackerConfig.pair_correlation``) could not be built;
    the tracker runs without it."""


__all__ = ["BOX_MARGIN", "DISTRACTOR_GATE", "InitBoxError", "Look", "PairCorrelationUnavailable", "TrackStep",
           "Tracker", "TrackerConfig", "TrackerState"]


def _hann_window(n: int) -> np.ndarray:
    h = hann1d(n).astype(np.float32)
    return np.outer(h, h)


class Tracker:
    """Runs ``engine`` (:mod:`core.tracking.engines`) frame by frame.

    model_config: any object with ``template_size``, ``search_size``, ``feature_size``,
    ``template_factor`` and ``search_factor`` (a model's ``config``). weights_path: the
    file the weights came from ("" when unknown, "random" for random weights), for
    provenance in exports and the UI.
    """

    def __init__(self, engine, model_config, config: TrackerConfig | None = None, *, weights_path: str = ""):
        self.engine = engine
        self.weights_path = str(weights_path)
        self.model_config = model_config
        self.config = config or TrackerConfig()
        self._window_cache: tuple[tuple[bool, float], np.ndarray | None] | None = None
        self._correlation_failed = False
        self._pair_overlap: PairOverlap | None = None

    @property
    def pair_overlap(self) -> PairOverlap:
        """The correlation of two-stream pairs, its search run beside the network, for the current
        engine and config (``pair_correlation_template``, ``streams``): made again when either
        changed, as the studio replaces a pooled tracker's config between runs
        (``app.track_process.with_loop_settings``); the replaced one's worker thread is let go. Its
        correlation is built on first use."""
        overlap = self._pair_overlap
        settings = (self.config.pair_correlation_template, self.config.streams)
        if overlap is None or overlap.engine is not self.engine or (overlap.template_size, overlap.streams) != settings:
            if overlap is not None:
                overlap.close()
            self._pair_overlap = PairOverlap(self.engine, *settings)
        return self._pair_overlap

    @property
    def pair_correlation(self) -> PairCorrelation:
        """The frozen-feature correlation of two-stream pairs (built on first use)."""
        return self.pair_overlap.correlation

    def _with_correlation(self, state: TrackerState, pair: FramePair, box: np.ndarray) -> TrackerState:
        """``state`` with the correlation's template when the blend is on and the init frame's pair
        has two real streams (``state.two_streams``; a one-stream pair never loads the stem).

        When the correlation cannot be built (the ImageNet stem weights missing or unreadable), the
        tracker says so once (``PairCorrelationUnavailable``) and tracks without it: the network's
        boxes, as with ``pair_correlation`` 0."""
        if self.config.pair_correlation <= 0 or self._correlation_failed or not state.two_streams:
            return state
        try:
            correlation = self.pair_correlation.start(pair, box)
        except (RGBTError, ImportError, OSError, RuntimeError) as error:
            self._correlation_failed = True
            warnings.warn(f"tracking without the correlation on two-stream pairs: {error}",
                          PairCorrelationUnavailable, stacklevel=3)
            return state
        return dataclasses.replace(state, correlation=correlation)

    def windowed(self, score_map: np.ndarray) -> np.ndarray:
        """``score_map`` (F, F) times the motion prior (:attr:`window`), or itself without one."""
        window = self.window
        return score_map * window if window is not None else score_map

    @property
    def window(self) -> np.ndarray | None:
        """The (F, F) float32 motion prior the score map is multiplied by before the peak is
        picked: ``(1 - w) + w * hann`` with ``w = config.window_influence`` (1 = OSTrack's plain
        Hann window), or None without a window. Follows ``self.config``."""
        key = (self.config.use_hann_window, float(self.config.window_influence))
        if self._window_cache is None or self._window_cache[0] != key:
            window = None
            if key[0]:
                window = ((1.0 - key[1]) + key[1] * _hann_window(int(self.model_config.feature_size))).astype(np.float32)
            self._window_cache = (key, window)
        return self._window_cache[1]

    # -- crops ---------------------------------------------------------------------
    def _crops(self, pair: FramePair, box, factor: float, size: int):
        vis, geometry = sample_target(pair.visible, box, factor, size)
        thr, _ = sample_target(pair.thermal, box, factor, size)
        return normalize_visible(vis), normalize_thermal(thr), geometry

    def template_crops(self, pair: FramePair, box) -> tuple[np.ndarray, np.ndarray]:
        """(3, Z, Z) float32 visible and thermal template crops around ``box``."""
        cfg = self.model_config
        z_v, z_t, _ = self._crops(pair, box, cfg.template_factor, cfg.template_size)
        return z_v, z_t

    def search_crops(self, pair: FramePair, box, factor: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray, CropGeometry]:
        """(3, X, X) float32 visible and thermal search crops around ``box`` (side: ``factor``,
        default the model's search factor, x sqrt(w h)) and their geometry. The crop's centre
        is ``config.search_shift`` score cells (side / F) right of and below the box's, so the
        box's centre sits on a cell's centre (``core.tracking.tracker_config``)."""
        cfg = self.model_config
        factor = cfg.search_factor if factor is None else factor
        shift = self.config.search_shift
        if shift > 0:
            cell = crop_side(box, factor) / float(cfg.feature_size)
            box = np.asarray(box, dtype=np.float64) + np.array([shift * cell, shift * cell, 0.0, 0.0])
        return self._crops(pair, box, factor, cfg.search_size)

    def search_factor(self, state: TrackerState) -> float:
        """The search factor for the frame after ``state``: the model's, widened while lost."""
        base = float(self.model_config.search_factor)
        if state.lost_frames <= 0 or self.config.lost_threshold <= 0:
            return base
        widened = base * (1.0 + self.config.lost_search_growth * state.lost_frames)
        return float(min(widened, max(self.config.max_search_factor, base)))

    # -- the loop ------------------------------------------------------------------
    def init(self, pair: FramePair, box) -> TrackerState:
        """Start tracking ``box`` (x, y, w, h) on ``pair``; InitBoxError when unusable."""
        try:
            box = as_box(box)
        except ValueError as error:
            raise InitBoxError(str(error)) from error
        width, height = pair.size
        if not is_valid_box(box):
            raise InitBoxError(f"initial box {box.tolist()} needs finite values with w > 0 and h > 0")
        if box[0] >= width or box[1] >= height or box[0] + box[2] <= 0 or box[1] + box[3] <= 0:
            raise InitBoxError(f"initial box {box.tolist()} lies outside the {width}x{height} frame")
        cfg = self.config
        two_streams = not has_one_stream(pair)
        origin = dict(box=box.copy(), init_box=box.copy(), frame_index=int(pair.index),
                      frame_size=(int(width), int(height)), corner_history=((0, float(box[0]), float(box[1])),),
                      two_streams=two_streams,
                      pixel_template=pixel_match.start(pair, box, two_streams) if cfg.pixel_match > 0 else None)
        if cfg.streams == "auto" and two_streams:
            x_v, x_t, _ = self.search_crops(pair, box)
            ratio = measure(x_v, x_t, cfg.blind_min_energy).ratio
            feed = next_feed("both", ratio, cfg.blind_enter, cfg.blind_leave)
            looks = {name: self._look(as_streams(pair, name), box, name) for name in FEEDS}
            resting = looks["thermal" if feed == "both" else "both"]
            state = self._state_from(looks[feed], **origin, resting=resting, blind_ratio=ratio)
            return self._with_correlation(state, pair, box)
        feed = self._fixed_streams
        return self._with_correlation(self._state_from(self._look(as_streams(pair, feed), box, feed), **origin),
                                      pair, box)

    @property
    def _fixed_streams(self) -> str:
        """The feed of a tracker that never switches: the config's, "both" for "auto"."""
        return "both" if self.config.streams == "auto" else self.config.streams

    @staticmethod
    def _state_from(look: Look, **fields) -> TrackerState:
        return TrackerState(template_visible=look.template_visible, template_thermal=look.template_thermal,
                            size_bias=look.size_bias, online_filter=look.online_filter, feed=look.feed, **fields)

    def _look(self, pair: FramePair, box: np.ndarray, feed: str) -> Look:
        """The templates, size bias and online filter of ``box`` on ``pair`` as fed through ``feed``."""
        cfg = self.config
        z_v, z_t = self.template_crops(pair, box)
        bias, online_filter = (1.0, 1.0), None
        if cfg.size_calibration > 0 or cfg.online_filter_weight > 0:
            crops, outputs = self._init_searches(pair, box, z_v, z_t, shifted=cfg.size_calibration > 0)
            if cfg.size_calibration > 0:
                bias = self._size_bias(crops, outputs, box)
            if cfg.online_filter_weight > 0 and len(outputs) > 3:
                f = int(self.model_config.feature_size)
                c = f / 2.0 - 0.5 - cfg.search_shift  # where crop 0 puts the true box (cell units)
                centre = (c, c)
                online_filter = learn(spectrum(outputs[3][0]), centre, cfg.online_filter_sigma)
        return Look(feed, z_v, z_t, bias, online_filter)

    def _init_searches(self, pair: FramePair, box: np.ndarray, z_v: np.ndarray, z_t: np.ndarray, *, shifted: bool):
        """(crops, outputs) of one batch on the init frame: the search crop centred on ``box``
        first, then (``shifted``) four crops shifted by a quarter of its side each way."""
        shifts = ((0.0, 0.0), (0.25, 0.0), (-0.25, 0.0), (0.0, 0.25), (0.0, -0.25)) if shifted else ((0.0, 0.0),)
        return self._search_batch(pair, [box + np.array([dx * box[2], dy * box[3], 0.0, 0.0]) for dx, dy in shifts],
                                  z_v, z_t)

    def _search_batch(self, pair: FramePair, boxes, z_v: np.ndarray, z_t: np.ndarray):
        """(crops, outputs): the search crop around each of ``boxes`` on ``pair``, run as one
        batch with the templates ``z_v`` / ``z_t`` ((3, Z, Z))."""
        crops = [self.search_crops(pair, box) for box in boxes]
        n = len(crops)
        outputs = self.engine.run(np.repeat(z_v[None], n, 0), np.repeat(z_t[None], n, 0),
                                  np.stack([c[0] for c in crops]), np.stack([c[1] for c in crops]))
        return crops, outputs

    def network_sizes(self, pair: FramePair, boxes, z_v: np.ndarray, z_t: np.ndarray) -> np.ndarray:
        """(N, 2) float64 image pixels: the (w, h) the network reads at the windowed peak of
        the search crop around each of ``boxes`` ((N, 4) x, y, w, h) on ``pair``, one batch,
        with the templates ``z_v`` / ``z_t`` ((3, Z, Z)). No calibration, no damping: what
        the network alone says (``bench size-response`` scales the true box to see whether
        the answer follows the target or the crop)."""
        boxes = [as_box(b) for b in np.asarray(boxes, dtype=np.float64).reshape(-1, 4)]
        return self._peak_sizes(*self._search_batch(as_streams(pair, self._fixed_streams), boxes, z_v, z_t))

    def _peak_sizes(self, crops, outputs) -> np.ndarray:
        """(N, 2) float64 image pixels read at each crop's windowed peak."""
        score, size = (np.asarray(o, dtype=np.float32) for o in outputs[:2])
        network_wh = []
        for k, (_, _, geometry) in enumerate(crops):
            iy, ix = peak_cell(self.windowed(score[k, 0]))
            network_wh.append(size[k, :, iy, ix].astype(np.float64) * geometry.output_size / geometry.scale)
        return np.array(network_wh)

    def _size_bias(self, crops, outputs, box: np.ndarray) -> tuple[float, float]:
        """(w, h) factors by which the network over-sizes this target, measured where the
        truth is known: the init frame's shifted searches (:meth:`_init_searches`), read at
        each crop's windowed peak, turned into factors by :func:`core.tracking.safeguards.size_bias`."""
        bias = size_bias(self._peak_sizes(crops, outputs), box[2:], self.config.size_calibration, CALIBRATION_LIMIT)
        return float(bias[0]), float(bias[1])

    def track(self, pair: FramePair, state: TrackerState) -> TrackStep:
        """Locate the target on ``pair`` starting from ``state``; returns a TrackStep."""
        cfg = self.config
        both_streams = pair
        pair, state, (x_v, x_t, geometry), blind_ratio = self._fed_search(pair, state)
        searching = self.pair_overlap.start(both_streams, state)
        try:
            network = self.engine if searching is None else self.pair_overlap.network()
            outputs = network.run(state.template_visible[None], state.template_thermal[None], x_v[None], x_t[None])
        finally:
            searched = searching.result() if searching is not None else None
        score, size, offset = (np.asarray(o, dtype=np.float32) for o in outputs[:3])
        feature = np.asarray(outputs[3], dtype=np.float32)[0] if len(outputs) > 3 else None
        reading = read_maps(score[0, 0], size[0], offset[0], feature, geometry, state, self.window, cfg)
        network_box, confidence, raw_confidence = reading.network_box, reading.confidence, reading.raw_confidence
        lost = cfg.lost_threshold > 0 and confidence < cfg.lost_threshold
        box = safeguarded_box(network_box, state.box, state.init_box[2:], pair.size, cfg, penalty=reading.penalty,
                              raw_confidence=raw_confidence, lost=lost, two_streams=state.two_streams)
        correlation = float("nan")
        if state.correlation is not None and not (lost and cfg.hold_when_lost):
            box, correlation = self.pair_correlation.blend(both_streams, state.correlation, state.box, box,
                                                           cfg.pair_correlation, cfg.pair_correlation_centre,
                                                           cfg.pair_correlation_gap, searched=searched,
                                                           thermal_only=thermal_only(state))
            box = bounded_box(box[:2] + box[2:] / 2.0, box[2:], state.init_box[2:], pair.size, cfg,
                              two_streams=state.two_streams)

        step = state.step + 1
        width, height = pair.size
        fallback = False
        confident = confidence >= cfg.kalman_score_threshold
        corners = tuple(c for c in state.corner_history if c[0] > step - cfg.kalman_history)
        if cfg.kalman_fallback and not confident and corners:
            x, y = predict_corner(corners, step, cfg.kalman)
            box = np.array([x, y, state.box[2], state.box[3]], dtype=np.float64)
            fallback = True
        margins = box_margins(cfg, state.init_box)
        box = clip_box(box, width, height, margins)
        reported, matched = box, float("nan")
        if state.pixel_template is not None and not fallback and not (lost and cfg.hold_when_lost):
            found = pixel_match.match(state.pixel_template, both_streams, box, cfg.pixel_match_reach, state.feed)
            reported = clip_box(pixel_match.refined(box, found, cfg.pixel_match, cfg.pixel_match_gate),
                                width, height, margins)
            matched = found.score
        previous = state.track_confidence
        smoothing = cfg.confidence_smoothing
        evidence = pair_evidence(confidence, correlation) if cfg.pair_confidence else confidence
        track_confidence = evidence if math.isnan(previous) else smoothing * previous + (1.0 - smoothing) * evidence
        if confident:
            corners = corners + ((step, float(box[0]), float(box[1])),)

        template_updated = (cfg.template_update and not fallback
                            and float(self.windowed(score[0, 0]).max()) > cfg.template_update_threshold)
        z_v, z_t = state.template_visible, state.template_thermal
        if template_updated:
            z_v, z_t = self.template_crops(as_streams(pair, state.feed), box)

        new_state = dataclasses.replace(
            state,
            template_visible=z_v,
            template_thermal=z_t,
            box=box,
            frame_index=int(pair.index),
            frame_size=(int(width), int(height)),
            step=step,
            score_history=(state.score_history + (confidence,))[-cfg.kalman_history:],
            corner_history=corners,
            template_updates=state.template_updates + int(template_updated),
            lost_frames=state.lost_frames + 1 if lost else 0,
            track_confidence=track_confidence,
            distractors=reading.distractors,
            online_filter=reading.online_filter,
            blind_ratio=blind_ratio,
        )
        return TrackStep(
            frame_index=int(pair.index),
            box=reported,
            confidence=track_confidence,
            state=new_state,
            crop_geometry=geometry,
            score_map=score[0, 0],
            size_map=size[0],
            offset_map=np.asarray(offset[0], dtype=np.float32),
            feature_map=feature,
            network_box=network_box,
            fallback=fallback,
            template_updated=bool(template_updated),
            raw_confidence=raw_confidence,
            lost=bool(lost),
            frame_confidence=confidence,
            filter_response=reading.filter_response,
            feed=state.feed,
            pair_correlation=correlation,
            pixel_match=matched,
        )

    def _fed_search(self, pair: FramePair, state: TrackerState):
        """``(pair, state, (x_v, x_t, geometry), blind_ratio)`` for this frame: the search crops
        ((3, X, X) float32 each) as the network is fed them. A fixed feed crops the pair as
        that feed sees it. With ``streams = "auto"`` the real pair's crops are measured first,
        the running blind ratio updated, and the state switched to the other look when
        ``core.tracking.blind_stream.next_feed`` says so; a thermal feed then gets the thermal
        crop as its visible input too."""
        cfg = self.config
        if state.resting is None:  # a fixed feed
            pair = as_streams(pair, state.feed)
            return pair, state, self.search_crops(pair, state.box, self.search_factor(state)), state.blind_ratio
        x_v, x_t, geometry = self.search_crops(pair, state.box, self.search_factor(state))
        ratio = smoothed(state.blind_ratio, measure(x_v, x_t, cfg.blind_min_energy).ratio, cfg.blind_smoothing)
        if next_feed(state.feed, ratio, cfg.blind_enter, cfg.blind_leave) != state.feed:
            state = state.switched()
        if state.feed == "thermal":
            x_v = thermal_as_visible(x_t)
        return pair, state, (x_v, x_t, geometry), ratio
