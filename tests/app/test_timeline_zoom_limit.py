"""The timeline's closest zoom: on antiuav-4 (501 frames), 40 wheel notches in left less than one frame
across the timeline, its frame numbers gone and its curve a flat line."""
from __future__ import annotations

from PySide6.QtCore import QPointF

from app.review import TimelineData
from app.views.timeline import TimelineWidget


def test_the_wheel_stops_zooming_the_timeline_in_at_a_few_frames(qtbot):
    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(1100, 100)
    timeline.show()
    timeline.set_data(TimelineData.empty(501))
    for _ in range(60):
        timeline.getViewBox().scaleBy((0.74, 1.0), center=QPointF(250.0, 0.5))
    (x0, x1), _y = timeline.getViewBox().viewRange()
    assert x1 - x0 >= 10.0 - 1e-6
    short = TimelineWidget()  # footage shorter than that: its whole length
    qtbot.addWidget(short)
    short.set_data(TimelineData.empty(4))
    for _ in range(60):
        short.getViewBox().scaleBy((0.74, 1.0), center=QPointF(2.0, 0.5))
    (x0, x1), _y = short.getViewBox().viewRange()
    assert x1 - x0 >= 3.0 - 1e-6
