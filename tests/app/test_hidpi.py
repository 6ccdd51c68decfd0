"""HiDPI (QT_SCALE_FACTOR=2 or a 200 % desktop): the boxes' lines keep their width in screen
points. Under Xvfb at QT_SCALE_FACTOR=2 a box's coloured line was 2 device pixels with a 1-pixel
outline, half the width of the text and handles around it (cosmetic pens count device pixels)."""
from __future__ import annotations

import pytest


def _line_pixels(ratio: float) -> tuple[int, int]:
    """(coloured, dark) device pixels across the left edge of a manual box drawn at device pixel
    ratio ``ratio`` on white."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QGraphicsScene

    from app.views.box_item import BoxItem

    scene = QGraphicsScene()
    item = BoxItem("manual", editable=False)
    scene.addItem(item)
    item.set_box((20, 20, 60, 60))
    image = QImage(int(100 * ratio), int(100 * ratio), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, 100, 100), QRectF(0, 0, 100, 100))
    painter.end()
    row = [image.pixelColor(x, int(50 * ratio)) for x in range(int(50 * ratio))]  # the left half
    coloured = sum(1 for c in row if c.green() > 150 and c.red() < 100)
    dark = sum(1 for c in row if c.value() < 60)
    return coloured, dark


@pytest.mark.parametrize("ratio", [2.0, 3.0])
def test_a_box_line_is_as_wide_in_points_at_a_higher_device_pixel_ratio(qapp, ratio):
    coloured, dark = _line_pixels(1.0)
    assert coloured >= 2 and dark >= 2
    wide_coloured, wide_dark = _line_pixels(ratio)
    assert wide_coloured >= ratio * coloured - 1, (wide_coloured, coloured)
    assert wide_dark >= ratio * dark - 1, (wide_dark, dark)


def test_the_timelines_lines_are_as_wide_in_points_at_a_higher_device_pixel_ratio(qapp, monkeypatch):
    """At QT_SCALE_FACTOR=2 the confidence and IoU curves and the frame cursor were 1.5 device
    pixels, hairlines beside the timeline's text; moved to a screen of another ratio they follow it."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from app.views.timeline import LINE_WIDTH, TimelineWidget

    ratio = {"now": 2.0}
    monkeypatch.setattr(TimelineWidget, "devicePixelRatioF", lambda _self: ratio["now"])
    timeline = TimelineWidget()
    pens = lambda: [timeline.confidence_curve.opts["pen"], timeline.iou_curve.opts["pen"], timeline.cursor.pen]  # noqa: E731
    assert [pen.widthF() for pen in pens()] == [LINE_WIDTH * 2] * 3
    ratio["now"] = 1.0  # moved to a screen at 100 %
    QCoreApplication.sendEvent(timeline, QEvent(QEvent.Type.DevicePixelRatioChange))
    assert [pen.widthF() for pen in pens()] == [LINE_WIDTH] * 3
    timeline.deleteLater()
