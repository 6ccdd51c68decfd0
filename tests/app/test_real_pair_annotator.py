"""Defects an annotator met labelling a real RGB-T pair from first box to export and back
(people in smoke, 0117_1605; the walkthrough of 2026-12-07 under Xvfb)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("before, expected", [
    ("tracked", "tracking stopped here (no box from this frame)"),
    ("absent", "no box from this frame (the frame before is marked absent; no tracking ran here)"),
    ("drawn", "no box from this frame (nothing was tracked from the box before it)"),
])
def test_n_says_what_ends_before_a_frame_with_no_box(before, expected):
    """The target walks in at frame 34: frames 1-33 marked absent, a box drawn at frame 51 and tracked to the end.
    N stopped at frame 34 with "tracking stopped here (no box from this frame)", where no tracking had run:
    the frames before it hold absent marks. It now says what precedes the empty frame."""
    from app.review import TimelineData, attention_stretch

    data = TimelineData.empty(5)
    data.annotated[:2] = True
    if before == "tracked":
        data.confidence[:2] = 0.9
    elif before == "absent":
        data.absent[:2] = True
        data.keyframe[:2] = True
    else:
        data.keyframe[1] = True
    assert attention_stretch(data, 2, confidence=0.4) == ((2, 3), [expected])


def test_n_after_an_absent_stretch_does_not_say_tracking_stopped(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    window.actions["range"].setChecked(True)
    window.goto(4)
    window.actions["range_end"].trigger()  # frames 1-5
    window.actions["absent"].trigger()
    window.actions["range"].setChecked(False)
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])
    window.goto(0)
    window.actions["attention"].trigger()
    assert window.frame == 5
    message = window.statusBar().currentMessage()
    assert message.startswith("frame 6: no box from this frame (the frame before is marked absent"), message
    assert "tracking stopped" not in message
