"""Presentation times of the frames of an MP4 / MOV video track, read from its sample tables.

A phone records variable frame rate: the time between frames changes with the light (1/30 s,
then 1/15 s in the dark). OpenCV's FFmpeg backend numbers frames by time at the average rate
(frame k is the one shown at ``k / fps``) and seeks so, which on such a file lands on another
frame than the k-th (frame 30 of a clip at 30 then 10 fps came out as frame 41; the last frames
could not be found at all). :func:`frame_times` gives each frame's own time, which
``core.sequences.video_source.VideoSource`` seeks by.

Boxes read (ISO/IEC 14496-12): ``moov/trak`` (the first whose ``mdia/hdlr`` handler is
``vide``) ``/mdia/mdhd`` (timescale), ``/mdia/minf/stbl/stts`` (decode-time deltas) and
``stbl/ctts`` (composition offsets; B-frames). Only ``moov`` is read, a few hundred kB at most
for an hour of video; no frame is decoded.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

#: the suffixes of the ISO base media files this reads
MP4_SUFFIXES = frozenset({".mp4", ".m4v", ".mov"})
#: the most bytes of a ``moov`` box read (a damaged size field must not read gigabytes)
MOOV_LIMIT = 64 * 1024 * 1024
_CONTAINERS = {b"trak", b"mdia", b"minf", b"stbl", b"edts"}


def _boxes(data: bytes, start: int, end: int):
    """(kind, payload start, box end) of the boxes in ``data[start:end]``."""
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position:position + 8])
        header = 8
        if size == 1 and position + 16 <= end:
            size, header = struct.unpack(">Q", data[position + 8:position + 16])[0], 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            return
        yield kind, position + header, position + size
        position += size


def _moov(path: Path) -> bytes | None:
    """The payload of the file's top-level ``moov`` box, or None."""
    with path.open("rb") as handle:
        size_file = path.stat().st_size
        position = 0
        while position + 8 <= size_file:
            handle.seek(position)
            head = handle.read(16)
            size, kind = struct.unpack(">I4s", head[:8])
            header = 8
            if size == 1 and len(head) >= 16:
                size, header = struct.unpack(">Q", head[8:16])[0], 16
            elif size == 0:
                size = size_file - position
            if size < header:
                return None
            if kind == b"moov":
                if size > MOOV_LIMIT or position + size > size_file:
                    return None
                handle.seek(position + header)
                return handle.read(size - header)
            position += size
    return None


def _track_boxes(moov: bytes, start: int, end: int, found: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """``found`` with the payloads of the first ``hdlr``, ``mdhd``, ``stts`` and ``ctts`` boxes
    inside ``moov[start:end]`` (a ``trak``), looking into its container boxes."""
    for kind, payload, box_end in _boxes(moov, start, end):
        if kind in _CONTAINERS:
            _track_boxes(moov, payload, box_end, found)
        elif kind in (b"hdlr", b"mdhd", b"stts", b"ctts"):
            found.setdefault(kind, moov[payload:box_end])
    return found


def _video_tables(moov: bytes) -> tuple[int, bytes, bytes | None] | None:
    """(timescale, ``stts`` payload, ``ctts`` payload or None) of the first video track."""
    for kind, start, end in _boxes(moov, 0, len(moov)):
        if kind != b"trak":
            continue
        found = _track_boxes(moov, start, end, {})
        hdlr, mdhd, stts = found.get(b"hdlr"), found.get(b"mdhd"), found.get(b"stts")
        if hdlr is None or hdlr[8:12] != b"vide" or mdhd is None or stts is None:
            continue
        timescale = struct.unpack(">I", mdhd[12:16] if mdhd[0] == 0 else mdhd[20:24])[0]
        return (timescale, stts, found.get(b"ctts")) if timescale > 0 else None
    return None


def _runs(payload: bytes, signed: bool = False) -> np.ndarray:
    """The per-sample values of an ``stts`` / ``ctts`` table of (count, value) runs."""
    count = struct.unpack(">I", payload[4:8])[0]
    table = np.frombuffer(payload, dtype=">u4", count=2 * count, offset=8).reshape(count, 2).astype(np.int64)
    values = table[:, 1]
    if signed:  # ctts offsets: two's complement
        values = np.where(values >= 2 ** 31, values - 2 ** 32, values)
    return np.repeat(values, table[:, 0])


def frame_times(path: str | Path) -> np.ndarray | None:
    """(N,) float64 seconds of each frame of the file's video track in the order they are shown,
    the first at 0; None for a file that is not an MP4 / MOV, or whose tables cannot be read."""
    path = Path(path)
    if path.suffix.lower() not in MP4_SUFFIXES:
        return None
    try:
        moov = _moov(path)
        tables = _video_tables(moov) if moov is not None else None
        if tables is None:
            return None
        timescale, stts, ctts = tables
        deltas = _runs(stts)
        decode = np.concatenate([[0], np.cumsum(deltas)[:-1]]) if deltas.size else deltas
        if ctts is not None:
            offsets = _runs(ctts, signed=True)  # version 0 tables of some muxers hold negative offsets too
            if offsets.size == decode.size:
                decode = decode + offsets
        shown = np.sort(decode)
    except (OSError, struct.error, ValueError):
        return None
    if shown.size == 0:
        return None
    return (shown - shown[0]) / float(timescale)


def uneven(times: np.ndarray, fps: float) -> bool:
    """Whether numbering the frames by time at ``fps`` (frame k shown at ``k / fps``, how OpenCV
    seeks) misnames one of them: some frame's time is a third of a frame or more from its place."""
    if fps <= 0 or times.size < 2:
        return False
    return bool(np.max(np.abs(times * fps - np.arange(times.size))) >= 1 / 3)
