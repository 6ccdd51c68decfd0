"""Box rows typed with a Chinese input method in full-width mode part their values with ``，``
(U+FF0C) or ``；`` (U+FF1B): the readers refused them ("not a number in '10，20，30，40'"), and
the import said "rows of 1 values". They part values as ``,`` and ``;`` do now."""
from __future__ import annotations

import numpy as np

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.groundtruth import load_ground_truth
from core.annotations.formats.text import read_boxes


def test_full_width_separators(tmp_path):
    path = tmp_path / "visible.txt"
    path.write_text("10，20，30，40\r\n11，20，30，40\r\n12；20；30；40\r\n", encoding="utf-8")
    np.testing.assert_array_equal(read_boxes(path), [[10, 20, 30, 40], [11, 20, 30, 40], [12, 20, 30, 40]])
    assert load_ground_truth(tmp_path, "lasher")[2].box[0] == 12
    assert read_box_file(path, 5).records[1].box.tolist() == [11, 20, 30, 40]
