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
