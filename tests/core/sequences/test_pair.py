"""open_pair over videos and folders: frames, mismatches, offset, cache, errors."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences import FramePair, open_pair


def _video_pair(tmp_path, kit, n_vis=12, n_th=12):
    vis = kit.write_video(tmp_path / "visible.avi", [kit.visible_frame(i) for i in range(n_vis)])
    th = kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(n_th)])
    return vis, th


def _folder_pair(tmp_path, kit, n_vis=12, n_th=12, th_size=(32, 24)):
    vis = kit.write_folder(tmp_path / "visible", [kit.visible_frame(i) for i in range(n_vis)])
    th = kit.write_folder(tmp_path / "thermal", [kit.thermal_frame(i, th_size) for i in range(n_th)])
    return vis, th


def _ids(pair: FramePair) -> tuple[int, int]:
    """(visible frame id, thermal frame id) from the values the helpers wrote."""
    return int(pair.visible[0, 0, 2]) // 10, (int(pair.thermal[0, 0]) - 1) // 5


@pytest.mark.parametrize("make", [_video_pair, _folder_pair])
def test_frames_rgb_and_random_access(tmp_path, kit, make):
    seq = open_pair(*make(tmp_path, kit))
    assert len(seq) == 12 and seq.info.num_frames == 12
    assert (seq.info.width, seq.info.height) == (32, 24)
    pair = seq[0]
    assert pair.visible.shape == (24, 32, 3) and pair.visible.dtype == np.uint8
    assert pair.thermal.shape == (24, 32) and pair.thermal.dtype == np.uint8
    assert pair.visible[0, 0].tolist() == [200, 7, 0]  # RGB: red first
    for i in [11, 3, 4, 5, 0, 9, 2, 10, 10, 1]:  # backwards, forwards, small and large jumps
        assert _ids(seq[i]) == (i, i), i
    assert seq[-1].index == 11
    assert [p.index for p in seq] == list(range(12))
    with pytest.raises(IndexError):
        seq[12]


def test_video_fps_and_layout_names(tmp_path, kit):
    seq = open_pair(*_video_pair(tmp_path, kit))
    assert seq.info.layout == "video-pair" and seq.info.fps == pytest.approx(25.0)
    assert seq.info.name == tmp_path.name  # visible.avi + thermal.avi: the folder names the pair
    folder = open_pair(*_folder_pair(tmp_path, kit))
    assert folder.info.layout == "folder-pair" and folder.info.name == tmp_path.name
    walk = kit.write_video(tmp_path / "walk_day.avi", [kit.visible_frame(i) for i in range(3)])
    assert open_pair(walk, seq.info.thermal_source).info.name == "walk_day"


@pytest.mark.parametrize("make", [_video_pair, _folder_pair])
def test_mismatched_counts_use_common_length(tmp_path, kit, make):
    seq = open_pair(*make(tmp_path, kit, n_vis=12, n_th=9))
    assert len(seq) == 9
    note = " ".join(seq.info.notes)
    assert "visible 12" in note and "thermal 9" in note
    assert _ids(seq[8]) == (8, 8)


def test_mismatched_sizes_resample_thermal(tmp_path, kit):
    seq = open_pair(*_folder_pair(tmp_path, kit, th_size=(16, 12)))
    pair = seq[3]
    assert pair.thermal.shape == (24, 32)
    assert int(pair.thermal[5, 5]) == 16
    assert any("resampled" in note and "16x12" in note for note in seq.info.notes)


@pytest.mark.parametrize("make", [_video_pair, _folder_pair])
def test_frame_offset_at_open_and_later(tmp_path, kit, make):
    vis, th = make(tmp_path, kit)
    seq = open_pair(vis, th, frame_offset=2)
    assert len(seq) == 10 and seq.frame_offset == 2
    assert _ids(seq[0]) == (0, 2) and _ids(seq[9]) == (9, 11)
    assert any("offset +2" in note for note in seq.info.notes)
    seq.frame_offset = -3
    assert len(seq) == 9 and seq.info.num_frames == 9
    assert _ids(seq[0]) == (3, 0) and _ids(seq[8]) == (11, 8)
    seq.set_frame_offset(0)
    assert len(seq) == 12 and _ids(seq[5]) == (5, 5) and seq.info.notes == []
    with pytest.raises(SequenceError, match="no overlapping"):
        seq.frame_offset = 12


def test_cache_is_bounded_lru(tmp_path, kit):
    seq = open_pair(*_folder_pair(tmp_path, kit), cache_frames=3)
    for i in range(8):
        seq[i]
    assert seq.cached_indices() == [5, 6, 7]
    assert seq[6] is seq[6]  # served from the cache
    assert seq.cached_indices() == [5, 7, 6]
    none = open_pair(*_folder_pair(tmp_path / "b", kit), cache_frames=0)
    none[1]
    assert none.cached_indices() == []


def test_the_cache_keeps_few_large_frames(tmp_path, kit, monkeypatch):
    """16 decoded pairs of 4K frames held 530 MB: the cache counted frames, not bytes. It now keeps
    at most FRAME_CACHE_BYTES of them, and always the newest."""
    import core.sequences.pair as pair_module

    visible, thermal = _folder_pair(tmp_path, kit)
    one = pair_module.pair_bytes(open_pair(visible, thermal)[0])
    monkeypatch.setattr(pair_module, "FRAME_CACHE_BYTES", 3 * one)
    seq = open_pair(visible, thermal, cache_frames=16)
    for i in range(8):
        seq[i]
    assert seq.cached_indices() == [5, 6, 7] and seq._cache.bytes == 3 * one
    monkeypatch.setattr(pair_module, "FRAME_CACHE_BYTES", one // 2)
    small = open_pair(visible, thermal, cache_frames=16)
    small[2]
    small[4]
    assert small.cached_indices() == [4]  # the newest, larger than the budget alone, stays


def test_frames_are_read_only(tmp_path, kit):
    pair = open_pair(*_folder_pair(tmp_path, kit))[0]
    with pytest.raises(ValueError):
        pair.visible[0, 0, 0] = 1


def test_threads_read_consistent_frames(tmp_path, kit):
    seq = open_pair(*_video_pair(tmp_path, kit), cache_frames=2)
    errors = []

    def worker(order):
        for i in order:
            if _ids(seq[i]) != (i, i):
                errors.append(i)

    threads = [threading.Thread(target=worker, args=(list(range(12))[::step],)) for step in (1, -1, 3, -2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_close_then_read_reopens(tmp_path, kit):
    seq = open_pair(*_video_pair(tmp_path, kit))
    seq[4]
    seq.close()
    assert _ids(seq[4]) == (4, 4)


def test_video_and_folder_can_be_mixed(tmp_path, kit):
    vis = kit.write_video(tmp_path / "v.avi", [kit.visible_frame(i) for i in range(6)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(6)])
    seq = open_pair(vis, th)
    assert _ids(seq[5]) == (5, 5)


def test_mkv_pair_counts_and_seeks(tmp_path, kit):
    vis = kit.write_video(tmp_path / "visible.mkv", [kit.visible_frame(i) for i in range(15)])
    th = kit.write_video(tmp_path / "thermal.mkv", [kit.thermal_frame(i) for i in range(15)])
    seq = open_pair(vis, th)
    assert len(seq) == 15 and seq.info.notes == []
    for i in (14, 0, 7, 8, 13):
        assert _ids(seq[i]) == (i, i)


def test_videos_at_different_frame_rates_are_noted(tmp_path, kit):
    vis = kit.write_video(tmp_path / "visible.avi", [kit.visible_frame(i) for i in range(6)], fps=30.0)
    th = kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(6)], fps=22.0)
    notes = open_pair(vis, th).info.notes
    assert any(n.startswith("frame rates differ: visible 30 fps, thermal 22 fps") for n in notes), notes
    same = kit.write_video(tmp_path / "thermal30.avi", [kit.thermal_frame(i) for i in range(6)], fps=30.0)
    assert not any("frame rates" in n for n in open_pair(vis, same).info.notes)
    folders = _folder_pair(tmp_path, kit)  # image folders record no rate: nothing to compare
    assert not any("frame rates" in n for n in open_pair(*folders).info.notes)


def test_float_visible_frames_in_zero_to_one_are_not_black(tmp_path, kit):
    """A visible folder of float32 TIFF frames holding 0..1 (how float images are written) was
    clipped as 0..255: every frame black, and the tracker fed the thermal stream alone as if the
    visible camera were blind. Such frames are scaled to 0..255 now; float frames in 0..255 stay."""
    frames = [kit.visible_frame(i) for i in range(3)]
    unit = kit.write_folder(tmp_path / "unit" / "visible", [f.astype(np.float32) / 255 for f in frames], "{:05d}.tiff")
    byte = kit.write_folder(tmp_path / "byte" / "visible", [f.astype(np.float32) for f in frames], "{:05d}.tiff")
    for visible in (unit, byte):
        thermal = kit.write_folder(visible.parent / "thermal", [kit.thermal_frame(i) for i in range(3)])
        seq = open_pair(visible, thermal)
        assert seq[2].visible[0, 0].tolist() == [200, 7, 20], visible  # RGB of visible_frame(2)
        seq.close()


def test_16bit_visible_frames_of_12bit_values_are_not_black(tmp_path, kit):
    """A machine-vision camera's 12-bit frames stored as 16-bit PNG (values 0..4095) kept their
    high byte, 0..15: every frame nearly black, and track fed the thermal stream alone. The stream's
    bit depth is read from its frames at open (one scale for the whole stream, said in a note);
    frames that use all 16 bits keep their high byte."""
    frames = [kit.visible_frame(i).astype(np.uint16) * 16 for i in range(3)]  # 12-bit values
    visible = kit.write_folder(tmp_path / "twelve" / "visible", frames)
    thermal = kit.write_folder(tmp_path / "twelve" / "thermal", [kit.thermal_frame(i) for i in range(3)])
    seq = open_pair(visible, thermal)
    assert seq[2].visible[0, 0].tolist() == [200, 7, 20]  # RGB of visible_frame(2)
    assert any("12-bit" in note for note in seq.info.notes), seq.info.notes
    full = kit.write_folder(tmp_path / "full" / "visible", [f * 16 for f in frames])  # 16-bit values
    seq = open_pair(full, thermal)
    assert seq[2].visible[0, 0].tolist() == [200, 7, 20] and not any("-bit" in n for n in seq.info.notes)


def test_a_stream_with_dropped_frame_numbers_names_them(tmp_path, kit):
    """A thermal folder missing frames 3 and 6 (a camera's dropped frames) beside a whole visible
    stream said only 'frame counts differ: visible 8, thermal 6; using the common length': frames
    are paired by position, so past each gap every pair was a frame further apart, without a word
    on where. The note names the missing numbers (and the frames now pair by number: test_numbered_gaps)."""
    visible = kit.write_folder(tmp_path / "visible", [kit.visible_frame(i) for i in range(8)])
    thermal = tmp_path / "thermal"
    for i in (1, 2, 4, 5, 7, 8):
        kit.write_folder(thermal, [kit.thermal_frame(i - 1)], f"frame_{i}.png")
    notes = open_pair(visible, thermal).info.notes
    numbered = [n for n in notes if "no frame numbered" in n]
    assert len(numbered) == 1 and "thermal has no frame numbered 3, 6" in numbered[0], notes
    stamps = tmp_path / "stamps"  # numbers that are clock times, not frame numbers: no list
    for k, stamp in enumerate((1700000000123, 1700000000456, 1700000000790)):
        kit.write_folder(stamps, [kit.thermal_frame(k)], f"{stamp}.png")
    notes = open_pair(visible, stamps).info.notes
    assert not any("numbered" in n for n in notes), notes


def test_a_thermal_stream_of_another_shape_says_it_is_stretched(tmp_path, kit):
    """Unregistered cameras (visible 32x24, 4:3; thermal 20x16, 5:4) said only 'thermal 20x16
    resampled onto the visible grid 32x24 (bilinear)': the thermal picture is stretched to the
    visible one's shape, so a box drawn on one view does not fit the other. The note says so."""
    (tmp_path / "wide").mkdir()
    (tmp_path / "same").mkdir()
    seq = open_pair(*_folder_pair(tmp_path / "wide", kit, th_size=(20, 16)))
    assert any("resampled" in n and "stretched" in n for n in seq.info.notes), seq.info.notes
    seq = open_pair(*_folder_pair(tmp_path / "same", kit, th_size=(16, 12)))  # 4:3 onto 4:3
    assert not any("stretched" in n for n in seq.info.notes)


def test_videos_at_different_frame_rates_are_paired_by_time(tmp_path, kit):
    """A 30 fps visible video and a 10 fps thermal one (a thermal camera's rate) were paired frame by
    frame: visible frame 21 (0.7 s in) beside thermal frame 21 (2.1 s in), the streams drifting apart
    from the first frame. Each visible frame now gets the thermal frame at its time."""
    vis = kit.write_video(tmp_path / "visible.avi", [kit.visible_frame(i) for i in range(24)], fps=30.0)
    th = kit.write_video(tmp_path / "thermal.avi", [kit.thermal_frame(i) for i in range(8)], fps=10.0)
    seq = open_pair(vis, th)
    assert len(seq) == 23  # visible 23 would be thermal round(7.67) = 8: past the last
    assert [_ids(seq[i]) for i in range(23)] == [(v, (v + 1) // 3) for v in range(23)]
    notes = seq.info.notes
    assert any(n.startswith("frame rates differ: visible 30 fps, thermal 10 fps; each visible frame is paired "
                            "with the thermal frame at its time (thermal frame = visible frame x 0.3333") for n in notes)
    assert not any(n.startswith("frame counts differ") for n in notes), notes  # the same 0.8 s of footage
    seq.frame_offset = 2
    assert len(seq) == 17 and _ids(seq[0]) == (0, 2) and _ids(seq[3]) == (3, 3)
    assert any("thermal frame = visible frame x 0.3333 (rounded) +2" in n for n in seq.info.notes)
    seq.frame_offset = -2
    assert len(seq) == 19 and _ids(seq[0]) == (5, 0)  # the first visible frame with a partner
    short = kit.write_video(tmp_path / "short.avi", [kit.thermal_frame(i) for i in range(4)], fps=10.0)
    assert any(n.startswith("frame counts differ: visible 24, thermal 4 (0.80 s and 0.40 s); using the common length")
               for n in open_pair(vis, short).info.notes)
