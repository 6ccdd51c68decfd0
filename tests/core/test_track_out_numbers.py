"""``track --out`` writes the boxes' numbers as File > Export's plain x,y,w,h files write the same boxes:
it wrote 2 decimals ("100.00,50.26,..."), the export up to 4 with trailing zeros dropped ("100,50.2568,...")."""
from __future__ import annotations

import numpy as np

from core.annotations.formats.convert import target_files
from core.annotations.formats.groundtruth import read_boxes
from core.annotations.records import FrameAnnotation, Provenance
from core.commands.track_setup import UNTRACKED_BOX_LINE, format_boxes

BOXES = [np.array([100.0, 50.256789, 30.5, 40.0]), np.array([101.123456, 51.0, 30.25, 39.999]),
         np.array([0.004, 0.0, 12.0, 8.0])]


def test_track_out_and_the_plain_export_write_the_same_boxes_alike():
    results = [(f, box, 0.9) for f, box in enumerate(BOXES)]
    records = {f: FrameAnnotation(f, box, provenance=Provenance.STUDENT, confidence=0.9) for f, box in enumerate(BOXES)}
    (exported,) = [text for name, (text, _end) in target_files(records, len(BOXES), "xywh").items()
                   if name == "sequence.txt"]
    assert format_boxes(results) == exported
    assert format_boxes(results).splitlines()[:2] == ["100,50.2568,30.5,40", "101.1235,51,30.25,39.999"]


def test_a_later_start_and_the_file_read_back(tmp_path):
    results = [(3 + k, box, 0.5) for k, box in enumerate(BOXES)]
    text = format_boxes(results)
    assert text.startswith(UNTRACKED_BOX_LINE * 3)
    path = tmp_path / "boxes.txt"
    path.write_text(text)
    np.testing.assert_allclose(read_boxes(path)[3:], np.array(BOXES), atol=5e-5)
    assert format_boxes([]) == ""
