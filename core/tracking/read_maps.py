"""One frame's network maps read into a box: the decoding step of the test loop.

The network answers a search crop with a score map, a size map and an offset map (and the
search features the online filter works on). :func:`read_maps` turns them into the
network's box for this frame, the way ``Tracker.track`` does before its safeguards:

1. the size map is divided by the target's init-frame size bias (``state.size_bias``);
2. the score is multiplied by SiamRPN's size-change penalty (``scale_penalty_k``;
   :func:`core.tracking.safeguards.size_change_penalty`): the *confidence* is the penalised
   score at the chosen cell;
3. the motion prior (the Hann window) and the online filter's response re-rank the cells
   (``core.tracking.online_filter``);
4. the cell is chosen (the argmax, or away from remembered look-alikes:
   :func:`core.tracking.distractors.choose_cell`) and decoded at its offset and size;
5. the online filter learns at that cell when the confidence reaches
   ``online_filter_min_score``.

Shapes: score (F, F), size (2, F, F) w, h as fractions of the crop side, offset (2, F, F) the
centre within each cell in [0, 1], features (C, F, F); all float32. Boxes are ``x, y, w, h``
float64 image pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.geometry import cxcywh_to_xywh
from core.tracking.crop import CropGeometry
from core.tracking.distractors import choose_cell
from core.tracking.online_filter import OnlineFilter, fuse, learn, respond, spectrum
from core.tracking.safeguards import size_change_penalty
from core.tracking.track_state import TrackerState
from core.tracking.tracker_config import TrackerConfig


@dataclass(frozen=True)
class MapReading:
    """What one frame's maps say.

    row, col: the chosen score-map cell; network_box: (4,) the box decoded there (image
    pixels, before the loop's safeguards); raw_confidence: the score at the cell;
    confidence: the penalised score at the cell; penalty: the size-change penalty there;
    filter_response: the online filter's response there (NaN without a filter);
    online_filter: the filter for the next frame (updated, or the state's);
    distractors: look-alike points (x, y) to remember for the next frame.
    """

    row: int
    col: int
    network_box: np.ndarray
    raw_confidence: float
    confidence: float
    penalty: float
    filter_response: float
    online_filter: OnlineFilter | None
    distractors: tuple[tuple[float, float], ...]


def read_maps(score_map: np.ndarray, size_map: np.ndarray, offset_map: np.ndarray, features: np.ndarray | None,
              geometry: CropGeometry, state: TrackerState, window: np.ndarray | None,
              config: TrackerConfig) -> MapReading:
    """The :class:`MapReading` of one search crop's maps (shapes in the module doc) for a
    tracker in ``state``; ``window`` is the (F, F) motion prior the penalised score is
    multiplied by (None: none); ``features`` None: no online filter this frame."""
    size_map = size_map / np.asarray(state.size_bias, dtype=np.float32)[:, None, None]
    crop_side = float(geometry.output_size)
    if config.scale_penalty_k > 0:
        previous_wh = state.box[2:] * geometry.scale / crop_side
        penalty = size_change_penalty(size_map, previous_wh, config.scale_penalty_k)
    else:
        penalty = np.ones_like(score_map)
    penalised = score_map * penalty
    response = penalised * window if window is not None else penalised
    online_filter = state.online_filter
    filter_map = features_spectrum = None
    if online_filter is not None and features is not None and config.online_filter_weight > 0:
        features_spectrum = spectrum(features)
        filter_map = respond(online_filter, features_spectrum)
        response = fuse(response, filter_map, config.online_filter_weight)
    iy, ix, distractors = choose_cell(response, offset_map, geometry, state.box, state.distractors, config)
    f = score_map.shape[-1]
    centre_x, centre_y = ix + offset_map[0, iy, ix], iy + offset_map[1, iy, ix]  # float32 cells
    crop_cxcywh = np.array([centre_x / f, centre_y / f, size_map[0, iy, ix], size_map[1, iy, ix]], dtype=np.float64)
    confidence = float(penalised[iy, ix])
    if features_spectrum is not None and confidence >= config.online_filter_min_score:
        online_filter = learn(features_spectrum, (centre_x - 0.5, centre_y - 0.5), config.online_filter_sigma,
                              online_filter, config.online_filter_rate)
    return MapReading(
        row=iy, col=ix,
        network_box=geometry.crop_to_image(cxcywh_to_xywh(crop_cxcywh * crop_side)),
        raw_confidence=float(score_map[iy, ix]),
        confidence=confidence,
        penalty=float(penalty[iy, ix]),
        filter_response=float("nan") if filter_map is None else float(filter_map[iy, ix]),
        online_filter=online_filter,
        distractors=distractors,
    )
