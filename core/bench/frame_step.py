"""The same footage at a lower frame rate, for ``bench accuracy --real --frame-step K``.

The validation split is mostly 25-30 fps footage whose targets move a few pixels a frame. Footage a
user brings may be recorded at 10 fps, subsampled for labelling, or hold a target that moves fast:
between two frames it then moves K times as far. A loop whose heuristics assume small steps (the
search crop's side, the motion window, the Kalman fallback, the size rate, the hold of a hidden
target) tracks such footage worse than a tracker that does not. This module makes that measurable on
the split's own boxes: the run sees frames 0, K, 2K, ... of each sequence, renumbered 0, 1, 2, ...
as a camera at 1/K of the frame rate would record them, with their ground-truth boxes.

With ``max_frames`` M a run covers M original frames (M / K stepped frames, ``real_items``), so a
stepped run sees the same stretch of footage as the run at full rate, and the two compare.

Frames: :class:`core.sequences.base.FramePair`, visible (H, W, 3) uint8 RGB, thermal (H, W) uint8.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from core.errors import ConfigError
from core.sequences.base import FramePair

#: the largest step: at 30 fps, 3 fps footage
MAX_STEP = 10


@dataclass(frozen=True)
class FrameStep:
    """``step``: every how many frames of the footage the run sees one, 2 .. :data:`MAX_STEP`."""

    step: int

    def __post_init__(self) -> None:
        if isinstance(self.step, bool) or not isinstance(self.step, int) or not 2 <= self.step <= MAX_STEP:
            raise ConfigError(f"--frame-step must be a whole number from 2 to {MAX_STEP} (every how many "
                              f"frames the run sees one), got {self.step}")

    @property
    def key(self) -> str:
        """Names the step in cache keys and tables."""
        return f"1 frame in {self.step}"

    def length(self, frames: int) -> int:
        """How many of ``frames`` frames the run sees (frames 0, step, 2 * step, ...)."""
        return math.ceil(frames / self.step)


class SteppedSequence:
    """``sequence`` seen at every ``frame_step.step``-th frame: frame ``i`` is the wrapped sequence's
    frame ``i * step`` (its :class:`FramePair` renumbered ``i``), the ground truth is renumbered alike,
    ``info.num_frames`` and ``info.fps`` are the stepped footage's; close is the wrapped sequence's."""

    def __init__(self, sequence, frame_step: FrameStep):
        self._sequence = sequence
        self.frame_step = frame_step

    def __len__(self) -> int:
        return self.frame_step.length(len(self._sequence))

    def __getitem__(self, index: int) -> FramePair:
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} of {len(self)}")
        pair = self._sequence[index * self.frame_step.step]
        return FramePair(index, pair.visible, pair.thermal, pair.thermal_raw)

    @property
    def info(self):
        """The wrapped sequence's info with the stepped frame count and frame rate."""
        info = self._sequence.info
        return dataclasses.replace(info, num_frames=len(self), fps=info.fps / self.frame_step.step)

    def ground_truth(self):
        """``{stepped frame: FrameAnnotation}`` of the frames the run sees; None stays None."""
        records = self._sequence.ground_truth()
        if records is None:
            return None
        step = self.frame_step.step
        return {frame // step: dataclasses.replace(record, frame=frame // step)
                for frame, record in records.items() if frame % step == 0}

    def __getattr__(self, name):
        return getattr(self._sequence, name)
