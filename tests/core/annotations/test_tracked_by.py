"""Which tracker made each machine-tracked box: the one rule shared by the studio and the export."""
from __future__ import annotations

import numpy as np

from core.annotations.records import FrameAnnotation
from core.annotations.tracked_by import tracked_by


def test_each_machine_box_is_credited_to_the_tracker_whose_output_it_equals():
    records = {
        0: FrameAnnotation(0, [5, 5, 10, 10], keyframe=True),  # drawn
        1: FrameAnnotation(1, [6, 5, 10, 10], provenance="student"),
        2: FrameAnnotation(2, [7, 5, 10, 10], provenance="student"),
        3: FrameAnnotation(3, [8, 5, 10, 10], provenance="student"),  # edited after tracking? no output matches
        4: FrameAnnotation(4, [9, 5, 10, 10]),  # a manual box equal to an output stays manual
        5: FrameAnnotation(5, None, absent=True, provenance="student"),
    }
    outputs = {
        "student": {1: (np.array([6.0, 5, 10, 10]), 0.9), 3: (np.array([1.0, 1, 2, 2]), 0.2)},
        "csrt": {2: (np.array([7.0, 5, 10, 10]), None), 4: (np.array([9.0, 5, 10, 10]), None), 5: (None, None)},
        "kcf": {},
    }
    assert tracked_by(records, outputs) == {1: "student", 2: "csrt"}
    assert tracked_by(records, {}) == {}


def test_a_later_tracker_wins_when_two_outputs_match():
    records = {1: FrameAnnotation(1, [6, 5, 10, 10], provenance="student")}
    box = np.array([6.0, 5, 10, 10])
    assert tracked_by(records, {"student": {1: (box, 0.5)}, "csrt": {1: (box, None)}}) == {1: "csrt"}
