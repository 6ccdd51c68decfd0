"""Keyboard focus on the frame views and the timeline is visible: a ring in the colour Qt marks focus
with (the palette's highlight) along the widget's edge, drawn when the focus came from the keyboard
(Tab, Shift+Tab, a shortcut), not after a mouse click, and never over the middle of the picture.
Before, a keyboard user tabbing through the window could not tell which of them had the focus."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt


def _ring_pixels(widget) -> tuple[int, int]:
    """(pixels near the highlight colour on the widget's 3-pixel edge, those inside it)."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    widget.repaint()
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    want = QColor(QApplication.palette().highlight().color())
    w, h = image.width(), image.height()
    edge = max(1, round(3 * ratio))
    on_edge = inside = 0
    for y in range(0, h, 1):
        for x in range(0, w, 1 if y < edge or y >= h - edge else max(1, w // 200)):
            c = image.pixelColor(x, y)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < 40:
                if x < edge or y < edge or x >= w - edge or y >= h - edge:
                    on_edge += 1
                else:
                    inside += 1
    return on_edge, inside


def _activate(qtbot, window) -> None:
    """Make ``window`` the active one, so its widgets take the focus (offscreen too)."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def _frame_view():
    from app.views.frame_view import FrameView

    view = FrameView("visible")
    view.set_frame(np.full((96, 128, 3), 90, np.uint8))
    return view


def _timeline():
    from app.review import TimelineData
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    timeline.set_data(TimelineData.empty(30))
    return timeline


@pytest.mark.parametrize("make", [_frame_view, _timeline])
def test_keyboard_focus_draws_a_ring_on_the_edge_only(qtbot, make):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    other = QLineEdit()
    widget = make()
    layout.addWidget(other)
    layout.addWidget(widget)
    holder.resize(400, 300)
    holder.show()
    _activate(qtbot, holder)
    other.setFocus(Qt.FocusReason.OtherFocusReason)
    assert _ring_pixels(widget) == (0, 0)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    assert widget.hasFocus()
    on_edge, inside = _ring_pixels(widget)
    assert on_edge > 2 * (widget.width() + widget.height()) and inside == 0
    other.setFocus(Qt.FocusReason.TabFocusReason)
    assert _ring_pixels(widget) == (0, 0)
    widget.setFocus(Qt.FocusReason.MouseFocusReason)  # a click: no ring, as a browser's :focus-visible
    assert _ring_pixels(widget) == (0, 0)


def test_tab_reaches_the_views_and_the_timeline_in_the_studio(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "f.rgbt.sqlite"))
    _activate(qtbot, window)
    for widget in (window.views.visible, window.views.thermal, window.timeline):
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        window.transport.slider.setFocus(Qt.FocusReason.TabFocusReason)
        assert _ring_pixels(widget) == (0, 0)
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        assert widget.hasFocus() and _ring_pixels(widget)[0] > 0, widget
