"""Teacher pseudo-labels on unlabeled RGB-T footage, kept only where tracking is reversible.

The train part's ``rgbt_unlabeled`` pairs (``configs/real_split.json``) have no boxes. This
module gives them short labelled *tracklets*, so the thermal branch learns real thermal
objects moving over real frames (the self-supervised pairs of
``core.training.self_supervised`` only ever see one frame, or a fixed box):

1. **start box** (:func:`start_box`): the hottest compact blob of the thermal frame (people
   and vehicles are the warm things in these scenes), chosen at random among the blobs
   that score at least ``HOT_SHARE`` of the best (contrast times the square root of the
   area); when no blob stands out, a box with texture in
   both modalities (:func:`core.training.self_supervised.textured_box`);
2. **forward**: the tracker (the teacher) follows it ``length`` frames;
3. **backward**: the tracker restarts on the last frame from the last forward box and
   tracks back to the start frame (the forward-backward check of Kalal et al., 2010);
4. a frame keeps its forward box as a label when the forward and the backward box on it
   overlap by ``min_iou`` or more and the tracker's confidence on it, forward, is at least
   ``min_confidence`` (a tracker stuck on the background is reversible too, the check
   alone cannot tell; its score can); a tracklet is kept when the backward track returns to
   the start box (IoU >= ``min_iou``) and at least ``min_frames`` frames keep a label.
   Frames that fail the check are unlabelled (NaN), not dropped, so frame gaps stay real.

The labels file (JSON, written atomically) holds, per tracklet, the sequence (its path in
the split), the first frame, one ``[x, y, w, h]`` or ``null`` per frame from there
(pixels of the visible grid), the per-frame forward-backward IoU and forward confidence; besides, the
tracker's weights file and SHA-256, the split, the config and counts. The training source
``rgbt_pseudo`` (``core.training.real_sources``) reads it.

Cost: 2 x ``length`` tracked frames per tracklet (the bundled teacher runs at about 18
frames/s on one CPU thread).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import ConfigError, SequenceError
from core.fileio import read_json_object, write_text_atomic
from core.geometry import iou
from core.progress import Job, Progress
from core.training.self_supervised import box_means, textured_box

LABELS_FORMAT = "rgbt-studio pseudo-labels"
LABELS_VERSION = 1
HOT_SHARE = 0.5  # a start box is drawn among the hot blobs scoring at least this share of the best


@dataclass(frozen=True)
class PseudoLabelConfig:
    """tracklets_per_sequence: start frames per sequence, spread evenly; length: frames
    tracked forward (shorter sequences: their length - 1); min_iou: forward/backward
    agreement a frame needs; min_confidence: the tracker's per-frame confidence a label
    needs (forward track; the start frame always passes); min_frames: labelled frames
    (with the start) a kept tracklet needs; min_area / max_area: a hot blob's box area as
    a fraction of the frame; seed: the start boxes' RNG."""

    tracklets_per_sequence: int = 8
    length: int = 30
    min_iou: float = 0.5
    min_confidence: float = 0.3
    min_frames: int = 6
    min_area: float = 0.001
    max_area: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        if self.tracklets_per_sequence < 1 or self.length < 1 or self.min_frames < 2:
            raise ConfigError("pseudo-labels: need tracklets_per_sequence >= 1, length >= 1, min_frames >= 2; got "
                              f"{self.tracklets_per_sequence}, {self.length}, {self.min_frames}")
        if not 0.0 < self.min_iou <= 1.0 or not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"pseudo-labels: min_iou must lie in (0, 1] and min_confidence in [0, 1], got "
                              f"{self.min_iou}, {self.min_confidence}")
        if not 0.0 < self.min_area < self.max_area <= 1.0:
            raise ConfigError(f"pseudo-labels: need 0 < min_area < max_area <= 1, got {self.min_area}, {self.max_area}")


def hot_blobs(thermal: np.ndarray, min_area: float, max_area: float) -> list[tuple[float, np.ndarray]]:
    """Compact warm objects of a thermal frame: ``[(score, box (4,) x, y, w, h)]``, best
    first. ``thermal`` (H, W) uint8. Warm pixels are those brighter than the blurred
    frame's mean by 1.5 standard deviations; a 2 %-of-the-frame closing joins the parts of
    one object (a person's head, hands and legs). A blob's box area must lie within
    [min_area, max_area] of the frame and its aspect within 1:5..5:1. Score: its contrast
    (mean inside its box minus the mean of a ring half its size around it, grey levels)
    times the square root of its area fraction, so whole objects beat their hottest parts."""
    h, w = thermal.shape[:2]
    grey = cv2.GaussianBlur(thermal, (5, 5), 0).astype(np.float32)
    threshold = float(grey.mean() + 1.5 * grey.std())
    mask = (grey > threshold).astype(np.uint8)
    side = max(3, int(round(0.02 * min(h, w))) | 1)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    x, y, bw, bh = (stats[1:count, i].astype(np.int64) for i in range(4))
    fraction = bw * bh / float(w * h)
    aspect = bh / np.maximum(bw, 1)
    keep = (fraction >= min_area) & (fraction <= max_area) & (aspect >= 0.2) & (aspect <= 5.0)
    x, y, bw, bh, fraction = x[keep], y[keep], bw[keep], bh[keep], fraction[keep]
    px, py = np.maximum(1, bw // 2), np.maximum(1, bh // 2)
    inner = np.stack([x, y, x + bw, y + bh], axis=1)
    outer = np.stack([np.maximum(0, x - px), np.maximum(0, y - py), np.minimum(w, x + bw + px),
                      np.minimum(h, y + bh + py)], axis=1)
    integral = cv2.integral(grey.astype(np.float64))
    inner_area = bw * bh
    outer_area = (outer[:, 2] - outer[:, 0]) * (outer[:, 3] - outer[:, 1])
    inner_mean = box_means(integral, inner)
    ring_area = outer_area - inner_area
    ring_sum = box_means(integral, outer) * outer_area - inner_mean * inner_area
    contrast = np.where(ring_area > 0, inner_mean - ring_sum / np.maximum(ring_area, 1), 0.0)
    score = contrast * np.sqrt(fraction)
    order = [i for i in np.argsort(-score, kind="stable") if contrast[i] > 0]
    return [(float(score[i]), np.array([x[i], y[i], bw[i], bh[i]], dtype=np.float64)) for i in order]


def start_box(visible: np.ndarray, thermal: np.ndarray, rng: np.random.Generator,
              config: PseudoLabelConfig) -> tuple[np.ndarray, str]:
    """(box (4,) x, y, w, h, ``"hot"`` | ``"texture"``): a hot blob (see the module
    docstring) widened by 10 % of its size on each side, else a textured box."""
    blobs = hot_blobs(thermal, config.min_area, config.max_area)
    if blobs:
        strong = [box for score, box in blobs if score >= HOT_SHARE * blobs[0][0]]
        box = strong[int(rng.integers(len(strong)))]
        h, w = thermal.shape[:2]
        margin = 0.1 * box[2:]
        x0, y0 = np.maximum(box[:2] - margin, 0.0)
        x1, y1 = np.minimum(box[:2] + box[2:] + margin, [w, h])
        return np.array([x0, y0, x1 - x0, y1 - y0], dtype=np.float64), "hot"
    return textured_box(visible, thermal, rng, size_range=(0.05, 0.2)), "texture"


def _track(tracker, sequence, frames: list[int], box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(boxes (len(frames), 4), confidences (len(frames),)): ``box`` on ``frames[0]``
    (confidence 1), then the tracker's boxes and per-frame confidences on the rest."""
    state = tracker.init(sequence[frames[0]], box)
    boxes, confidences = [np.asarray(box, dtype=np.float64)], [1.0]
    for index in frames[1:]:
        step = tracker.track(sequence[index], state)
        state = step.state
        boxes.append(np.asarray(step.box, dtype=np.float64))
        per_frame = getattr(step, "frame_confidence", None)  # peers' steps have only ``confidence``
        confidences.append(float(step.confidence if per_frame is None else per_frame))
    return np.stack(boxes), np.asarray(confidences, dtype=np.float64)


def forward_backward(tracker, sequence, start: int, length: int,
                     box: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forward boxes (L+1, 4), forward confidences (L+1,), forward/backward IoU (L+1,))
    over frames start..start+L."""
    frames = list(range(start, start + length + 1))
    forward, confidences = _track(tracker, sequence, frames, box)
    backward = _track(tracker, sequence, frames[::-1], forward[-1])[0][::-1]
    return forward, confidences, iou(forward, backward)


def check_tracklet(forward: np.ndarray, agreement: np.ndarray, config: PseudoLabelConfig,
                   confidences: np.ndarray | None = None) -> np.ndarray | None:
    """(L+1, 4) labels (NaN rows where a check failed; row 0 the start box) or None
    when the tracklet is rejected (see the module docstring)."""
    agree = agreement >= config.min_iou
    if not agree[0]:
        return None
    if confidences is not None:
        agree[1:] &= confidences[1:] >= config.min_confidence
    if int(agree.sum()) < config.min_frames:
        return None
    labels = forward.copy()
    labels[~agree] = np.nan
    return labels


def _starts(count: int, length: int, tracklets: int) -> list[int]:
    last = count - 1 - length
    if last <= 0:
        return [0]
    return sorted({int(round(v)) for v in np.linspace(0, last, tracklets)})


def pseudo_label_job(tracker, sequences: list[tuple[str, object]], out_path: str | Path,
                     config: PseudoLabelConfig, *, metadata: dict | None = None) -> Job[dict]:
    """Label ``sequences`` (``(name, RGBTSequence)``, names as in the split) with
    ``tracker`` (``init`` / ``track`` as :class:`core.tracking.tracker.Tracker`) and write
    the labels file to ``out_path`` (once, at the end; a cancelled job writes nothing).
    Progress counts tracked frames. Returns the file's content (a dict)."""
    plans = []
    for name, sequence in sequences:
        count = len(sequence)
        if count < 2:
            raise SequenceError(Path(name), "fewer than 2 frames: nothing to track")
        length = min(config.length, count - 1)
        plans.append((name, sequence, length, _starts(count, length, config.tracklets_per_sequence)))
    total = sum(2 * length * len(starts) for _, _, length, starts in plans)
    rng = np.random.default_rng(config.seed)
    tracklets, done, tried, seeds = [], 0, 0, {"hot": 0, "texture": 0}
    for name, sequence, length, starts in plans:
        for start in starts:
            first = sequence[start]
            box, seed_kind = start_box(first.visible, first.thermal, rng, config)
            forward, confidences, agreement = forward_backward(tracker, sequence, start, length, box)
            done += 2 * length
            tried += 1
            labels = check_tracklet(forward, agreement, config, confidences)
            if labels is not None:
                seeds[seed_kind] += 1
                tracklets.append({
                    "sequence": name, "start": int(start), "seed": seed_kind,
                    "boxes": [None if not np.isfinite(row).all() else [round(float(v), 2) for v in row]
                              for row in labels],
                    "fb_iou": [round(float(v), 3) for v in agreement],
                    "confidence": [round(float(v), 3) for v in confidences],
                })
            yield Progress(done, total, f"{name} frame {start}: {len(tracklets)}/{tried} tracklets kept")
    labelled = sum(sum(b is not None for b in t["boxes"]) for t in tracklets)
    content = {
        "format": LABELS_FORMAT, "version": LABELS_VERSION, **(metadata or {}), "config": asdict(config),
        "tracklets_tried": tried, "tracklets_kept": len(tracklets), "labelled_frames": labelled,
        "kept_by_seed": seeds, "tracklets": tracklets,
    }
    write_text_atomic(out_path, json.dumps(content, indent=1) + "\n")
    return content


def read_labels(path: str | Path) -> dict:
    """The labels file at ``path``; ConfigError naming it when missing or malformed."""
    path = Path(path)
    content = read_json_object(path, "pseudo-label file", " (python main.py pseudo-labels writes one)")
    if content.get("format") != LABELS_FORMAT:
        raise ConfigError(f"{path}: not a pseudo-label file (format is not {LABELS_FORMAT!r})")
    if content.get("version") != LABELS_VERSION:
        raise ConfigError(f"{path}: pseudo-label file version {content.get('version')!r}, expected {LABELS_VERSION}")
    tracklets = content.get("tracklets")
    if not isinstance(tracklets, list):
        raise ConfigError(f"{path}: 'tracklets' must be a list")
    for number, tracklet in enumerate(tracklets):
        try:
            boxes = tracklet_boxes(tracklet)
            ok = isinstance(tracklet["sequence"], str) and int(tracklet["start"]) >= 0 and len(boxes) >= 2
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise ConfigError(f"{path}: tracklet {number} is malformed (needs sequence, start >= 0 and "
                              "at least 2 boxes of [x, y, w, h] or null)")
    return content


def tracklet_boxes(tracklet: dict) -> np.ndarray:
    """(N, 4) float64 boxes of a tracklet, NaN rows for unlabelled frames."""
    rows = [[math.nan] * 4 if box is None else [float(v) for v in box] for box in tracklet["boxes"]]
    boxes = np.asarray(rows, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must be [x, y, w, h] rows")
    return boxes
