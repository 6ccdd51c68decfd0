"""The frame-source interface: one stream of frames (a video file, an image folder or a
multi-page TIFF), decoded one frame at a time.

A :class:`FrameSource` returns frames exactly as stored (OpenCV order: BGR/BGRA colour,
any dtype, ``IMREAD_UNCHANGED`` for images and pages, (H, W) uint16 for a 16-bit grey video),
0-based (its error messages count frames from 1, as the user sees them). It is not
thread-safe by itself; ``core.sequences.pair.PairSequence`` serialises access with its lock.
The sources: ``core.sequences.image_sources`` (image folders, multi-page TIFFs),
``core.sequences.video_source`` (video files); ``core.sequences.sources.open_source`` picks one.
"""
from __future__ import annotations

import abc
from pathlib import Path

import numpy as np

#: the frame rate of a stream that records none (an image folder, a multi-page TIFF, a video whose
#: container gives no usable rate): playback, the clock and exports take it, and say it is assumed
ASSUMED_FPS = 30.0


class FrameSource(abc.ABC):
    """A stream of ``len(self)`` frames; ``read(i)`` decodes frame ``i`` as stored."""

    path: Path
    fps: float = 30.0
    #: whether ``fps`` was recorded with the frames (a video's container, a folder's declared rate);
    #: False: :data:`ASSUMED_FPS`, as image folders and TIFF pages carry no rate
    fps_known: bool = True

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @abc.abstractmethod
    def read(self, index: int) -> np.ndarray:
        """Frame ``index`` (0-based) as stored; raises SequenceError naming the file and frame."""

    def close(self) -> None:
        """Release handles; the next read reopens them."""
        return None  # nothing to release by default

    def frame_times(self) -> np.ndarray | None:
        """(N,) seconds at which each frame is shown, the first at 0, for a stream whose frames are
        not evenly spaced (a variable-frame-rate video); None when frame i is shown at ``i / fps``."""
        return None
