"""A sequence folder holding two layouts' ground truth (LasHeR's ``visible.txt`` beside a
``groundtruth.txt``) was read twice on open: ``load_ground_truth`` compared the two layouts'
files (``refuse_mixed_layouts``), then read the chosen one again. Each file is read once now."""
from __future__ import annotations

import collections
from pathlib import Path

import numpy as np
import pytest

import core.annotations.formats.text as text
from core.annotations.formats.groundtruth import load_ground_truth
from core.errors import AnnotationFormatError


@pytest.fixture
def reads(monkeypatch):
    counted: collections.Counter = collections.Counter()
    read_text = text.read_text

    def counting(path):
        counted[Path(path).name] += 1
        return read_text(path)

    monkeypatch.setattr(text, "read_text", counting)
    return counted


@pytest.mark.parametrize("layout, files", [
    ("lasher", {"visible.txt": "1,2,3,4\n5,6,7,8\n", "infrared.txt": "1,2,3,4\n5,6,7,9\n",
                "groundtruth.txt": "1,2,3,4\n5,6,7,8\n"}),
    ("gtot", {"groundTruth_v.txt": "1 2 4 6\n5 6 12 14\n", "groundTruth_i.txt": "1 2 4 6\n5 6 12 14\n",
              "groundtruth.txt": "1,2,3,4\n5,6,7,8\n"}),
])
def test_each_file_of_a_two_layout_folder_is_read_once(tmp_path, reads, layout, files):
    for name, rows in files.items():
        (tmp_path / name).write_text(rows)
    records = load_ground_truth(tmp_path, layout)
    np.testing.assert_array_equal(records[1].box, [5, 6, 7, 8])
    assert set(reads) == set(files) and max(reads.values()) == 1, dict(reads)


def test_two_layouts_that_differ_are_still_refused(tmp_path, reads):
    (tmp_path / "visible.txt").write_text("1,2,3,4\n")
    (tmp_path / "groundtruth.txt").write_text("1,2,3,5\n")
    with pytest.raises(AnnotationFormatError, match="holds other boxes"):
        load_ground_truth(tmp_path, "lasher")
