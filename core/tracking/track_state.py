"""What the tracker knows and returns: :class:`TrackerState` (explicit, immutable, branchable
state after a frame), :class:`TrackStep` (one ``Tracker.track`` result), :class:`Look` (one
feed's view of the target, for ``streams = "auto"``) and :class:`InitBoxError`.

The loop that makes and consumes them is :class:`core.tracking.tracker.Tracker`. Boxes are
``x, y, w, h`` float64 pixels of the visible frame (``core.geometry``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from core.errors import RGBTError
from core.tracking.correlation import CorrelationState
from core.tracking.crop import CropGeometry
from core.tracking.online_filter import OnlineFilter
from core.tracking.pixel_match import PixelTemplate


class InitBoxError(RGBTError, ValueError):
    """The initial box is not usable (not finite, empty, or outside the frame)."""


@dataclass(frozen=True, eq=False)
class Look:
    """What the tracker learned of the target through one feed ("both" or "thermal"), made on
    the init frame: template crops (3, Z, Z) float32, size bias (w, h), online filter (or None).
    With ``streams = "auto"`` the look not fed now rests in ``TrackerState.resting``."""

    feed: str
    template_visible: np.ndarray
    template_thermal: np.ndarray
    size_bias: tuple[float, float]
    online_filter: OnlineFilter | None


@dataclass(frozen=True, eq=False)
class TrackerState:
    """Everything the tracker knows about one target after a frame.

    template_visible / template_thermal: (3, Z, Z) float32 normalised template crops.
    box: (4,) float64 x, y, w, h of the last frame; init_box likewise for the first.
    frame_index: index of the last frame seen; step: frames tracked since init (0 at init).
    frame_size: (width, height). score_history: the last ``kalman_history`` confidences.
    corner_history: ``(step, x, y)`` of confident top-left corners within the last
    ``kalman_history`` steps (the Kalman fallback's input). template_updates: count.
    lost_frames: consecutive frames with confidence below ``lost_threshold``.
    track_confidence: the smoothed confidence of the last tracked frame (NaN before the
    first ``track``). size_bias: (w, h) factors the network's sizes are divided by
    (measured on the init frame when ``size_calibration`` > 0; else 1, 1). online_filter:
    the target's correlation filter on the search features (``core.tracking.online_filter``)
    when ``online_filter_weight`` > 0 and the engine gives features, else None. feed: what
    the network is fed now ("both", "thermal" or "visible"; the templates, size bias and
    filter above are this feed's). resting: with ``streams = "auto"`` on a two-stream pair,
    the other feed's :class:`Look` (None otherwise: the feed never changes). blind_ratio: the
    running visible-to-thermal fine-structure ratio ("auto" only; NaN before a measure).
    correlation: the frozen-feature correlation's template on a two-stream pair
    (``core.tracking.pair_correlation``; None when ``pair_correlation`` is 0 or the pair has one
    stream). Made on the init frame and never updated. two_streams: the init frame's pair has two
    real streams (``core.sequences.base.has_one_stream`` False): the box's aspect is then bounded by
    ``TrackerConfig.pair_max_aspect_change`` instead of ``max_aspect_change``. pixel_template:
    the drawn target's pixels (``core.tracking.pixel_match``) when ``TrackerConfig.pixel_match`` >
    0, else None; made on the init frame and never updated. ``box`` is the loop's own box, which
    the next search is centred on; the reported box (``TrackStep.box``) may differ from it by the
    pixel match's move of the centre.
    """

    template_visible: np.ndarray
    template_thermal: np.ndarray
    box: np.ndarray
    init_box: np.ndarray
    frame_index: int
    frame_size: tuple[int, int]
    step: int = 0
    score_history: tuple[float, ...] = ()
    corner_history: tuple[tuple[int, float, float], ...] = ()
    template_updates: int = 0
    lost_frames: int = 0
    track_confidence: float = float("nan")
    size_bias: tuple[float, float] = (1.0, 1.0)
    distractors: tuple[tuple[float, float], ...] = ()
    online_filter: OnlineFilter | None = None
    feed: str = "both"
    resting: Look | None = None
    blind_ratio: float = float("nan")
    correlation: CorrelationState | None = None
    two_streams: bool = False
    pixel_template: PixelTemplate | None = None

    def switched(self) -> TrackerState:
        """This state fed through the resting look, the current one resting in its place."""
        if self.resting is None:
            raise ValueError("only a state with a resting look (streams 'auto') can switch its feed")
        rest = self.resting
        return dataclasses.replace(
            self, feed=rest.feed, template_visible=rest.template_visible, template_thermal=rest.template_thermal,
            size_bias=rest.size_bias, online_filter=rest.online_filter,
            resting=Look(self.feed, self.template_visible, self.template_thermal, self.size_bias, self.online_filter))


@dataclass(frozen=True, eq=False)
class TrackStep:
    """The result of one ``track`` call.

    box: (4,) float64 x, y, w, h image pixels (clipped): the reported box, ``state.box`` with its
    centre moved by the pixel match (``pixel_match``); frame_confidence: the unwindowed
    score at the decoded peak times the size-change penalty there, in (0, 1)
    (raw_confidence: the network's score without the penalty); confidence: the track
    confidence, ``frame_confidence`` smoothed over frames (``confidence_smoothing``; on a
    two-stream pair with the correlation, its geometric mean with ``pair_correlation``,
    ``core.tracking.pair_correlation.pair_evidence``);
    state: the state for the next frame; crop_geometry: where the search crop came from;
    score_map (F, F), size_map (2, F, F), offset_map (2, F, F), feature_map (C, F, F):
    float32 network outputs for this frame (kept for the distillation export). network_box: the decoded box before the Kalman fallback;
    fallback: True when the Kalman prediction replaced it; template_updated: True when
    the templates were re-cut on this frame. filter_response: the online filter's normalised
    response at the chosen cell (1 = as target-like as the target was; NaN without the filter).
    feed: what the network was fed on this frame ("both", "thermal" or "visible").
    pair_correlation: the frozen-feature correlation at its peak (0..1) when the box was blended
    with it on a two-stream pair (``core.tracking.pair_correlation``), else NaN.
    pixel_match: the normalised cross-correlation (-1..1) of the drawn target's pixels at their
    best fit around the loop's box (``core.tracking.pixel_match``), which decides how far the
    reported centre moved; NaN when the match is off or did not run on this frame.
    """

    frame_index: int
    box: np.ndarray
    confidence: float
    state: TrackerState
    crop_geometry: CropGeometry
    score_map: np.ndarray
    size_map: np.ndarray
    offset_map: np.ndarray
    feature_map: np.ndarray | None = None
    network_box: np.ndarray | None = None
    fallback: bool = False
    template_updated: bool = False
    raw_confidence: float = float("nan")
    lost: bool = False
    frame_confidence: float = float("nan")
    filter_response: float = float("nan")
    feed: str = "both"
    pair_correlation: float = float("nan")
    pixel_match: float = float("nan")
