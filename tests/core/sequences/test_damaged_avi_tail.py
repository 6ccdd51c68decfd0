"""An AVI whose last frames' data is damaged (a recording that stopped badly, a bad copy) keeps its
index's frame count: it opened with all of them and the user scrubbed to frames that could not be
decoded ('cannot decode frame 30 of 30'). Its last frame is now tried at open (one seek) and, when it
fails, the last frame that decodes is found by bisection: the stream ends there and one line says so.
Open reads a handful of frames, not the video."""
from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences.sources import open_source
from core.sequences.video_source import VideoSource


def _avi(path: Path, count: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    for i in range(count):
        frame = np.full((48, 64, 3), (i * 7) % 255, np.uint8)
        cv2.putText(frame, str(i), (4, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
        writer.write(frame)
    writer.release()
    return path


def _damage_last(path: Path, frames: int) -> None:
    """Overwrite the data of the last ``frames`` frames (their ``00dc`` chunks in ``movi``, before
    the ``idx1`` index) with noise; the index and the chunk sizes stay."""
    data = bytearray(path.read_bytes())
    end = data.index(b"idx1")
    chunks = [i for i in range(data.index(b"movi"), end) if data[i:i + 4] == b"00dc"]
    noise = random.Random(0)
    for start in chunks[-frames:]:
        size = int.from_bytes(data[start + 4:start + 8], "little")
        data[start + 8:start + 8 + size] = bytes(noise.randrange(256) for _ in range(size))
    path.write_bytes(bytes(data))


def test_an_avi_with_a_damaged_tail_opens_with_the_frames_that_decode(tmp_path):
    path = _avi(tmp_path / "flight.avi", 30)
    _damage_last(path, 3)
    assert int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT)) == 30  # the index still says 30
    source = open_source(path)
    assert len(source) == 27
    assert source.note == ("flight.avi: its last 3 frames cannot be decoded (damaged data); the container "
                           "reports 30 frames, the first 27 are opened")
    assert source.read(26).shape == (48, 64, 3) and source.read(0).shape == (48, 64, 3)
    source.close()


def test_an_intact_avi_keeps_its_count_without_a_note(tmp_path):
    source = open_source(_avi(tmp_path / "clip.avi", 12))
    assert len(source) == 12 and source.note is None
    source.close()


def test_open_reads_a_handful_of_frames_of_a_long_damaged_avi(tmp_path, monkeypatch):
    path = _avi(tmp_path / "long.avi", 400)
    _damage_last(path, 5)
    reads = []
    real = VideoSource.read
    monkeypatch.setattr(VideoSource, "read", lambda self, index: reads.append(index) or real(self, index))
    source = open_source(path)
    assert len(source) == 395 and len(reads) <= 12, reads  # the last, the first, a bisection of 400
    source.close()


def test_an_avi_none_of_whose_frames_decode_is_refused_in_one_line(tmp_path):
    path = _avi(tmp_path / "noise.avi", 6)
    _damage_last(path, 6)
    with pytest.raises(SequenceError, match="none of its 6 frames can be decoded"):
        open_source(path)
