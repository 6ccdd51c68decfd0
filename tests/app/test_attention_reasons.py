"""N says why the frames it jumps to need a look (real-footage walkthrough: N moved to frame
117 with no word, and the yellow bar under it was one pixel wide)."""
from __future__ import annotations

import numpy as np
import pytest


def _data(confidence, iou=None, annotated=None):
    from app.review import TimelineData

    n = len(confidence)
    data = TimelineData.empty(n)
    data.confidence[:] = confidence
    if iou is not None:
        data.iou[:] = iou
    data.annotated[:] = True if annotated is None else annotated
    return data


nan = np.nan


@pytest.mark.parametrize("confidence, iou, annotated, frame, expected", [
    ([0.9, 0.9, 0.2, 0.3, 0.9], None, None, 3, ((2, 4), ["tracker confidence below 0.40"])),
    ([0.9, 0.9, 0.9, 0.9, 0.9], [nan, 0.1, 0.2, nan, nan], None, 1,
     ((1, 3), ["the teacher disagrees (IoU below 0.50)"])),
    ([0.9, 0.2, 0.9, 0.9], [nan, 0.1, nan, nan], None, 1,
     ((1, 2), ["tracker confidence below 0.40", "the teacher disagrees (IoU below 0.50)"])),
    ([0.9, 0.9, nan, nan], None, [True, True, False, False], 2, ((2, 3), ["tracking stopped here (no box from this frame)"])),
    ([0.9, 0.9, 0.9], None, None, 1, None),
])
def test_attention_stretch_names_the_stretch_and_why(confidence, iou, annotated, frame, expected):
    from app.review import attention_stretch

    data = _data(confidence, iou, None if annotated is None else np.array(annotated))
    assert attention_stretch(data, frame, confidence=0.4) == expected


def test_n_says_which_frames_it_jumped_to_and_why(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    doc = window.document
    for f in (8, 9, 10):  # a low-confidence stretch
        doc.store.put_tracker_outputs("student", "r", [(f, synthetic.boxes[f], 0.1)])
    from core.annotations.records import FrameAnnotation
    doc.store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.1) for f in (8, 9, 10)])
    doc.reload()
    window.goto(2)
    window.statusBar().clearMessage()
    window.actions["attention"].trigger()
    assert window.frame == 8
    assert window.statusBar().currentMessage() == f"frames 9-11: tracker confidence below {window.review_threshold():.2f}"
