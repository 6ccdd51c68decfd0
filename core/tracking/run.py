"""Tracking a sequence as a long job (a generator of :class:`core.progress.Progress`).

``track_sequence`` initialises on ``start`` and tracks frame by frame towards ``stop``
(forwards with ``step=1``, backwards with ``step=-1``). Each report's payload is a
:class:`TrackedFrame` (the frame index, its box and confidence, and the tracker's
:class:`~core.tracking.tracker.TrackStep`, None for the initial frame). Frames are read
one at a time and never kept: memory stays flat on long footage. ``job.close()`` stops
the run between frames.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.geometry import as_box
from core.progress import Job, Progress
from core.tracking.track_state import TrackStep
from core.tracking.tracker import Tracker

INIT_CONFIDENCE = 1.0


@dataclass(frozen=True, eq=False)
class TrackedFrame:
    """One frame of a tracking run: box (4,) x, y, w, h image pixels, confidence in
    [0, 1] (``INIT_CONFIDENCE`` on the initial frame), step None on the initial frame."""

    frame: int
    box: np.ndarray
    confidence: float
    step: TrackStep | None = None

    @property
    def feed(self) -> str:
        """What the network was fed on this frame (``TrackStep.feed``: "both", "thermal",
        "visible"), or "" on the initial frame and for trackers without one (OpenCV)."""
        return str(getattr(self.step, "feed", "") or "")

    @property
    def lost(self) -> bool:
        """Whether the loop counted the target lost on this frame (``TrackStep.lost``; with
        ``hold_when_lost`` the box was held); False on the initial frame and for OpenCV trackers."""
        return bool(getattr(self.step, "lost", False))


def frame_range(num_frames: int, start: int = 0, stop: int | None = None, step: int = 1) -> range:
    """The frames a run visits: ``start`` then towards ``stop`` (exclusive; None = the
    sequence's end in the direction of ``step``). ValueError when out of range."""
    if step not in (1, -1):
        raise ValueError(f"step must be 1 or -1, got {step}")
    if not 0 <= start < num_frames:
        raise ValueError(f"start frame {start} is outside the sequence (0..{num_frames - 1})")
    if stop is None:
        stop = num_frames if step > 0 else -1
    if not -1 <= stop <= num_frames:
        raise ValueError(f"stop frame {stop} is outside the sequence (-1..{num_frames})")
    return range(start, stop, step)


def track_sequence(tracker: Tracker, sequence, init_box, start: int = 0, stop: int | None = None,
                   step: int = 1) -> Job[list[tuple[int, np.ndarray, float]]]:
    """Track ``init_box`` (x, y, w, h on frame ``start``) through ``sequence``.

    sequence: an ``RGBTSequence`` (``len`` and ``[index] -> FramePair``). Yields one
    Progress per frame (payload :class:`TrackedFrame`); returns the list of
    ``(frame, box (4,) float64, confidence)`` in visiting order, the initial frame first.
    """
    frames = frame_range(len(sequence), start, stop, step)
    total = len(frames)
    box = as_box(init_box)
    state = tracker.init(sequence[frames[0]], box)
    results: list[tuple[int, np.ndarray, float]] = [(frames[0], box.copy(), INIT_CONFIDENCE)]
    yield Progress(1, total, f"frame {frames[0] + 1}", TrackedFrame(frames[0], box.copy(), INIT_CONFIDENCE))
    for done, index in enumerate(frames[1:], start=2):
        result = tracker.track(sequence[index], state)
        state = result.state
        results.append((index, result.box, result.confidence))
        yield Progress(done, total, f"frame {index + 1}", TrackedFrame(index, result.box, result.confidence, result))
    return results
