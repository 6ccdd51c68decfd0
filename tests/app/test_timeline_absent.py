"""An absent range on the timeline: a grey band, not a row of keyframe triangles.

Each frame marked absent (O) is a keyframe record, so a 40-frame absent range drew 40 green
triangles side by side: a continuous green bar along the top that read as 40 keyframes.
"""
from __future__ import annotations

import numpy as np

from tests.app.test_timeline import _pixels_of


def _data():
    from app.review import TimelineData

    data = TimelineData.empty(200)
    data.keyframe[[10, 150]] = True  # two drawn keyframes
    data.keyframe[60:100] = data.absent[60:100] = True  # O over frames 61-100: absent keyframe records
    data.annotated[[10, 150]] = data.annotated[60:100] = True
    return data


def test_an_absent_range_is_a_band_without_keyframe_triangles(qtbot):
    from app.style import TIMELINE_COLOURS
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(800, 150)
    timeline.show()
    timeline.set_data(_data())
    x, _y = timeline.keyframes.getData()
    assert list(x) == [10.0, 150.0]
    assert list(timeline.absent_runs.opts["x0"]) == [59.5] and list(timeline.absent_runs.opts["x1"]) == [99.5]
    assert _pixels_of(timeline, TIMELINE_COLOURS["keyframe"]) < 200  # two triangles, no 40-frame green bar


def test_no_absent_frames_no_band(qtbot):
    from app.review import TimelineData
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.set_data(_data())
    timeline.set_data(TimelineData.empty(200))
    assert len(timeline.absent_runs.opts["x0"]) == 0 and np.asarray(timeline.keyframes.getData()[0]).size == 0


def test_the_legend_names_the_band(qtbot):
    from app.views.timeline import ABSENT_BAND_HTML, legend_html

    assert f"background-color:{ABSENT_BAND_HTML}\">&#9632; absent" in legend_html()
