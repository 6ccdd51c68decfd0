"""Every failure is a SequenceError naming the file (and the frame when one is involved)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences import detect_layout, open_pair, open_sequence


def test_missing_paths(tmp_path, kit):
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(0)])
    missing = tmp_path / "nope"
    with pytest.raises(SequenceError) as info:
        open_pair(missing, th)
    assert str(missing) in str(info.value) and "does not exist" in str(info.value)
    with pytest.raises(SequenceError, match="does not exist") as info:
        open_sequence(missing)
    assert info.value.path == missing


def test_empty_folder(tmp_path, kit):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(0)])
    with pytest.raises(SequenceError, match="no images") as info:
        open_pair(empty, th)
    assert info.value.path == empty


def test_corrupt_image_names_file_and_frame(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(4)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(4)])
    bad = th / "00003.png"
    bad.write_bytes(b"not a png at all")
    seq = open_pair(vis, th)
    seq[0]
    with pytest.raises(SequenceError) as info:
        seq[2]
    assert info.value.path == bad and "frame 2" in str(info.value) and str(bad) in str(info.value)


def test_corrupt_first_image_fails_at_open(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(2)])
    (vis / "00001.png").write_bytes(b"")
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(2)])
    with pytest.raises(SequenceError, match="frame 0") as info:
        open_pair(vis, th)
    assert info.value.path == vis / "00001.png"


def test_not_a_video(tmp_path, kit):
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(np.random.default_rng(1).bytes(4096))
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError) as info:
        open_pair(fake, th)
    assert info.value.path == fake and str(fake) in str(info.value)


def test_zero_byte_video(tmp_path, kit):
    empty = tmp_path / "empty.avi"
    empty.write_bytes(b"")
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError) as info:
        open_pair(th, empty)
    assert info.value.path == empty


def test_truncated_video_names_file_and_frame(tmp_path, kit):
    full = kit.write_video(tmp_path / "full.avi", [kit.visible_frame(i) for i in range(40)])
    data = full.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: int(len(data) * 0.8)])  # header says 40 frames, the tail is gone
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(40)])
    seq = open_pair(cut, th)
    assert len(seq) == 40
    with pytest.raises(SequenceError) as info:
        for i in range(len(seq)):
            seq[i]
    assert info.value.path == cut and "cannot decode frame" in str(info.value)


def test_video_with_zero_frames(tmp_path, kit):
    empty = tmp_path / "none.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"FFV1"), 25, (32, 24))
    writer.release()
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError, match="zero frames") as info:
        open_pair(th, empty)
    assert info.value.path == empty


def test_unknown_layout_lists_expectations(tmp_path):
    folder = tmp_path / "weird"
    (folder / "left").mkdir(parents=True)
    (folder / "readme.txt").write_text("x")
    with pytest.raises(SequenceError) as info:
        detect_layout(folder)
    message = str(info.value)
    assert str(folder) in message and "GTOT" in message and "visible/ + infrared/" in message
    assert "left/" in message


def test_empty_sequence_folder(tmp_path):
    folder = tmp_path / "blank"
    folder.mkdir()
    with pytest.raises(SequenceError, match="empty folder"):
        open_sequence(folder)


def test_layout_with_empty_stream_folder(tmp_path, kit):
    kit.write_folder(tmp_path / "s" / "v", [kit.visible_frame(0)])
    (tmp_path / "s" / "i").mkdir()
    with pytest.raises(SequenceError, match="no images") as info:
        open_sequence(tmp_path / "s")
    assert info.value.path == tmp_path / "s" / "i"


def test_mixed_thermal_bit_depth_names_file(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(3)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(3)])
    bad = th / "00003.png"
    cv2.imwrite(str(bad), np.full((24, 32), 40000, np.uint16))
    seq = open_pair(vis, th)
    with pytest.raises(SequenceError, match="mixed bit depths") as info:
        seq[2]
    assert info.value.path == bad


def test_overestimated_frame_count_is_shortened(tmp_path, kit):
    from core.sequences.sources import VideoSource

    file = kit.write_video(tmp_path / "v.avi", [kit.visible_frame(i) for i in range(10)])
    source = VideoSource(file)
    assert len(source) == 10 and source.note is None
    source._count = 13  # what a container that estimates duration x fps may claim
    source._check_tail()
    assert len(source) == 10 and "reports 13 frames, 10 can be decoded" in source.note
