"""Image folders whose numbering has gaps (a camera's dropped frames, a frame deleted as bad) were
paired by position: past each missing number every visible frame got the thermal frame one further
on, with only a note saying so. Two folders numbered alike are paired by their numbers."""
from __future__ import annotations

from core.sequences import open_pair


def _thermal_number(pair) -> int:
    """The thermal frame's number, as :func:`_write` stores it (value 5 n + 1)."""
    return (int(pair.thermal[0, 0]) - 1) // 5


def _numbered(kit, folder, numbers, frame, name="{:05d}.png"):
    folder.mkdir(parents=True, exist_ok=True)
    import cv2

    for n in numbers:
        assert cv2.imwrite(str(folder / name.format(n)), frame(n))
    return folder


def test_dropped_thermal_frames_pair_the_rest_by_number(tmp_path, kit):
    visible = _numbered(kit, tmp_path / "visible", range(1, 9), kit.visible_frame)
    thermal = _numbered(kit, tmp_path / "thermal", (1, 2, 4, 5, 7, 8), kit.thermal_frame, "{:05d}i.png")
    seq = open_pair(visible, thermal)
    assert len(seq) == 8
    # visible 3 and 6 have no thermal frame of their number: the nearest (the earlier on a tie)
    assert [_thermal_number(seq[i]) for i in range(8)] == [1, 2, 2, 4, 5, 5, 7, 8]
    notes = [n for n in seq.info.notes if "no frame numbered" in n]
    assert len(notes) == 1 and "thermal has no frame numbered 3, 6" in notes[0] and "by their numbers" in notes[0]


def test_dropped_visible_frames_leave_their_thermal_frames_out(tmp_path, kit):
    visible = _numbered(kit, tmp_path / "visible", (0, 1, 2, 4, 5, 6, 8, 9), kit.visible_frame)
    thermal = _numbered(kit, tmp_path / "thermal", range(10), kit.thermal_frame)
    seq = open_pair(visible, thermal)
    assert [_thermal_number(seq[i]) for i in range(len(seq))] == [0, 1, 2, 4, 5, 6, 8, 9]
    seq.frame_offset = 1  # thermal frame = the one numbered as the visible frame, + 1
    assert [_thermal_number(seq[i]) for i in range(len(seq))] == [1, 2, 3, 5, 6, 7, 9]


def test_folders_numbered_from_different_firsts_still_pair_by_position(tmp_path, kit):
    """Visible 0..5 beside thermal 1..6 less 4: the numbers do not say the same frames, so position."""
    visible = _numbered(kit, tmp_path / "visible", range(6), kit.visible_frame)
    thermal = _numbered(kit, tmp_path / "thermal", (1, 2, 3, 5, 6), kit.thermal_frame)
    seq = open_pair(visible, thermal)
    assert [_thermal_number(seq[i]) for i in range(len(seq))] == [1, 2, 3, 5, 6]
    assert any("paired by position" in n for n in seq.info.notes), seq.info.notes


def test_a_long_folder_with_one_dropped_frame_pairs_by_number(tmp_path, kit):
    visible = _numbered(kit, tmp_path / "visible", range(1, 151), kit.visible_frame)
    thermal = _numbered(kit, tmp_path / "thermal", [n for n in range(1, 151) if n != 75], kit.thermal_frame)
    seq = open_pair(visible, thermal)
    assert len(seq) == 150 and _thermal_number(seq[99]) == 100 % 50  # thermal_frame(n) stores 5 n + 1 mod 250
