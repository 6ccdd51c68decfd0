"""A video file as a frame source (:class:`VideoSource`, read with ``cv2.VideoCapture``): its
seeks, its frame count checked at open (the tail a container over-counts, a file cut short, the
damaged last frames of an AVI or a Matroska / WebM file), a variable frame rate's own frame
times, and 16-bit grey video that OpenCV's default conversion would cut to its high byte."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from core.errors import SequenceError
from core.sequences.cut_short import container_cut_short
from core.sequences.frame_source import ASSUMED_FPS, FrameSource
from core.sequences.mkv_times import read_blocks
from core.sequences.mp4_times import frame_times, uneven
from core.sequences.readable_end import estimated_tail, matroska_end, readable_end, unseekable_note

# Seek forward by grabbing when the target is at most this many frames ahead; farther
# jumps use CAP_PROP_POS_FRAMES. OpenCV's FFmpeg seek lands some frames (16 or more)
# before the target and decodes forward, so grabbing up to 16 frames is never slower.
GRAB_AHEAD_LIMIT = 16

# Containers whose index gives OpenCV an exact frame count (no tail check at open). A Matroska / WebM
# file's blocks count its frames as exactly (``core.sequences.mkv_times``; ``readable_end.matroska_end``).
EXACT_COUNT_CONTAINERS = frozenset({".mp4", ".m4v", ".mov", ".avi"})
# Containers whose last frame is decoded at open (one seek): an AVI keeps its index's frame count, an
# MP4 / MOV its sample table's, while the data of its last frames is damaged (a recording that stopped
# badly, a bad copy), and the user scrubbed to frames that could not be decoded.
LAST_FRAME_CHECKED = frozenset({".avi", ".mp4", ".m4v", ".mov"})


class VideoSource(FrameSource):
    """A video file read with ``cv2.VideoCapture``.

    Seek strategy: the capture remembers the next frame it will return; a request for that
    frame is a plain ``read()`` (sequential playback costs one decode per frame), a request
    up to ``GRAB_AHEAD_LIMIT`` frames ahead grabs the frames in between, anything else sets
    ``CAP_PROP_POS_FRAMES`` (exact frame seeking in OpenCV's FFmpeg backend). The latest
    decoded frame is remembered, so asking twice for one frame decodes it once.
    """

    def __init__(self, file: str | Path):
        self.path = Path(file)
        if not self.path.exists():
            raise SequenceError(self.path, "video file does not exist")
        if not self.path.is_file():
            raise SequenceError(self.path, "is not a file")
        self._capture: cv2.VideoCapture | None = None
        self._packets = False  # a 16-bit grey PNG video read packet by packet (png_grey16)
        self._turn: int | None = None  # its packets' cv2.rotate code (the container's rotation tag)
        self._next = 0
        self._last: tuple[int, np.ndarray] | None = None  # the latest decoded frame
        capture = self._open()
        count = int(round(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0))
        #: whether OpenCV can seek in the file: not when it gives no frame count (a Matroska / WebM
        #: without a duration, as a browser's MediaRecorder writes: its seeks, clamped to that count,
        #: all landed on frame 0, so frame 30 showed frame 0); then frames are read from the first
        self._seekable = count > 0
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps_known = 0.0 < fps < 1000.0
        self.fps = fps if self.fps_known else ASSUMED_FPS
        #: the count the container gives (OpenCV's; a Matroska file's is its duration x its rate)
        reported = count
        # a Matroska / WebM file's blocks count its frames (those left in a file cut short)
        blocks = read_blocks(self.path)
        if blocks is not None:
            count = int(blocks.times.size)
        if count <= 0:
            count = self._count_by_reading()
        if count <= 0:
            self.close()
            raise SequenceError(self.path, "video has zero frames")
        self._count = count
        self.note: str | None = None
        #: each frame's time (s) when numbering by time at ``fps`` misnames frames (a phone's
        #: variable frame rate: ``core.sequences.mp4_times`` for MP4 / MOV, ``core.sequences.mkv_times``
        #: for Matroska / WebM): seeks then go by these; else None
        self._times: np.ndarray | None = None
        times = frame_times(self.path)
        matroska = times is None and blocks is not None
        if matroska:
            times = blocks.times
        if times is not None and times.size == count and uneven(times, float(capture.get(cv2.CAP_PROP_FPS) or 0.0)):
            self._times = times
            gaps = np.diff(times)
            if matroska:  # OpenCV's rate there is the stream's nominal one (30), not the frames' average
                self.fps = float(times.size / (times[-1] + gaps[-1]))
            self.note = (f"{self.path.name}: variable frame rate (frames {gaps.min() * 1000:.0f} to "
                         f"{gaps.max() * 1000:.0f} ms apart, {self.fps:g} fps on average)"
                         # a file that cannot be seeked in is read from its first frame (its note says so)
                         + ("; frames are found by their own times" if self._seekable else ""))
        #: the frames' times seeks are told by (``_read_by_time``): the variable rate's, or a packet
        #: stream's even times (OpenCV's seek there can land a frame late); None: plain seeks
        self._seek_times = self._times
        if self._packets and self._seek_times is None:
            self._seek_times = np.arange(count) / (float(capture.get(cv2.CAP_PROP_FPS) or 0.0) or self.fps)
        # the frames that open, by a handful of reads (core.sequences.readable_end), and why fewer
        suffix = self.path.suffix.lower()
        note = None
        if not self._seekable:
            note = unseekable_note(self.path, cut_short=blocks is not None and blocks.cut_short)
        elif matroska:
            self._count, note = matroska_end(self.read, self._count, self.path, cut_short=blocks.cut_short,
                                             reported=reported if self._times is None else 0)
        elif suffix not in EXACT_COUNT_CONTAINERS:
            self._count, note = estimated_tail(self.read, self._count, self.path)
        elif container_cut_short(self.path):
            self._count, note = readable_end(self.read, self._count, self.path)
        elif suffix in LAST_FRAME_CHECKED:
            self._count, note = readable_end(self.read, self._count, self.path, damaged=True)
        if note is not None:  # first, then a variable frame rate's, in one line
            self.note = note if self.note is None else f"{note}; {self.note.split(': ', 1)[1]}"

    def _open(self) -> cv2.VideoCapture:
        if self._capture is None:
            from core.fileio import not_utf8

            if not_utf8(self.path):  # cv2.VideoCapture ends the process (segmentation fault) on it
                raise SequenceError(self.path, "the path is not valid UTF-8 text (a byte such as \\xff in a folder "
                                               "or file name), which OpenCV cannot open; rename it")
            capture = cv2.VideoCapture(str(self.path))
            if not capture.isOpened():
                capture.release()
                if container_cut_short(self.path):  # an MP4 keeps its index (moov) last: a cut copy has none
                    raise SequenceError(self.path, "the file is cut short (a copy or recording that stopped?) and "
                                                   "has lost the index that finds its frames; copy it again")
                raise SequenceError(self.path, "cannot open as a video (unknown container/codec or corrupt file)")
            if grey16(capture):  # FFmpeg's BGR conversion keeps the high byte: 7000..8020 became 27..31
                capture.set(cv2.CAP_PROP_CONVERT_RGB, 0)  # (H, W) uint16 frames, mapped like a 16-bit PNG
            elif png_grey16(capture):  # the same high byte, and OpenCV cannot hand its 16 bits over
                self._packets = bool(capture.set(cv2.CAP_PROP_FORMAT, -1))  # each packet is a PNG file
                # packets are not turned upright as decoded frames are (a phone's rotation tag): turn them here
                self._turn = _TURNS.get(int(round(capture.get(cv2.CAP_PROP_ORIENTATION_META) or 0)) % 360)
            self._capture = capture
            self._next = 0
        return self._capture

    def _count_by_reading(self) -> int:
        capture = self._open()
        count = 0
        while capture.grab():
            count += 1
        self.close()
        return count

    def __len__(self) -> int:
        return self._count

    def read(self, index: int) -> np.ndarray:
        if self._last is not None and self._last[0] == index:
            return self._last[1].copy()  # e.g. frame 0 decoded at open, asked again for display
        capture = self._open()
        ahead = index - self._next
        if not self._seekable:
            frame = self._read_from_the_start(index)
            ok = frame is not None
        elif self._seek_times is not None:
            frame = self._read_by_time(capture, index, seek=ahead < 0 or ahead > GRAB_AHEAD_LIMIT)
            if frame is not None and self._packets:
                frame = cv2.imdecode(frame, cv2.IMREAD_UNCHANGED)  # (H, W) uint16
                if frame is not None and self._turn is not None:
                    frame = cv2.rotate(frame, self._turn)
            ok = frame is not None
        else:
            if ahead < 0 or ahead > GRAB_AHEAD_LIMIT:
                capture.set(cv2.CAP_PROP_POS_FRAMES, float(index))
            else:
                for _ in range(ahead):
                    if not capture.grab():
                        break
            ok, frame = capture.read()
        if not ok or frame is None:
            self.close()  # position unknown now; reopen next time
            raise SequenceError(self.path, f"cannot decode frame {index + 1} of {self._count} (truncated or corrupt video)")
        self._next = index + 1
        self._last = (index, frame)
        return frame.copy()

    def frame_times(self) -> np.ndarray | None:
        return self._times

    def _read_from_the_start(self, index: int) -> np.ndarray | None:
        """Frame ``index`` of a file OpenCV cannot seek in (``self._seekable`` False): the frames up
        to it are grabbed, from the first one when it is behind the capture's position (the capture is
        opened again); its frames are shown in order, so the frame grabbed ``index``-th is frame
        ``index``, a variable rate's too. None when it cannot be decoded."""
        if index < self._next:
            self.close()
        capture = self._open()
        for _ in range(index - self._next):
            if not capture.grab():
                return None
        ok, frame = capture.read()
        if ok and frame is not None and self._packets:
            frame = cv2.imdecode(frame, cv2.IMREAD_UNCHANGED)  # (H, W) uint16
            if frame is not None and self._turn is not None:
                frame = cv2.rotate(frame, self._turn)
        return frame if ok else None

    def _read_by_time(self, capture: cv2.VideoCapture, index: int, seek: bool) -> np.ndarray | None:
        """Frame ``index`` (a PNG packet in ``self._packets`` mode) of a variable-rate video or a packet
        stream (``self._seek_times``), told by the time it is shown
        (``CAP_PROP_POS_MSEC``). When ``seek``: OpenCV's ``CAP_PROP_POS_FRAMES`` k lands on the frame
        at ``k / fps`` before its keyframe and counts frames from there, so it lands elsewhere; a
        landing past the frame asks again that many numbers earlier (then from the first frame), one
        before it grabs frames up to it. None when it cannot be decoded."""
        times = self._seek_times
        number = max(0, int(times[index] * float(capture.get(cv2.CAP_PROP_FPS) or 0.0)) - 1) if seek else None
        for attempt in range(8):  # each try lands at least a frame earlier; the last starts from frame 0
            if number is not None:
                capture.set(cv2.CAP_PROP_POS_FRAMES, float(number))
            while True:
                shown = self._shown(capture) if capture.grab() else None
                if shown is None or shown >= index:
                    break
            if shown == index:
                ok, frame = capture.retrieve()
                return frame if ok else None
            if number == 0 or (shown is None and number is None):
                return None  # not there from the first frame either: not decodable
            past = 16 if shown is None else shown - index  # past the end: about a keyframe's distance
            number = 0 if number is None or attempt >= 6 else max(0, number - past)
        return None

    def _shown(self, capture: cv2.VideoCapture) -> int:
        """The index of the frame last grabbed, by its time (the nearest of ``self._seek_times``)."""
        when = float(capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        times = self._seek_times
        place = int(np.searchsorted(times, when))
        if place >= times.size or (place > 0 and when - times[place - 1] < times[place] - when):
            return place - 1
        return place

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
        self._next = 0
        self._last = None


#: FFmpeg's codec tag of 16-bit little-endian grey (``gray16le``: FFV1, raw video), as OpenCV
#: reports it in ``CAP_PROP_CODEC_PIXEL_FORMAT``: radiometric thermal video
GREY16_TAG = int.from_bytes(b"Y1\x00\x10", "little")


def grey16(capture: cv2.VideoCapture) -> bool:
    """Whether ``capture`` decodes 16-bit grey frames (:data:`GREY16_TAG`), which its default
    conversion to 8-bit BGR would cut to their high byte."""
    return int(capture.get(cv2.CAP_PROP_CODEC_PIXEL_FORMAT) or 0) == GREY16_TAG


#: FFmpeg's tag of 16-bit big-endian grey (``gray16be``), what its PNG decoder gives for 16-bit grey PNG frames
GREY16BE_TAG = int.from_bytes(b"\x10\x001Y", "little")
#: the codec tags of PNG-coded video (one PNG file per frame, in AVI or MOV)
PNG_CODECS = frozenset({b"MPNG", b"png "})


#: a container's rotation tag (degrees clockwise, ``CAP_PROP_ORIENTATION_META``) -> the ``cv2.rotate``
#: that turns a frame upright, as OpenCV turns the frames it decodes
_TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def png_grey16(capture: cv2.VideoCapture) -> bool:
    """Whether ``capture`` is a PNG-coded video of 16-bit grey frames (a radiometric camera's export:
    ``PNG_CODECS``, :data:`GREY16BE_TAG`), which OpenCV reads as their high byte only (7000..9000 ->
    27..35) and cannot return as 16 bits (``CAP_PROP_CONVERT_RGB`` off gave half of each row)."""
    fourcc = int(capture.get(cv2.CAP_PROP_FOURCC) or 0).to_bytes(4, "little", signed=False)
    return fourcc in PNG_CODECS and int(capture.get(cv2.CAP_PROP_CODEC_PIXEL_FORMAT) or 0) == GREY16BE_TAG
