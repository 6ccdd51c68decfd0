"""The one abstraction for "an RGB-T pair of N frames".

Every source (two videos, two image folders, a dataset sequence folder, a thermal-only
or visible-only folder or video, the synthetic generator) is an :class:`RGBTSequence`: random access by frame
index, lazy decoding, a small bounded cache, and notes on anything it had to adapt
(different frame counts, resampled thermal, 16-bit mapping, duplicated modality).

Frames come out as a :class:`FramePair` on the *visible* pixel grid:
- ``visible``: (H, W, 3) uint8, **RGB** order (OpenCV's BGR is converted at the edge);
- ``thermal``: (H, W) uint8, one channel (a 3-channel thermal source is reduced to its
  first channel when the channels are equal, else to luminance; 16-bit is mapped to
  8-bit by the documented rule in ``core.sequences.thermal``);
- ``thermal_raw``: the thermal frame before 8-bit mapping (e.g. (H, W) uint16), or None.

Single-modality sequences still give both streams, so every tracker gets the one present
stream as both inputs (``SequenceInfo.thermal_only`` / ``SequenceInfo.visible_only`` say
which stream is real):
- thermal-only: ``visible`` is the thermal frame replicated to 3 channels;
- visible-only: ``thermal`` is the visible frame's luminance (``cv2.COLOR_RGB2GRAY``,
  ITU-R BT.601 weights), colour is kept in ``visible``.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class FramePair:
    """One visible/thermal frame pair, index is 0-based within the sequence."""

    index: int
    visible: np.ndarray  # (H, W, 3) uint8 RGB
    thermal: np.ndarray  # (H, W) uint8
    thermal_raw: np.ndarray | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the visible grid."""
        return int(self.visible.shape[1]), int(self.visible.shape[0])


STREAMS = ("both", "thermal", "visible")
"""What a tracker may be fed: the pair, or one stream presented as one-stream footage is."""


def luminance(visible: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (H, W) uint8: its luminance by OpenCV's RGB -> grey weights, the thermal
    frame a visible-only sequence opens with (:func:`as_streams`)."""
    import cv2  # the sequences' base imports OpenCV only when a frame needs it

    return cv2.cvtColor(np.ascontiguousarray(visible), cv2.COLOR_RGB2GRAY)


def grey_rgb(visible: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (H, W, 3) uint8: its :func:`luminance` in all three channels, the
    frame a monochrome camera records."""
    return np.repeat(luminance(visible)[..., None], 3, axis=2)


def has_one_stream(pair: FramePair) -> bool:
    """True when the thermal frame carries nothing the visible one does not: the visible
    frame is the thermal one replicated (a thermal-only sequence) or the thermal frame is
    the visible one's luminance (a visible-only sequence), checked on every 16th row. Then a
    tracker has no second look: the correlation floor computes the stream once, and
    ``streams = "auto"`` runs as "both"."""
    vis, thr = pair.visible, pair.thermal
    if vis.shape[:2] != thr.shape[:2]:
        return False
    rows = slice(None, None, max(1, vis.shape[0] // 16))
    sample_v, sample_t = vis[rows], thr[rows]
    if np.array_equal(sample_v[..., 0], sample_t) and np.array_equal(sample_v[..., 1], sample_t):
        return True
    return bool(np.abs(luminance(sample_v).astype(np.int16) - sample_t).max() <= 1)


def as_streams(pair: FramePair, streams: str) -> FramePair:
    """``pair`` as a tracker fed ``streams`` sees it: "both" as it is; "thermal" with the
    thermal frame replicated as the visible one (as a thermal-only sequence opens); "visible"
    with the visible frame's luminance as the thermal one (as a visible-only sequence opens).
    Shapes: visible (H, W, 3) uint8 RGB, thermal (H, W) uint8; ``thermal_raw`` is kept."""
    if streams == "both":
        return pair
    if streams == "thermal":
        thermal = pair.thermal[..., 0] if pair.thermal.ndim == 3 else pair.thermal
        return FramePair(pair.index, np.repeat(thermal[..., None], 3, axis=2), thermal, pair.thermal_raw)
    if streams == "visible":
        return FramePair(pair.index, pair.visible, luminance(pair.visible), pair.thermal_raw)
    raise ValueError(f"streams must be one of {STREAMS}, got {streams!r}")


@dataclass
class SequenceInfo:
    """What a sequence is and what was adapted when it was opened.

    ``layout`` names the detected layout ("video-pair", "folder-pair", "lasher",
    "rgbt234", "gtot", "vot-tir", "synthetic", ...). ``notes`` are human sentences about
    adaptations (mismatched counts, resampling, offsets, modality duplicated).
    ``visible_source`` / ``thermal_source`` are the files or folders read (None for the
    stream a single-modality sequence lacks). ``thermal_only``: no visible stream (the
    visible frame is the thermal one replicated); ``visible_only``: no thermal stream (the
    thermal frame is the visible one's luminance). At most one of the two is True.
    """

    name: str
    layout: str
    num_frames: int
    width: int
    height: int
    fps: float = 30.0
    visible_source: Path | None = None
    thermal_source: Path | None = None
    notes: list[str] = field(default_factory=list)
    thermal_only: bool = False
    visible_only: bool = False
    #: the footage records no frame rate (image folders, TIFF pages): ``fps`` is an assumption
    #: (``core.sequences.frame_source.ASSUMED_FPS``), which playback, the clock and exports say or leave out
    fps_assumed: bool = False


class RGBTSequence(abc.ABC):
    """Random-access RGB-T pair of ``len(self)`` frames. Thread-safe reads.

    Implementations decode lazily and keep at most a small LRU cache of decoded frames,
    so memory stays flat on long footage.
    """

    @property
    @abc.abstractmethod
    def info(self) -> SequenceInfo: ...

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @abc.abstractmethod
    def __getitem__(self, index: int) -> FramePair:
        """Frame pair ``index`` (0-based; negative indices count from the end).

        Raises IndexError out of range and ``SequenceError`` naming the file when a frame
        cannot be decoded.
        """

    def ground_truth(self):
        """Ground-truth annotations shipped with the sequence (a dataset layout), or None.

        Returns ``core.annotations`` records (see that package) or None.
        """
        return None

    def close(self) -> None:
        """Release file handles; the sequence may be reopened lazily on the next read."""
        return None  # nothing to release by default

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    @property
    def name(self) -> str:
        return self.info.name
