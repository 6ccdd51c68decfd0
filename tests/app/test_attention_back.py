"""Shift+N: the stretch needing attention before the frame shown (N's way back). Before, N only went
forward: a stretch passed by once was reached again only by going round the whole sequence."""
from __future__ import annotations

import numpy as np

from app.review import TimelineData, previous_attention


def test_previous_attention_goes_back_stretch_by_stretch_and_wraps():
    data = TimelineData.empty(8)
    data.confidence[:] = [np.nan, 0.9, 0.2, 0.3, 0.9, 0.1, np.nan, np.nan]
    data.annotated[:6] = True
    data.keyframe[0] = True  # stretches 2-3 and 5-6 (6: where tracking stopped)
    assert previous_attention(data, 7) == 5 and previous_attention(data, 5) == 2
    assert previous_attention(data, 6) == 5  # from inside a stretch: its start
    assert previous_attention(data, 2) == 5 and previous_attention(data, 0) == 5  # wraps to the last
    assert previous_attention(TimelineData.empty(5), 3) is None


def test_shift_n_in_the_studio(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])  # frame 2 needs a look: the annotation stops there
    window.goto(10)
    window.actions["attention_back"].trigger()
    assert window.frame == 1 and "on to the last" not in window.statusBar().currentMessage()
    assert window.actions["attention_back"].shortcut().toString() == "Shift+N"
    window.actions["attention_back"].trigger()  # nothing before frame 2: round to the last stretch, said
    assert window.frame == 1
    assert "no stretch before frame 2 needs attention: on to the last that does, frame 2" in (
        window.statusBar().currentMessage())
