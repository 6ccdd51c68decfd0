"""The wheel's closest zoom: antiuav-4's 12-px drone, wheeled in past it (30 notches from the fit),
left one image pixel over the whole pane, a flat colour with no sign of where it was or why."""
from __future__ import annotations

import numpy as np

from app.views.frame_view import FrameView


def test_the_wheel_stops_zooming_in_where_the_pane_still_shows_pixels_around_the_target(qtbot):
    view = FrameView("thermal")
    qtbot.addWidget(view)
    view.resize(552, 500)
    view.show()
    view.set_frame(np.zeros((512, 640), np.uint8))
    for _ in range(60):  # a wheel notch in pyqtgraph scales by 1.02 ** 15 about the pointer
        view.viewbox.scaleBy((0.74, 0.74), center=pg_point(300.0, 200.0))
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    assert 8.0 - 1e-6 <= min(x1 - x0, y1 - y0) <= 12.0  # a 10-px drone can still fill most of the pane


def pg_point(x: float, y: float):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)
