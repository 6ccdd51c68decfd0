"""The wheel's farthest zoom: on antiuav-4 (640x512), 40 notches out from the fit shrank the frame to a
dot, then out of sight (only Ctrl+0 brought it back). The wheel now stops a little below the fit
(``app.views.frame_view.MAX_WHEEL_OUT`` times what Fit to window shows), on both linked panes, the frame kept in the middle."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.views.paired_view import PairedViews


def wheel(view, notches: int, where: QPointF | None = None) -> None:
    """Turn the mouse wheel over ``view`` (a FrameView) ``notches`` notches (negative: towards the
    user, which zooms out), as a real mouse does: one QWheelEvent of 120 per notch."""
    viewport = view.viewport()
    pos = where if where is not None else QPointF(viewport.width() / 2, viewport.height() / 2)
    for _ in range(abs(notches)):
        delta = 120 if notches > 0 else -120
        event = QWheelEvent(pos, QPointF(viewport.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, delta),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(viewport, event)


def frame_share(view) -> float:
    """How much of the pane's width or height (the larger share) the frame covers."""
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    h, w = view._image_shape
    return max(w / (x1 - x0), h / (y1 - y0))


def shown_pair(qtbot) -> PairedViews:
    """Linked panes 1280x560 wide, shown, each holding a black 640x512 frame (antiuav-4's size)."""
    views = PairedViews()
    qtbot.addWidget(views)
    views.resize(1280, 560)
    views.show()
    qtbot.waitExposed(views)
    views.visible.set_frame(np.zeros((512, 640, 3), np.uint8))
    views.thermal.set_frame(np.zeros((512, 640), np.uint8))
    return views


def test_the_wheel_stops_zooming_out_a_little_below_the_fit_on_both_linked_panes(qtbot):
    views = shown_pair(qtbot)
    fitted = frame_share(views.thermal)
    corner = QPointF(20.0, 20.0)  # wheeled near a corner: the bound must not walk the frame off the pane
    wheel(views.thermal, -40, corner)
    for view in (views.thermal, views.visible):
        share = frame_share(view)
        assert 0.6 <= share < fitted, (view.modality, share, fitted)  # a little below the fit: most of the pane
        (x0, x1), (y0, y1) = view.viewbox.viewRange()
        assert x0 < 320 < x1 and y0 < 256 < y1  # the frame's centre still on the pane
    wheel(views.visible, -10)
    assert frame_share(views.visible) >= 0.6
    before = views.thermal.viewbox.viewRange()[0]
    wheel(views.thermal, 3)  # the wheel zooms in again from the bound
    after = views.thermal.viewbox.viewRange()[0]
    assert after[1] - after[0] < 0.9 * (before[1] - before[0])


def test_the_wheel_still_zooms_out_from_close_up_to_the_bound(qtbot):
    views = shown_pair(qtbot)
    fitted = frame_share(views.visible)
    views.visible.zoom_to((300, 250, 12, 10))
    wheel(views.visible, -3)  # out from the close-up: the wheel works as before
    assert frame_share(views.visible) > fitted * 2
    wheel(views.visible, -60)
    share = frame_share(views.visible)
    assert 0.6 <= share <= 0.75, (share, fitted)  # wheeled out to the bound: 1/1.5 of the fit


def test_wheeled_out_from_a_close_up_near_an_edge_the_whole_frame_is_on_the_pane(qtbot):
    """antiuav-4, wheeled in on the drone then out about a point near the pane's corner: at the bound the
    frame's top-left part was cut by the pane's edge, the rest of the pane empty."""
    views = shown_pair(qtbot)
    views.visible.zoom_to((227, 185, 14, 6))
    wheel(views.thermal, -45, QPointF(150.0, 120.0))
    for view in (views.thermal, views.visible):
        (x0, x1), (y0, y1) = view.viewbox.viewRange()
        assert x0 <= 0.5 and x1 >= 639.5 and y0 <= 0.5 and y1 >= 511.5, (view.modality, x0, x1, y0, y1)
    views.visible.zoom_to((10, 10, 14, 6))  # at the frame's corner
    wheel(views.thermal, -2, QPointF(30.0, 30.0))  # a little out: the pane still inside the frame
    (x0, x1), (y0, y1) = views.thermal.viewbox.viewRange()
    assert x1 - x0 < 640 and x0 >= -0.5 and y0 >= -0.5  # no empty band beyond the frame's edge
