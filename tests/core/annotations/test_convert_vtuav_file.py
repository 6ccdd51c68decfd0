"""``convert`` of VTUAV's ``rgb.txt`` given as a file (``--from vtuav``) put its rows on frames
0, 10, 20, ... whatever the sequence's first annotated frame in ``init_frame.npy``: the same
file read as part of its sequence folder (and by the box import) starts there. Converted to
LasHeR, every box landed on the wrong frame, unsaid."""
from __future__ import annotations

import numpy as np

from core.annotations.formats.convert import read_source
from core.annotations.formats.groundtruth import load_ground_truth


def test_a_vtuav_file_starts_on_its_first_annotated_frame(tmp_path):
    folder = tmp_path / "test_ST" / "bike_001"
    folder.mkdir(parents=True)
    np.save(tmp_path / "init_frame.npy", {"bike_001": 5}, allow_pickle=True)
    (folder / "rgb.txt").write_text("10 20 30 40\n11 20 30 40\n")
    records, count = read_source(folder / "rgb.txt", "vtuav")
    assert sorted(records) == [5, 15] and count == 16
    assert sorted(load_ground_truth(folder, "vtuav")) == [5, 15]  # as the sequence folder is read


def test_a_vtuav_file_alone_starts_on_frame_one(tmp_path):
    (tmp_path / "rgb.txt").write_text("10 20 30 40\n11 20 30 40\n")
    records, _ = read_source(tmp_path / "rgb.txt", "vtuav")
    assert sorted(records) == [0, 10]
