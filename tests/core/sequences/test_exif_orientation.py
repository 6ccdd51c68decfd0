"""JPEG frames a phone or camera stores sideways with an EXIF orientation tag (the picture is
shown upright by every viewer): an image folder of them opened sideways, 240x320 for footage
shot 320x240, and boxes drawn on it matched nothing any other tool shows."""
from __future__ import annotations

import struct

import cv2
import numpy as np

from core.sequences import open_sequence
from core.sequences.image_sources import FolderSource


def exif_jpeg(upright: np.ndarray, orientation: int = 6) -> bytes:
    """A JPEG of ``upright`` (H, W, 3) BGR stored as a camera stores it for ``orientation`` 6 (turned
    a quarter anticlockwise, 'rotate 90 clockwise to show'), with that EXIF orientation tag."""
    stored = cv2.rotate(upright, cv2.ROTATE_90_COUNTERCLOCKWISE) if orientation == 6 else upright
    ok, encoded = cv2.imencode(".jpg", stored, [cv2.IMWRITE_JPEG_QUALITY, 98])
    assert ok
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    data = encoded.tobytes()
    return data[:2] + app1 + data[2:]


def upright_frame(i: int) -> np.ndarray:
    """(24, 32, 3) BGR: a red block at the left, its top row a value that names the frame."""
    frame = np.full((24, 32, 3), (40, 80, 120), np.uint8)
    frame[4:12, 2 + i:10 + i] = (0, 0, 255)
    return frame


def test_an_exif_rotated_jpeg_folder_opens_upright(tmp_path):
    folder = tmp_path / "phone"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i:05d}.jpg").write_bytes(exif_jpeg(upright_frame(i)))
    (folder / "SOURCE.txt").write_text("modality: visible\n")
    seq = open_sequence(folder)
    assert (seq.info.width, seq.info.height) == (32, 24)
    frame = seq[2].visible  # RGB
    assert frame.shape == (24, 32, 3)
    red = frame[:, :, 0].astype(int) - frame[:, :, 2].astype(int)
    ys, xs = np.nonzero(red > 100)  # the block at rows 4-11, columns 4-11, give or take JPEG's blur
    assert abs(ys.mean() - 7.5) < 1 and abs(xs.mean() - 7.5) < 1


def test_a_jpeg_without_orientation_and_a_16_bit_png_read_as_stored(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    cv2.imwrite(str(folder / "00001.jpg"), cv2.cvtColor(upright_frame(0), cv2.COLOR_BGR2GRAY))
    cv2.imwrite(str(folder / "00002.png"), np.full((24, 32), 7000, np.uint16))
    source = FolderSource(folder)
    assert source.read(0).shape == (24, 32)
    second = source.read(1)
    assert second.dtype == np.uint16 and int(second[0, 0]) == 7000
