"""A Matroska / WebM file's blocks count its frames (``core.sequences.mkv_times``), as an AVI's index
does. Its tail was checked as a container that only estimates its count: a damaged last frame or
three were said as 'the container reports 30 frames, 27 can be decoded' (no word of why), more as
'the file is cut short' of a file that is whole, and a file that is cut short was told only by its
last frames failing to decode (a live recording cut short: not at all). Now a file whose blocks run
to its end has damaged last frames said as an AVI's are, and a file cut short (its segment, a
cluster or a block runs past the end) is said cut short at once, its frames the whole blocks left."""
from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences.mkv_times import read_blocks
from core.sequences.sources import open_source
from core.sequences.video_source import VideoSource
from tests.core.sequences.ebml import elements

_SEGMENT, _CLUSTER, _SIMPLE_BLOCK = 0x18538067, 0x1F43B675, 0xA3


def _frame(i: int) -> np.ndarray:
    return np.full((48, 64, 3), 20 + 7 * (i % 30), np.uint8)


def _which(frame: np.ndarray) -> int:
    return int(round((float(frame.mean()) - 20) / 7))


def _mkv(path: Path, count: int, fourcc: str = "MJPG") -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 25, (64, 48))
    if not writer.isOpened():
        pytest.skip(f"this OpenCV cannot write {fourcc} in {path.suffix}")
    for i in range(count):
        writer.write(_frame(i))
    writer.release()
    return path


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """(payload start, size) of each SimpleBlock of the file (known sizes, as OpenCV writes them)."""
    _, header, size = next(elements(data, 0, len(data)))
    segment, start, size = next(elements(data, header + size, len(data)))
    assert segment == _SEGMENT
    blocks = []
    for ident, payload, length in elements(data, start, start + size):
        if ident == _CLUSTER:
            blocks += [(at, n) for inner, at, n in elements(data, payload, payload + length) if inner == _SIMPLE_BLOCK]
    return blocks


def _damage_last(path: Path, frames: int) -> None:
    """Overwrite the data of the last ``frames`` blocks (after their 4-byte header: track, time,
    flags) with noise; every size stays, so the file is whole."""
    data = bytearray(path.read_bytes())
    noise = random.Random(0)
    for start, size in _blocks(bytes(data))[-frames:]:
        data[start + 4:start + size] = bytes(noise.randrange(256) for _ in range(size - 4))
    path.write_bytes(bytes(data))


def _cut_in_block(path: Path, block: int) -> None:
    """Cut the file in the middle of block ``block`` (0-based): blocks 0..block-1 are left whole."""
    data = path.read_bytes()
    start, size = _blocks(data)[block]
    path.write_bytes(data[:start + size // 2])


@pytest.mark.parametrize("lost", [3, 10])
def test_damaged_last_frames_are_said_as_an_avi_s(tmp_path, lost):
    """3 lost: 'the container reports 30 frames, 27 can be decoded'; 10 lost: 'the file is cut
    short' of a whole file. Both now name damaged data, as an AVI's damaged tail is."""
    path = _mkv(tmp_path / "flight.mkv", 30)
    _damage_last(path, lost)
    source = open_source(path)
    assert len(source) == 30 - lost
    assert source.note == (f"flight.mkv: its last {lost} frames cannot be decoded (damaged data); the container "
                           f"reports 30 frames, the first {30 - lost} are opened")
    assert [_which(source.read(i)) for i in (29 - lost, 0, 12)] == [29 - lost, 0, 12]
    source.close()


def test_one_damaged_last_frame_is_said_in_the_singular(tmp_path):
    path = _mkv(tmp_path / "flight.mkv", 12)
    _damage_last(path, 1)
    source = open_source(path)
    assert len(source) == 11 and source.note.startswith("flight.mkv: its last frame cannot be decoded (damaged data)")
    source.close()


def test_a_damaged_webm_tail_is_found_too(tmp_path):
    path = _mkv(tmp_path / "browser.webm", 30, "VP80")
    _damage_last(path, 3)
    source = open_source(path)
    assert len(source) == 27 and "its last 3 frames cannot be decoded (damaged data)" in source.note
    source.close()


def test_a_whole_mkv_opens_with_one_read_and_no_note(tmp_path, monkeypatch):
    reads = []
    real = VideoSource.read
    monkeypatch.setattr(VideoSource, "read", lambda self, index: reads.append(index) or real(self, index))
    source = open_source(_mkv(tmp_path / "clip.mkv", 40))
    assert len(source) == 40 and source.note is None and reads == [39]
    source.close()


def test_open_reads_a_handful_of_frames_of_a_long_damaged_mkv(tmp_path, monkeypatch):
    path = _mkv(tmp_path / "long.mkv", 400)
    _damage_last(path, 5)
    reads = []
    real = VideoSource.read
    monkeypatch.setattr(VideoSource, "read", lambda self, index: reads.append(index) or real(self, index))
    source = open_source(path)
    assert len(source) == 395 and len(reads) <= 8, reads  # the last, a few before it, a bisection between
    source.close()


def test_an_mkv_none_of_whose_frames_decode_is_refused_in_one_line(tmp_path):
    path = _mkv(tmp_path / "noise.mkv", 6)
    _damage_last(path, 6)
    with pytest.raises(SequenceError, match="none of its 6 frames can be decoded"):
        open_source(path)


def test_a_cut_short_mkv_is_said_cut_short_from_its_blocks_without_a_search(tmp_path, monkeypatch):
    """Its whole blocks are its frames: the last of them is tried (one read), not 5 from the
    duration's estimate and a bisection; the note says the file is cut short and what it held."""
    path = _mkv(tmp_path / "copy.mkv", 200)
    _cut_in_block(path, 150)
    blocks = read_blocks(path)
    assert blocks is not None and blocks.cut_short and blocks.times.size == 150
    reads = []
    real = VideoSource.read
    monkeypatch.setattr(VideoSource, "read", lambda self, index: reads.append(index) or real(self, index))
    source = open_source(path)
    assert len(source) == 150 and reads == [149]
    assert source.note == ("copy.mkv: the file is cut short; the container reports 200 frames, "
                           "the first 150 can be decoded")
    assert [_which(source.read(i)) for i in (149, 3)] == [149 % 30, 3]
    source.close()


def test_a_cut_short_live_recording_is_said_cut_short(tmp_path):
    """A browser's or a live encoder's recording writes its segment and clusters with an unknown size
    and no duration: cut short, its whole blocks decoded and it opened without a word."""
    path = _mkv(tmp_path / "live.mkv", 30)
    data = bytearray(path.read_bytes())
    for ident in (b"\x18\x53\x80\x67", b"\x1f\x43\xb6\x75"):  # Segment, Cluster: their size fields all ones
        at = data.index(ident) + 4
        length = 9 - data[at].bit_length()
        data[at:at + length] = bytes([(0xFF >> (length - 1)) | (0x80 >> (length - 1))] + [0xFF] * (length - 1))
    start, size = _blocks(path.read_bytes())[20]  # the size fields kept their lengths: the same places
    path.write_bytes(bytes(data[:start + size // 2]))
    source = open_source(path)
    assert len(source) == 20 and source.note is not None and "the file is cut short" in source.note
    assert _which(source.read(19)) == 19
    source.close()


def test_a_whole_mkv_s_blocks_are_not_cut_short(tmp_path):
    blocks = read_blocks(_mkv(tmp_path / "clip.mkv", 12))
    assert blocks is not None and not blocks.cut_short and blocks.times.size == 12
