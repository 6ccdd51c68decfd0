"""Which thermal frame each visible frame is paired with, when not by position: two videos at
different frame rates or one at a variable rate paired by time (:func:`time_partners`), two image
folders whose numbering has gaps paired by their frame numbers (:func:`number_partners`). The
sequence over the two streams, and the frame offset on top of these, is
``core.sequences.pair.PairSequence``."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from core.sequences.frame_source import FrameSource
from core.sequences.image_files import frame_number, frame_numbers
from core.sequences.video_source import VideoSource


def time_partners(visible: FrameSource, thermal: FrameSource, rate: float) -> np.ndarray | None:
    """(Nv,) int64: the thermal frame shown at the time of each visible frame, when the streams are
    paired by time: two videos at different rates (``rate`` = thermal / visible fps, not 1:
    ``round(v x rate)``), or two videos, one at a variable frame rate (``FrameSource.frame_times``: the
    thermal frame nearest in time; past the thermal stream's end by more than half its last frame
    gap: ``Nt``, no partner). None when frames pair by position."""
    v_times, t_times = visible.frame_times(), thermal.frame_times()
    n_visible, n_thermal = len(visible), len(thermal)
    if not (isinstance(visible, VideoSource) and isinstance(thermal, VideoSource)):
        v_times = t_times = None  # an image folder's rate is not recorded (time_ratio): by position
    if v_times is None and t_times is None:
        if rate == 1.0:
            return None
        return np.floor(np.arange(n_visible) * rate + 0.5).astype(np.int64)
    if v_times is None:
        v_times = np.arange(n_visible) / visible.fps
    if t_times is None:
        t_times = np.arange(n_thermal) / thermal.fps
    return _nearest(v_times, t_times, 1.0 / thermal.fps)


def number_partners(visible: FrameSource, thermal: FrameSource) -> np.ndarray | None:
    """(Nv,) int64: for two image folders numbered alike (``core.sequences.image_files.frame_numbers``,
    the same first number) whose numbering has gaps (a camera's dropped frames), the thermal frame
    of each visible frame's number, or the nearest number where that one is missing (``Nt`` past the
    thermal end). None otherwise: frames pair by position (by position, past each gap every pair was
    a frame further apart)."""
    v_files, t_files = getattr(visible, "files", None) or [], getattr(thermal, "files", None) or []
    if not v_files or not t_files or all(_whole(files) for files in (v_files, t_files)):
        return None  # a look at the first and last names only: a 20,000-frame pair read every name in 0.13 s
    v_numbers, t_numbers = frame_numbers(v_files), frame_numbers(t_files)
    if v_numbers is None or t_numbers is None or v_numbers[0] != t_numbers[0]:
        return None
    if v_numbers[-1] - v_numbers[0] + 1 == v_numbers.size and t_numbers[-1] - t_numbers[0] + 1 == t_numbers.size:
        return None  # no gap: by number is by position
    return _nearest(v_numbers.astype(np.float64), t_numbers.astype(np.float64), 1.0)


def _whole(files: list[Path]) -> bool:
    """Whether the first and last of ``files`` are numbered (``frame_numbers``) as far apart as
    the files are (no number missing between them, or no numbers to pair by)."""
    first, last = frame_number(files[0]), frame_number(files[-1])
    return first is None or last is None or last - first + 1 == len(files)


def _nearest(wanted: np.ndarray, have: np.ndarray, step: float) -> np.ndarray:
    """(len(wanted),) int64: the index of the value of the rising ``have`` nearest to each of the
    rising ``wanted`` (the earlier on a tie), ``len(have)`` past its end by more than half its last
    gap (``step`` when it has one value)."""
    count = have.size
    after = np.clip(np.searchsorted(have, wanted), 1, max(1, count - 1))
    partner = np.where(wanted - have[after - 1] <= have[after] - wanted, after - 1, after) \
        if count > 1 else np.zeros(wanted.size, np.int64)
    last_gap = have[-1] - have[-2] if count > 1 else step
    return np.where(wanted > have[-1] + last_gap / 2, count, partner).astype(np.int64)
