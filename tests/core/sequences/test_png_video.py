"""A 16-bit grey video coded as PNG frames (AVI or MOV, ``MPNG`` / ``png ``: how some radiometric
cameras and tools export): OpenCV read its frames as their high byte, 7000..7400 as 27..28, a flat
thermal picture without a word, and could not hand the 16 bits over. Frames are now decoded from
their PNG packets."""
from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from core.sequences import open_sequence
from core.sequences.video_source import VideoSource


def write_png_video(file, values, *, depth=cv2.CV_16U) -> None:
    """Frames of 64x48 grey, frame i all ``values[i]``, coded as PNG (``MPNG``) at 10 fps."""
    writer = cv2.VideoWriter(str(file), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*"MPNG"), 10, (64, 48),
                             [cv2.VIDEOWRITER_PROP_DEPTH, depth, cv2.VIDEOWRITER_PROP_IS_COLOR, 0])
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write PNG-coded video")
    dtype = np.uint16 if depth == cv2.CV_16U else np.uint8
    for value in values:
        writer.write(np.full((48, 64), value, dtype))
    writer.release()


@pytest.mark.parametrize("suffix", [".avi", ".mov"])
def test_a_16_bit_png_video_reads_its_16_bits_in_any_order(tmp_path, suffix):
    values = [7000 + 100 * i for i in range(12)]
    write_png_video(tmp_path / f"thermal{suffix}", values)
    source = VideoSource(tmp_path / f"thermal{suffix}")
    assert len(source) == 12
    order = list(range(12))
    random.Random(5).shuffle(order)
    for i in [3, 1, 0, 1, 11, *order]:
        frame = source.read(i)
        assert frame.dtype == np.uint16 and frame.shape == (48, 64) and int(frame[5, 5]) == values[i], i


def test_a_sequence_with_a_16_bit_png_thermal_video_maps_its_raw_values(tmp_path, kit):
    kit.write_video(tmp_path / "visible.avi", [kit.visible_frame(i, size=(64, 48)) for i in range(6)], fps=10.0)
    write_png_video(tmp_path / "thermal.avi", [7000, 7100, 7200, 9000, 7300, 7400])
    seq = open_sequence(tmp_path)
    assert int(seq[3].thermal_raw[0, 0]) == 9000 and int(seq[1].thermal_raw[0, 0]) == 7100
    assert any("16-bit" in note for note in seq.info.notes), seq.info.notes


def test_an_8_bit_png_video_is_read_as_before(tmp_path):
    write_png_video(tmp_path / "grey.avi", [10, 20, 30], depth=cv2.CV_8U)
    source = VideoSource(tmp_path / "grey.avi")
    assert [int(source.read(i)[0, 0, 0]) for i in (2, 0, 1)] == [30, 10, 20]


def test_a_16_bit_png_video_with_a_rotation_tag_is_turned_as_other_videos_are(tmp_path):
    """Its PNG packets are not turned by OpenCV as decoded frames are (a phone's rotation tag)."""
    import struct

    file = tmp_path / "thermal.mov"
    writer = cv2.VideoWriter(str(file), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*"png "), 10, (64, 48),
                             [cv2.VIDEOWRITER_PROP_DEPTH, cv2.CV_16U, cv2.VIDEOWRITER_PROP_IS_COLOR, 0])
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write PNG-coded video")
    frame = np.full((48, 64), 7000, np.uint16)
    frame[:10, :20] = 9000  # a hot top-left corner
    for _ in range(3):
        writer.write(frame)
    writer.release()
    data = bytearray(file.read_bytes())
    tkhd = data.find(b"tkhd")
    matrix = tkhd + 4 + 4 + (20 if data[tkhd + 4] == 0 else 32) + 16
    data[matrix:matrix + 36] = struct.pack(">9I", 0, 0x10000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000)  # 90 degrees
    file.write_bytes(bytes(data))
    if int(cv2.VideoCapture(str(file)).get(cv2.CAP_PROP_ORIENTATION_META)) != 90:
        pytest.skip("this OpenCV does not read the rotation tag")
    turned = VideoSource(file).read(1)
    assert turned.shape == (64, 48) and turned.dtype == np.uint16
    assert np.array_equal(turned, cv2.rotate(frame, cv2.ROTATE_90_CLOCKWISE))
