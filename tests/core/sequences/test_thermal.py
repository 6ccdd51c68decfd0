"""Thermal channel reduction and the 16-bit -> 8-bit rule."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.sequences import open_pair
from core.sequences.thermal import ThermalMapping, sample_indices, to_single_channel


def test_sample_indices_even_and_bounded():
    assert sample_indices(5) == [0, 1, 2, 3, 4]
    picks = sample_indices(1000)
    assert len(picks) == 16 and picks[0] == 0 and picks[-1] == 999
    assert sample_indices(0) == []


def test_equal_channels_reduce_to_first():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = to_single_channel(np.dstack([gray, gray, gray]))
    assert out.shape == (3, 4) and np.array_equal(out, gray)


def test_unequal_channels_reduce_to_luminance():
    bgr = np.zeros((2, 2, 3), np.uint8)
    bgr[..., 2] = 255  # pure red
    out = to_single_channel(bgr)
    assert out.shape == (2, 2) and int(out[0, 0]) == 76  # 0.299 * 255


def test_alpha_dropped_and_single_channel_squeezed():
    img = np.full((2, 3, 4), 9, np.uint8)
    assert to_single_channel(img).shape == (2, 3)
    assert to_single_channel(np.zeros((2, 3, 1), np.uint16)).dtype == np.uint16


def test_mapping_percentiles_and_clip():
    raw = np.arange(0, 10001, dtype=np.uint16).reshape(1, -1)
    mapping = ThermalMapping.fit([raw])
    assert mapping.low == pytest.approx(100, abs=4) and mapping.high == pytest.approx(9900, abs=4)
    out = mapping.apply(np.array([[0, 100, 5000, 9900, 10000]], np.uint16))
    assert out.dtype == np.uint8
    assert out.tolist() == [[0, 0, 128, 255, 255]]


def test_flat_frames_do_not_divide_by_zero():
    mapping = ThermalMapping.fit([np.full((4, 4), 3000, np.uint16)])
    assert mapping.high > mapping.low
    assert mapping.apply(np.full((2, 2), 3000, np.uint16)).tolist() == [[0, 0], [0, 0]]


def _write_16bit_pair(tmp_path, kit, ext=".png", n=20):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(n)])
    th = tmp_path / "th"
    th.mkdir()
    rng = np.random.default_rng(0)
    for i in range(n):
        frame = (rng.integers(20000, 30000, size=(24, 32)) + 100 * i).astype(np.uint16)
        assert cv2.imwrite(str(th / f"{i:04d}{ext}"), frame)
    return vis, th


@pytest.mark.parametrize("ext", [".png", ".tif"])
def test_16bit_thermal_is_mapped_deterministically_and_raw_kept(tmp_path, kit, ext):
    vis, th = _write_16bit_pair(tmp_path, kit, ext)
    first = open_pair(vis, th)
    second = open_pair(vis, th, cache_frames=0)
    pair = first[7]
    assert pair.thermal.dtype == np.uint8 and pair.thermal.shape == (24, 32)
    assert pair.thermal_raw is not None and pair.thermal_raw.dtype == np.uint16
    stored = cv2.imread(str(sorted(th.iterdir())[7]), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(pair.thermal_raw, stored)
    assert np.array_equal(pair.thermal, second[7].thermal)
    assert pair.thermal.min() < 30 and pair.thermal.max() > 225  # uses the 8-bit range
    assert any("16-bit" in note for note in first.info.notes)


def test_8bit_thermal_has_no_raw(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(3)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(3)])
    pair = open_pair(vis, th)[1]
    assert pair.thermal_raw is None and int(pair.thermal[0, 0]) == 6


def test_three_channel_thermal_folder(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(3)])
    th = kit.write_folder(tmp_path / "th", [cv2.cvtColor(kit.thermal_frame(i), cv2.COLOR_GRAY2BGR)
                                            for i in range(3)])
    pair = open_pair(vis, th)[2]
    assert pair.thermal.shape == (24, 32) and int(pair.thermal[0, 0]) == 11


def test_a_thermal_stream_in_false_colour_is_noted(tmp_path, kit):
    """A thermal video saved with the camera's jet palette became its luminance without a word;
    jet's luminance peaks in the middle of the scale, so the hottest parts (red) came out darker
    than warm ones (yellow). The sequence says what it did and when that keeps the order."""
    ramp = np.tile(np.linspace(0, 255, 32).astype(np.uint8), (24, 1))
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(3)])
    jet = kit.write_folder(tmp_path / "jet", [cv2.applyColorMap(ramp, cv2.COLORMAP_JET)] * 3)
    notes = open_pair(vis, jet).info.notes
    assert any("false colour" in n and str(jet.name) in n and "luminance" in n for n in notes), notes
    grey = kit.write_folder(tmp_path / "grey", [cv2.cvtColor(ramp, cv2.COLOR_GRAY2BGR)] * 3)
    assert not any("false colour" in n for n in open_pair(vis, grey).info.notes)


def test_a_16bit_thermal_video_keeps_its_16_bits(tmp_path, kit):
    """A radiometric thermal video stored as 16-bit grey (FFV1 gray16le in .mkv) was read through
    FFmpeg's BGR conversion, which keeps the high byte: raw 7000..8020 came out as 27..31, a
    nearly flat frame, without a word. It is read as 16-bit now and mapped to 8-bit by the
    percentile rule, as a 16-bit PNG folder is."""
    thermal = tmp_path / "infrared.mkv"
    writer = cv2.VideoWriter(str(thermal), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*"FFV1"), 25, (32, 24),
                             [cv2.VIDEOWRITER_PROP_DEPTH, cv2.CV_16U, cv2.VIDEOWRITER_PROP_IS_COLOR, 0])
    if not writer.isOpened():
        pytest.skip("this OpenCV build cannot write 16-bit FFV1")
    ramp = np.tile(np.linspace(7000, 8020, 32).astype(np.uint16), (24, 1))
    for i in range(4):
        writer.write(ramp + 10 * i)
    writer.release()
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(4)])
    pair = open_pair(vis, thermal)[2]
    assert pair.thermal_raw is not None and pair.thermal_raw.dtype == np.uint16
    assert int(pair.thermal_raw[0, 0]) == 7020 and int(pair.thermal_raw[0, -1]) == 8040
    assert int(pair.thermal.max()) - int(pair.thermal.min()) > 200  # the whole 8-bit range, not 27..31


def test_a_multi_page_tiff_is_a_stream_of_frames(tmp_path, kit):
    """A thermal camera's recording exported as one multi-page TIFF (a page per frame, 16-bit)
    was refused as 'one image, not a stream of frames; give its folder', and its folder then
    opened without it. It is a stream now, one frame per page; a one-page TIFF is still one image."""
    from core.errors import SequenceError

    pages = [np.full((24, 32), 10000 + 100 * i, np.uint16) for i in range(5)]
    pages[3][0, 0] = 20000
    stack = tmp_path / "thermal.tiff"
    assert cv2.imwritemulti(str(stack), pages)
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(5)])
    sequence = open_pair(vis, stack)
    assert len(sequence) == 5 and sequence.info.thermal_source == stack
    assert int(sequence[3].thermal_raw[0, 0]) == 20000 and int(sequence[4].thermal_raw[1, 1]) == 10400
    assert int(sequence[1].thermal_raw[1, 1]) == 10100  # back again
    from core.sequences import open_sequence

    beside = tmp_path / "scene"
    beside.mkdir()
    kit.write_video(beside / "visible.avi", [kit.visible_frame(i) for i in range(5)])
    stack.rename(beside / "thermal.tiff")  # the folder of the pair opens as the pair
    folder = open_sequence(beside)
    assert folder.info.layout == "video-pair" and folder.info.thermal_source == beside / "thermal.tiff"
    assert int(folder[3].thermal_raw[0, 0]) == 20000
    single = tmp_path / "one.tiff"
    assert cv2.imwrite(str(single), pages[0])
    with pytest.raises(SequenceError, match="one image"):
        open_pair(vis, single)


def test_a_mapping_reads_back_from_the_note_that_describes_it():
    """What a viewer tells of 16-bit footage's 8-bit frames from the sequence's notes (the studio's
    thermal title said 'levels 0-255' there): the mapping, to describe()'s 6 significant digits."""
    mapping = ThermalMapping(2840.5, 31200.0)
    assert ThermalMapping.from_notes(["thermal 320x256 resampled onto the visible grid", mapping.describe()]) == mapping
    assert ThermalMapping.from_notes(["thermal-only sequence: the visible stream is the thermal frame"]) is None
    assert ThermalMapping.from_notes([mapping.describe().replace("2840.5", "x")]) is None
