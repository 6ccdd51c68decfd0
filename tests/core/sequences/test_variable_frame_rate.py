"""A phone's MP4 at variable frame rate (1/30 s between frames, then 1/10 s in the dark): OpenCV
numbers and seeks frames by time at the average rate, so a seek to frame 20 of such a clip showed
another frame, and the last frames could not be found at all ('cannot decode frame 30 of 30')."""
from __future__ import annotations

import random
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.sequences.mp4_times import frame_times
from core.sequences.video_source import VideoSource

FRAMES, FAST, SLOW = 30, 15, 3  # 15 frames 1/30 s apart, then 15 frames 3/30 s apart


def _frame(i: int) -> np.ndarray:
    """(48, 64, 3) BGR, every pixel 20 + 7 i: frame i is told by its mean."""
    return np.full((48, 64, 3), 20 + 7 * i, np.uint8)


def _boxes(data: bytearray, start: int, end: int):
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position:position + 8])
        yield position, size, kind
        position += size


def _find(data: bytearray, start: int, end: int, path: list[bytes]) -> list[int]:
    """Offsets of the boxes along ``path`` (each the first of its kind)."""
    for position, size, kind in _boxes(data, start, end):
        if kind == path[0]:
            rest = [] if len(path) == 1 else _find(data, position + 8, position + size, path[1:])
            return [position, *rest]
    raise AssertionError(f"no {path[0]!r} box")


def _write_steady_mp4(file: Path) -> None:
    """``file``: an MP4 (mp4v) of :func:`_frame` 0..29 at a constant 30 fps; the test is skipped
    where this OpenCV cannot write one."""
    writer = cv2.VideoWriter(str(file), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write mp4v MP4 files")
    for i in range(FRAMES):
        writer.write(_frame(i))
    writer.release()


def write_variable_rate_mp4(file: Path) -> Path:
    """An MP4 (mp4v, as OpenCV writes it: ``moov`` after ``mdat``) of :func:`_frame` 0..29 whose
    ``stts`` gives the first 15 frames 1/30 s each and the rest 3/30 s (durations and edit list
    stretched to match): a variable-frame-rate file, as phones record."""
    _write_steady_mp4(file)
    data = bytearray(file.read_bytes())
    moov, trak, mdia, minf, stbl, stts = _find(data, 0, len(data), [b"moov", b"trak", b"mdia", b"minf", b"stbl",
                                                                   b"stts"])
    assert moov > _find(data, 0, len(data), [b"mdat"])[0]  # growing moov moves no frame
    size = struct.unpack(">I", data[stts:stts + 4])[0]
    entries, count, delta = struct.unpack(">III", data[stts + 12:stts + 24])
    assert (entries, count) == (1, FRAMES)
    body = struct.pack(">IIIIII", 0, 2, FAST, delta, FRAMES - FAST, delta * SLOW)
    new = struct.pack(">I4s", 8 + len(body), b"stts") + body
    grow = len(new) - size
    factor = (FAST + (FRAMES - FAST) * SLOW) / FRAMES
    for parent in (moov, trak, mdia, minf, stbl):
        data[parent:parent + 4] = struct.pack(">I", struct.unpack(">I", data[parent:parent + 4])[0] + grow)
    data[stts:stts + size] = new
    trak_end = trak + struct.unpack(">I", data[trak:trak + 4])[0]
    durations = [(moov, b"mvhd", 24), (trak, b"tkhd", 28), (mdia, b"mdhd", 24)]
    durations += [(position, b"elst", 16) for position, _, kind in _boxes(data, trak + 8, trak_end) if kind == b"edts"]
    for box, kind, offset in durations:
        box_end = box + struct.unpack(">I", data[box:box + 4])[0]
        for position, _, inner in _boxes(data, box + 8, box_end):
            if inner == kind:
                old = struct.unpack(">I", data[position + offset:position + offset + 4])[0]
                data[position + offset:position + offset + 4] = struct.pack(">I", round(old * factor))
    file.write_bytes(bytes(data))
    return file


def _which(frame: np.ndarray) -> int:
    return int(round((float(frame.mean()) - 20) / 7))


def test_frame_times_of_a_variable_rate_mp4(tmp_path):
    times = frame_times(write_variable_rate_mp4(tmp_path / "phone.mp4"))
    expected = np.concatenate([np.arange(FAST) / 30, FAST / 30 + np.arange(FRAMES - FAST) * SLOW / 30])
    assert times is not None and np.allclose(times, expected, atol=1e-3)


def test_every_frame_of_a_variable_rate_mp4_is_found_in_any_order(tmp_path):
    source = VideoSource(write_variable_rate_mp4(tmp_path / "phone.mp4"))
    assert len(source) == FRAMES and "variable frame rate" in (source.note or "")
    in_order = [_which(source.read(i)) for i in range(FRAMES)]
    assert in_order == list(range(FRAMES))  # read one after another, as decoded
    source.close()
    order = list(range(FRAMES))
    random.Random(3).shuffle(order)
    found = {i: _which(source.read(i)) for i in [FRAMES - 1, 20, 0, *order]}
    assert found == {i: i for i in range(FRAMES)}


def test_a_constant_rate_mp4_is_read_as_before(tmp_path):
    file = tmp_path / "steady.mp4"
    _write_steady_mp4(file)
    source = VideoSource(file)
    assert source.note is None
    assert [_which(source.read(i)) for i in (25, 3, 29)] == [25, 3, 29]


def test_a_variable_rate_visible_video_pairs_each_frame_with_the_thermal_frame_at_its_time(tmp_path, kit):
    """Beside a 10 fps thermal camera the phone's frames were paired at its average rate (15 fps):
    its 16th frame, shown at 0.5 s, got the thermal frame of 0.7 s."""
    from core.sequences import open_pair

    visible = write_variable_rate_mp4(tmp_path / "visible.mp4")
    thermal = kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(20)], fps=10.0)
    seq = open_pair(visible, thermal)
    shown = np.concatenate([np.arange(FAST) / 30, FAST / 30 + np.arange(FRAMES - FAST) * SLOW / 30])
    expected = np.floor(shown * 10 + 0.5).astype(int)  # the thermal frame shown then
    assert len(seq) == FRAMES
    assert [(int(seq[i].thermal[0, 0]) - 1) // 5 for i in range(FRAMES)] == expected.tolist()
    seq.frame_offset = -2  # thermal frame = the one at the visible frame's time - 2
    assert seq.first_visible_frame(-2) == 5 and int(seq[0].thermal[0, 0]) == 1  # 5/30 s: thermal frame 2


def test_thermal_boxes_of_a_pair_paired_by_time_follow_the_frame_offset(tmp_path, kit):
    """Two videos at 30 and 10 fps with thermal boxes (``groundtruth_thermal.txt``, a row per visible
    frame, as ``synth --layout video`` writes them): at frame offset +1 every visible frame shows the
    next thermal frame, but kept the thermal box of its own row, drawn on the thermal frame before."""
    from core.sequences import open_sequence

    kit.write_video(tmp_path / "visible.avi", [kit.visible_frame(i) for i in range(30)], fps=30.0)
    kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(10)], fps=10.0)
    (tmp_path / "groundtruth.txt").write_text("".join(f"{v},1,4,4\n" for v in range(30)))
    (tmp_path / "groundtruth_thermal.txt").write_text("".join(f"{100 + v},1,4,4\n" for v in range(30)))
    seq = open_sequence(tmp_path)
    assert seq.ground_truth()[7].thermal_box[0] == 107  # offset 0: each row's own thermal box
    seq.frame_offset = 1
    # visible 7 shows thermal frame round(7 / 3) + 1 = 3, whose box is the row of visible 8 (the first paired with it)
    assert int(seq[7].thermal[0, 0]) == 16 and seq.ground_truth()[7].thermal_box[0] == 108
    seq.frame_offset = -1  # visible frames 0 and 1 lose their partners: sequence frame 0 is visible frame 2
    assert seq.first_visible_frame(-1) == 2 and seq.ground_truth()[4].thermal_box[0] == 102  # visible 6: thermal 1


def test_a_variable_rate_video_beside_a_frame_folder_pairs_by_position(tmp_path, kit):
    """A frame folder keeps no rate (30 fps was only its default): its frames pair with the
    video's by position, as beside a constant-rate video."""
    from core.sequences import open_pair

    visible = write_variable_rate_mp4(tmp_path / "visible.mp4")
    thermal = kit.write_folder(tmp_path / "thermal", [kit.thermal_frame(i) for i in range(FRAMES)])
    seq = open_pair(visible, thermal)
    assert len(seq) == FRAMES and [(int(seq[i].thermal[0, 0]) - 1) // 5 for i in (0, 20, 29)] == [0, 20, 29]


def test_the_notes_of_a_variable_rate_pair_give_no_rate_formula(tmp_path, kit):
    """Its notes said 'thermal frame = visible frame x 0.6667, rounded', the average rates' formula,
    which is not how its frames pair."""
    from core.sequences import open_pair

    visible = write_variable_rate_mp4(tmp_path / "visible.mp4")
    thermal = kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(20)], fps=10.0)
    seq = open_pair(visible, thermal, frame_offset=1)
    rates = [n for n in seq.info.notes if n.startswith("frame rates differ")]
    assert len(rates) == 1 and "on average" in rates[0] and " x " not in rates[0], seq.info.notes
    assert any("thermal frame = the one shown at the visible frame's time +1" in n for n in seq.info.notes), seq.info.notes
