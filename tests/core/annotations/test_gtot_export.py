"""The GTOT layout export (real-pair session: the studio could write LasHeR and RGBT234 layouts with
their frames, but GTOT only as its annotation files, so a sequence asked for in GTOT's layout had to be
put together by hand): ``v/``, ``i/``, ``groundTruth_v.txt`` / ``groundTruth_i.txt`` as corners and
``init.txt``, reopening as a GTOT sequence with the boxes it was given."""
from __future__ import annotations

import numpy as np

from core.annotations.formats import exporter
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence, _records


def test_the_gtot_layout_holds_the_frames_and_corner_files_and_reopens(tmp_path):
    from core.sequences.open_folder import open_sequence

    out = tmp_path / "tiny-gtot"
    result = run_to_end(exporter("gtot")(TinySequence(), _records(), out))
    assert result.path == out and result.frames == 6
    assert sorted(p.name for p in (out / "v").iterdir())[:2] == ["00001v.jpg", "00002v.jpg"]
    assert len(list((out / "i").iterdir())) == 6
    visible = (out / "groundTruth_v.txt").read_text().splitlines()
    thermal = (out / "groundTruth_i.txt").read_text().splitlines()
    assert visible[0].split() == ["0", "5", "10", "15"]  # x1 y1 x2 y2
    assert thermal[1].split() == ["3", "5", "13", "15"]  # the frame's own thermal box
    assert visible[2].split() == ["0", "0", "0", "0"]  # absent
    assert (out / "init.txt").read_text().splitlines()[0].split("\t") == ["0", "5", "10", "10"]
    reopened = open_sequence(out)
    assert reopened.info.layout == "gtot" and len(reopened) == 6
    truth = reopened.ground_truth()
    assert np.allclose(truth[0].box, [0, 5, 10, 10]) and np.allclose(truth[4].box, [6, 5, 10, 13])
    assert abs(float(reopened[3].visible.mean()) - 60) < 2  # the frames (JPEG)
