"""Variable frame rate in Matroska / WebM (a browser's MediaRecorder, a phone's MKV): only MP4 / MOV
were read for their frames' own times, so OpenCV's numbering by time at the average rate showed
another frame than the one asked for. The blocks' times are now read (``core.sequences.mkv_times``)
and frames are found by them, as for MP4."""
from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.sequences.mkv_times import frame_times
from core.sequences.video_source import VideoSource
from tests.core.sequences.ebml import elements, vint

FRAMES, FAST = 30, 15  # 15 frames 1/30 s apart, then 15 frames 1/10 s apart
EXPECTED_MS = [round(i * 1000 / 30) for i in range(FAST)] + [500 + 100 * k for k in range(FRAMES - FAST)]


def _frame(i: int) -> np.ndarray:
    return np.full((48, 64, 3), 20 + 7 * i, np.uint8)


def _which(frame: np.ndarray) -> int:
    return int(round((float(frame.mean()) - 20) / 7))


def write_variable_rate_mkv(file: Path) -> Path:
    """An MKV (MJPG, as OpenCV writes it) of :func:`_frame` 0..29 written at 30 fps, then each
    block's time, the cues' times and the duration rewritten to :data:`EXPECTED_MS`."""
    writer = cv2.VideoWriter(str(file), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write MJPG in Matroska")
    for i in range(FRAMES):
        writer.write(_frame(i))
    writer.release()
    data = bytearray(file.read_bytes())
    _, header, size = next(elements(data, 0, len(data)))
    segment, start, size = next(elements(data, header + size, len(data)))
    assert segment == 0x18538067
    old_ms, blocks, cue_times = [], [], []
    for ident, payload, length in elements(data, start, start + size):
        if ident == 0x1549A966:  # Info: the duration (float, ms)
            for inner, at, inner_length in elements(data, payload, payload + length):
                if inner == 0x4489:
                    data[at:at + inner_length] = struct.pack(">d" if inner_length == 8 else ">f", 2000.0)
        elif ident == 0x1F43B675:  # Cluster
            base = 0
            for inner, at, inner_length in elements(data, payload, payload + length):
                if inner == 0xE7:
                    base = int.from_bytes(data[at:at + inner_length], "big")
                elif inner == 0xA3:  # SimpleBlock: track vint, int16 offset
                    _, n = vint(data, at, False)
                    old_ms.append(base + struct.unpack(">h", data[at + n:at + n + 2])[0])
                    blocks.append((at + n, base))
        elif ident == 0x1C53BB6B:  # Cues / CuePoint / CueTime
            for _point, at, point_length in elements(data, payload, payload + length):
                for inner, inner_at, inner_length in elements(data, at, at + point_length):
                    if inner == 0xB3:
                        cue_times.append((inner_at, inner_length))
    assert len(blocks) == FRAMES
    for (place, base), new in zip(blocks, EXPECTED_MS, strict=True):
        data[place:place + 2] = struct.pack(">h", new - base)
    for place, length in cue_times:
        old = int.from_bytes(data[place:place + length], "big")
        new = EXPECTED_MS[int(np.argmin(np.abs(np.asarray(old_ms) - old)))]
        data[place:place + length] = new.to_bytes(length, "big")
    file.write_bytes(bytes(data))
    return file


def test_frame_times_of_a_variable_rate_mkv(tmp_path):
    times = frame_times(write_variable_rate_mkv(tmp_path / "browser.mkv"))
    assert times is not None and np.allclose(times, np.asarray(EXPECTED_MS) / 1000, atol=1e-6)


def test_every_frame_of_a_variable_rate_mkv_is_found_in_any_order(tmp_path):
    source = VideoSource(write_variable_rate_mkv(tmp_path / "browser.mkv"))
    assert len(source) == FRAMES and "variable frame rate" in (source.note or "")
    assert source.fps == pytest.approx(15)  # 30 frames in 2 s, not the stream's nominal 30
    assert [_which(source.read(i)) for i in range(FRAMES)] == list(range(FRAMES))
    order = [29, 20, 3, 16, 25, 0, 14, 15, 28, 7]
    assert [_which(source.read(i)) for i in order] == order  # seeks, back and forth
    source.close()


def test_a_constant_rate_mkv_is_read_as_before(tmp_path):
    path = tmp_path / "steady.mkv"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for i in range(12):
        writer.write(_frame(i))
    writer.release()
    source = VideoSource(path)
    assert len(source) == 12 and source.note is None and source.frame_times() is None
    assert [_which(source.read(i)) for i in (11, 4, 0)] == [11, 4, 0]
    source.close()


def test_a_live_recording_s_unknown_sizes_are_read_through(tmp_path):
    """A browser's or a live encoder's WebM / MKV writes its segment and clusters with an unknown
    size (all ones): the blocks are read up to the next top-level element or the end of the file."""
    path = write_variable_rate_mkv(tmp_path / "live.mkv")
    data = bytearray(path.read_bytes())
    for ident in (b"\x18\x53\x80\x67", b"\x1f\x43\xb6\x75"):  # Segment, Cluster: their size fields all ones
        at = data.index(ident) + 4
        length = 9 - data[at].bit_length()
        data[at:at + length] = bytes([(0xFF >> (length - 1)) | (0x80 >> (length - 1))] + [0xFF] * (length - 1))
    path.write_bytes(bytes(data))
    times = frame_times(path)
    assert times is not None and np.allclose(times, np.asarray(EXPECTED_MS) / 1000, atol=1e-6)


def test_a_variable_rate_mkv_cut_short_keeps_its_frames_times(tmp_path):
    """Cut short, its blocks' times were dropped (``frame_times`` None for a segment running past the
    end): frames were numbered at the nominal 30 fps, the clock and the pairing by time with them, and
    the note said 'the container reports 60 frames' (2 s x 30) of a file of 25. The whole blocks left
    are its frames now, found by their own times."""
    path = write_variable_rate_mkv(tmp_path / "browser.mkv")
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * 0.8)])
    source = VideoSource(path)
    times = source.frame_times()
    assert times is not None and len(source) == times.size < FRAMES
    assert np.allclose(times, np.asarray(EXPECTED_MS[:times.size]) / 1000, atol=1e-6)
    assert source.note.startswith(f"browser.mkv: the file is cut short; the first {times.size} frames can be decoded; "
                                  "variable frame rate")
    assert [_which(source.read(i)) for i in (times.size - 1, 20, 2)] == [times.size - 1, 20, 2]
    source.close()


def test_a_recording_without_a_duration_shows_the_frame_asked_for(tmp_path, monkeypatch):
    """A browser's MediaRecorder writes WebM without a Duration: OpenCV's count is then negative
    (-2.8e17) and its seeks, clamped to it, all landed on frame 0: frames 30, 8, 1 showed 1, 2, 3,
    without a word (and the open grabbed every frame to count them, 8.7 s for a 9,000-frame 320x240
    WebM, until c8951b8 counted the blocks first). Frames are now read from the first one (the file
    cannot be seeked in), said in the note, and the open decodes none."""
    path = tmp_path / "recording.mkv"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for i in range(FRAMES):
        writer.write(_frame(i))
    writer.release()
    data = bytearray(path.read_bytes())
    at = data.index(b"\x44\x89")  # Info's Duration: given an id no reader knows, so it is skipped
    data[at:at + 2] = b"\x7f\x7f"
    path.write_bytes(bytes(data))
    assert cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT) <= 0
    counted = []
    real = VideoSource._count_by_reading
    monkeypatch.setattr(VideoSource, "_count_by_reading", lambda self: counted.append(1) or real(self))
    reads = []
    real_read = VideoSource.read
    monkeypatch.setattr(VideoSource, "read", lambda self, index: reads.append(index) or real_read(self, index))
    source = VideoSource(path)
    assert len(source) == FRAMES and not counted and reads == []  # no frame decoded at open
    assert source.note == ("recording.mkv: it records no duration, so its frames are found by reading from the "
                           "first one: going back in a long file is slow (a copy made with ffmpeg -c copy records one)")
    assert [_which(source.read(i)) for i in (FRAMES - 1, 7, 0, 8, 20, 19)] == [FRAMES - 1, 7, 0, 8, 20, 19]
    source.close()


def test_a_variable_rate_recording_without_a_duration_says_how_its_frames_are_found_once(tmp_path):
    """Its note said frames were found by reading from the first one and, after the variable rate,
    'frames are found by their own times': two ways, one of them not taken."""
    path = write_variable_rate_mkv(tmp_path / "browser.mkv")
    data = bytearray(path.read_bytes())
    at = data.index(b"\x44\x89")  # Info's Duration: given an id no reader knows
    data[at:at + 2] = b"\x7f\x7f"
    path.write_bytes(bytes(data))
    source = VideoSource(path)
    assert source.note.endswith("records one); variable frame rate (frames 33 to 100 ms apart, 15 fps on average)")
    assert source.frame_times() is not None
    assert [_which(source.read(i)) for i in (29, 3, 20)] == [29, 3, 20]
    source.close()
