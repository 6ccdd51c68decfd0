"""N and Shift+N find where a backward run (Shift+T) stopped. Before, only the frame after a forward
run's last box was flagged ("tracking stopped here"): a backward run stopped early (Esc, the first
frame of a range, a failure) left frames with no box before its last one that N never reached."""
from __future__ import annotations

import numpy as np

from app.review import TimelineData, attention_stretch, needs_attention, next_attention, previous_attention


def _backward_run_stopped_at(start: int, drawn: int, n: int = 24) -> TimelineData:
    """A box drawn on ``drawn``, tracked back down to ``start`` (frames before it have no box)."""
    data = TimelineData.empty(n)
    data.annotated[start:drawn + 1] = True
    data.keyframe[drawn] = True
    data.confidence[start:drawn] = 0.9
    return data


def test_the_frame_before_a_backward_runs_last_box_needs_attention():
    data = _backward_run_stopped_at(10, 20)
    flags = needs_attention(data, confidence=0.4)
    assert flags[9] and not flags[:9].any() and not flags[10:21].any()
    assert next_attention(data, 0, confidence=0.4) == 9
    assert previous_attention(data, 15, confidence=0.4) == 9
    (span, reasons) = attention_stretch(data, 9, confidence=0.4)
    assert span == (9, 10) and reasons == ["tracking back stopped here (this frame has no box; the next one was tracked)"]


def test_no_flag_before_a_drawn_box_or_an_interpolated_one():
    data = TimelineData.empty(10)
    data.annotated[5:] = True  # a drawn box and interpolated ones: no confidence, no run came back here
    data.keyframe[5] = True
    assert not needs_attention(data, confidence=0.4)[:5].any()
    data = _backward_run_stopped_at(0, 6, 10)  # ran back to frame 1: nothing before it to flag
    assert not needs_attention(data, confidence=0.4)[:7].any()


def test_n_reaches_where_shift_t_stopped_in_the_studio(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "b.rgbt.sqlite"))
    window.goto(20)
    window.views.box_drawn.emit("visible", synthetic.boxes[20])
    window.timeline.show_range(10, 21)  # the run stops at the range's first frame, 11
    window.actions["track_back"].trigger()
    assert window.document.record(9) is None and window.document.record(10).provenance == "student"
    window.timeline.hide_range()
    window.goto(0)
    window.actions["attention"].trigger()
    assert window.frame == 9
    assert window.statusBar().currentMessage() == (
        "frame 10: tracking back stopped here (this frame has no box; the next one was tracked)")
    window.goto(15)
    window.actions["attention_back"].trigger()
    assert window.frame == 9
    assert np.isfinite(window.document.timeline().confidence[10])
