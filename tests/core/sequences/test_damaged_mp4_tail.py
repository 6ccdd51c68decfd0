"""An MP4 / MOV whose last frames' data is damaged (a bad copy: the bytes of its last samples
overwritten, its sample table intact) opened with the table's count, as an AVI did before
a0f0de5: the user scrubbed to 'cannot decode frame 28 of 30' on each of them. Its last frame is
now tried at open (one seek) and, when it fails, the frames that decode end the stream, said in
one line, as an AVI's."""
from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.sequences.sources import open_source
from core.sequences.video_source import VideoSource


def _video(path: Path, count: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (64, 48))
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write mp4v")
    for i in range(count):
        writer.write(np.full((48, 64, 3), 20 + 7 * (i % 30), np.uint8))
    writer.release()
    return path


def _damage_last(path: Path, frames: int) -> None:
    """Overwrite the last ``frames`` samples (the end of ``mdat``, which OpenCV writes before
    ``moov``; their sizes from ``stsz``) with noise; the sample table stays."""
    data = bytearray(path.read_bytes())
    at = data.index(b"stsz") + 4
    count = int.from_bytes(data[at + 8:at + 12], "big")
    sizes = [int.from_bytes(data[at + 12 + 4 * k:at + 16 + 4 * k], "big") for k in range(count)]
    end = data.index(b"moov") - 4
    assert data.index(b"mdat") < end, "mdat before moov"
    span = sum(sizes[-frames:])
    noise = random.Random(0)
    data[end - span:end] = bytes(noise.randrange(256) for _ in range(span))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["flight.mp4", "flight.mov"])
def test_an_mp4_with_a_damaged_tail_opens_with_the_frames_that_decode(tmp_path, name):
    path = _video(tmp_path / name, 30)
    _damage_last(path, 3)
    assert int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT)) == 30  # the table still says 30
    source = open_source(path)
    assert len(source) == 27
    assert source.note == (f"{name}: its last 3 frames cannot be decoded (damaged data); the container "
                           "reports 30 frames, the first 27 are opened")
    assert round((float(source.read(26).mean()) - 20) / 7) == 26
    source.close()


def test_an_intact_mp4_reads_its_last_frame_once_at_open(tmp_path, monkeypatch):
    reads = []
    real = VideoSource.read
    monkeypatch.setattr(VideoSource, "read", lambda self, index: reads.append(index) or real(self, index))
    source = open_source(_video(tmp_path / "clip.mp4", 12))
    assert len(source) == 12 and source.note is None and reads == [11]
    source.close()
