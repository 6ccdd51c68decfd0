"""A video opened alone whose file name says only its modality (Anti-UAV's ``antiuav-4/thermal.avi``)
is named after its folder, as a pair of such files is (``sequence_name``)."""
from __future__ import annotations

import pytest

from core.sequences import open_sequence


@pytest.mark.parametrize("stem", ["thermal", "IR", "visible", "rgb"])
def test_a_video_named_by_its_modality_takes_its_folders_name(tmp_path, kit, stem):
    """It was named 'thermal': every Anti-UAV clip had one name (window title, export folder, marker)."""
    folder = tmp_path / "antiuav-4"
    folder.mkdir()
    video = kit.write_video(folder / f"{stem}.avi", [kit.thermal_frame(i) for i in range(2)])
    assert open_sequence(video).info.name == "antiuav-4"


def test_a_video_with_a_name_of_its_own_keeps_it(tmp_path, kit):
    folder = tmp_path / "flights"
    folder.mkdir()
    video = kit.write_video(folder / "flight_0042.avi", [kit.thermal_frame(i) for i in range(2)])
    assert open_sequence(video).info.name == "flight_0042"


def test_a_video_named_optical_takes_its_folders_name_as_the_folder_opened_does(tmp_path, kit):
    """``optical`` names the visible modality (``MODALITY_OF_WORD``: the folder's lone ``optical.avi``
    is its visible stream, and opened alone it takes the folder's ground truth) but the naming's own
    word list lacked it: the video alone was named 'optical', the folder 'scene', so the same footage
    had two names (two projects, two export names)."""
    folder = tmp_path / "scene"
    folder.mkdir()
    video = kit.write_video(folder / "optical.avi", [kit.visible_frame(i) for i in range(3)])
    (folder / "groundtruth.txt").write_text("1,1,8,8\n2,2,8,8\n3,3,8,8\n")
    alone, whole = open_sequence(video), open_sequence(folder)
    assert alone.info.name == whole.info.name == "scene"
    assert alone.ground_truth() is not None and len(alone.ground_truth()) == len(whole.ground_truth()) == 3
