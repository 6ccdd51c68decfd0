"""Presentation times of the frames of a Matroska / WebM video track, read from its blocks.

The Matroska counterpart of :mod:`core.sequences.mp4_times`: a phone's or a browser's recording
(MediaRecorder writes WebM) has a variable frame rate, and OpenCV's FFmpeg backend numbers and
seeks frames by time at the average rate, so frame k of such a file was another frame. Matroska
has no sample table: each block carries its time (its cluster's ``Timecode`` plus the block's
signed 16-bit offset, in units of the segment's ``TimecodeScale``). :func:`frame_times` walks the
clusters reading each block's first bytes and seeking over its data: no frame is decoded, the
file is not read whole (a few bytes per frame). The blocks count the frames the file holds, so the
same walk tells a file cut short (a copy, download or recording that stopped: its segment, a cluster
or a block runs past the end of the file) from one whose last frames' data is damaged
(:func:`read_blocks`).

Elements read (EBML, matroska.org): ``Segment`` / ``Info`` / ``TimecodeScale``; ``Tracks`` /
``TrackEntry`` (``TrackNumber``, ``TrackType`` 1 = video; the first video track); ``Cluster`` /
``Timecode``, ``SimpleBlock``, ``BlockGroup`` / ``Block``. Elements of unknown size (a live
recording's segment and clusters) are read through.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: the suffixes of the Matroska files this reads
MATROSKA_SUFFIXES = frozenset({".mkv", ".webm"})
#: the most frames read (a damaged file must not make the open run for ever)
MAX_FRAMES = 10_000_000

_SEGMENT, _INFO, _TIMECODE_SCALE = 0x18538067, 0x1549A966, 0x2AD7B1
_TRACKS, _TRACK_ENTRY, _TRACK_NUMBER, _TRACK_TYPE = 0x1654AE6B, 0xAE, 0xD7, 0x83
_CLUSTER, _TIMECODE, _SIMPLE_BLOCK, _BLOCK_GROUP, _BLOCK = 0x1F43B675, 0xE7, 0xA3, 0xA0, 0xA1
#: top-level elements of a segment: one of them ends a cluster of unknown size
_TOP_LEVEL = frozenset({_INFO, _TRACKS, _CLUSTER, 0x1C53BB6B, 0x114D9B74, 0x1043A770, 0x1941A469, 0x1254C367})
_UNKNOWN = -1


class _CutShort(ValueError):
    """The file ends inside an element (a copy or a recording that stopped)."""


@dataclass(frozen=True)
class Blocks:
    """What a Matroska / WebM file's blocks say of its first video track."""

    #: (N,) float64 seconds of each whole frame in the order shown, the first at 0
    times: np.ndarray
    #: whether the file ends before its segment, a cluster or a block does: the frames counted are
    #: those left, not all the recording had
    cut_short: bool


class _Reader:
    """Buffered reads of EBML element headers at any position of the file."""

    def __init__(self, handle, size: int):
        self.handle, self.size = handle, size
        self.buffer, self.start = b"", 0

    def bytes(self, position: int, count: int) -> bytes:
        end = position + count
        if not (self.start <= position and end <= self.start + len(self.buffer)):
            self.handle.seek(position)
            self.buffer, self.start = self.handle.read(max(count, 4096)), position
        return self.buffer[position - self.start:end - self.start]

    def vint(self, position: int, *, keep_marker: bool) -> tuple[int, int]:
        """(value, length) of the variable-length integer at ``position``; an element id keeps its
        length marker, a size has it removed (all ones: :data:`_UNKNOWN`)."""
        first = self.bytes(position, 1)
        if not first or first[0] == 0:
            raise ValueError("not an EBML number")
        length = 9 - first[0].bit_length()
        data = self.bytes(position, length)
        if len(data) < length:
            raise _CutShort("cut short")
        value = int.from_bytes(data, "big")
        if keep_marker:
            return value, length
        value &= (1 << (7 * length)) - 1
        return (_UNKNOWN if value == (1 << (7 * length)) - 1 else value), length

    def element(self, position: int) -> tuple[int, int, int]:
        """(id, payload start, payload size or :data:`_UNKNOWN`) of the element at ``position``."""
        ident, id_length = self.vint(position, keep_marker=True)
        size, size_length = self.vint(position + id_length, keep_marker=False)
        return ident, position + id_length + size_length, size

    def unsigned(self, position: int, size: int) -> int:
        return int.from_bytes(self.bytes(position, size), "big")

    def children(self, start: int, size: int, stop_at=frozenset()):
        """(id, payload start, payload size) of the elements in ``[start, start + size)``; for an
        unknown ``size``, up to the end of the file or the first element of ``stop_at``."""
        end = self.size if size == _UNKNOWN else min(start + size, self.size)
        position = start
        while position + 2 <= end:
            ident, payload, length = self.element(position)
            if size == _UNKNOWN and ident in stop_at:
                return
            yield ident, payload, length
            if length == _UNKNOWN:
                return  # an unknown-size child (a cluster) runs to its parent's end: walked by the caller
            position = payload + length


def _video_track(reader: _Reader, start: int, size: int) -> int | None:
    for ident, payload, length in reader.children(start, size):
        if ident != _TRACK_ENTRY:
            continue
        number = kind = None
        for inner, at, inner_length in reader.children(payload, length):
            if inner == _TRACK_NUMBER:
                number = reader.unsigned(at, inner_length)
            elif inner == _TRACK_TYPE:
                kind = reader.unsigned(at, inner_length)
        if kind == 1 and number is not None:
            return number
    return None


def _block_time(reader: _Reader, payload: int, track: int) -> int | None:
    """The block's offset from its cluster's time, when it is of ``track``; else None."""
    number, length = reader.vint(payload, keep_marker=False)
    if number != track:
        return None
    return int.from_bytes(reader.bytes(payload + length, 2), "big", signed=True)


def _cluster_times(reader: _Reader, start: int, size: int, track: int, times: list[int]) -> int:
    """Append the times of ``track``'s blocks in the cluster at ``start`` to ``times``; the end of
    the cluster (its size known or not). :class:`_CutShort` when the file ends inside the cluster
    (the blocks before the cut are appended: a block cut off is no frame)."""
    base = 0
    end = start
    for ident, payload, length in reader.children(start, size, stop_at=_TOP_LEVEL):
        end = payload + (0 if length == _UNKNOWN else length)
        if ident == _TIMECODE:
            base = reader.unsigned(payload, length)
        elif length != _UNKNOWN and payload + length > reader.size:
            raise _CutShort("a block runs past the end of the file")
        elif ident == _SIMPLE_BLOCK:
            offset = _block_time(reader, payload, track)
            if offset is not None:
                times.append(base + offset)
        elif ident == _BLOCK_GROUP:
            for inner, at, _ in reader.children(payload, length):
                if inner == _BLOCK:
                    offset = _block_time(reader, at, track)
                    if offset is not None:
                        times.append(base + offset)
        if len(times) > MAX_FRAMES:
            raise ValueError("too many frames")
    if size != _UNKNOWN and start + size > reader.size:
        raise _CutShort("the cluster runs past the end of the file")
    return end if size == _UNKNOWN else start + size


def read_blocks(path: str | Path) -> Blocks | None:
    """The frames of the file's first video track as its blocks give them (:class:`Blocks`: their
    times, whether the file is cut short); None for a file that is not Matroska / WebM, has no
    video block, or whose elements cannot be read (OpenCV's numbering is used, as before)."""
    path = Path(path)
    if path.suffix.lower() not in MATROSKA_SUFFIXES:
        return None
    times: list[int] = []
    scale = 1_000_000
    try:
        with path.open("rb") as handle:
            reader = _Reader(handle, path.stat().st_size)
            header, header_start, header_size = reader.element(0)
            if header != 0x1A45DFA3 or header_size == _UNKNOWN:
                return None
            ident, start, size = reader.element(header_start + header_size)
            if ident != _SEGMENT:
                return None
            cut = size != _UNKNOWN and start + size > reader.size
            track = None
            end = reader.size if size == _UNKNOWN else min(start + size, reader.size)
            position = start
            try:
                while position + 2 <= end:
                    ident, payload, length = reader.element(position)
                    if ident == _INFO:
                        for inner, at, inner_length in reader.children(payload, length):
                            if inner == _TIMECODE_SCALE:
                                scale = reader.unsigned(at, inner_length) or scale
                    elif ident == _TRACKS:
                        track = _video_track(reader, payload, length)
                    elif ident == _CLUSTER:
                        if track is None:
                            return None
                        position = _cluster_times(reader, payload, length, track, times)
                        continue
                    if length == _UNKNOWN:
                        return None
                    if payload + length > reader.size:
                        raise _CutShort("an element runs past the end of the file")
                    position = payload + length
            except _CutShort:
                cut = True  # the blocks before the cut are the file's frames
    except (OSError, ValueError):
        return None
    if not times:
        return None
    shown = np.sort(np.asarray(times, dtype=np.float64))
    return Blocks(times=(shown - shown[0]) * scale / 1e9, cut_short=cut)


def frame_times(path: str | Path) -> np.ndarray | None:
    """(N,) float64 seconds of each whole frame of the file's first video track in the order they
    are shown, the first at 0 (those left in a file cut short, :func:`read_blocks`); None as there."""
    blocks = read_blocks(path)
    return None if blocks is None else blocks.times
