"""Test helpers: waiting for the studio's workers, and real mouse drags on pyqtgraph
views (QTest.mouseMove carries no buttons in Qt 6, so drags are sent as QMouseEvents)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def _send(view, kind, point, buttons, button):
    viewport = view.viewport()
    local = QPointF(point)
    event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(local.toPoint())), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def image_to_widget(frame_view, x: float, y: float) -> QPointF:
    scene = frame_view.viewbox.mapViewToScene(QPointF(x, y))
    return QPointF(frame_view.mapFromScene(scene))


def drag(frame_view, start, end, steps: int = 6) -> None:
    """Left-drag from image point ``start`` to ``end`` (pixels) on a FrameView."""
    a = image_to_widget(frame_view, *start)
    b = image_to_widget(frame_view, *end)
    left = Qt.MouseButton.LeftButton
    _send(frame_view, QEvent.Type.MouseButtonPress, a, left, left)
    for i in range(1, steps + 1):
        t = i / steps
        p = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
        _send(frame_view, QEvent.Type.MouseMove, p, left, Qt.MouseButton.NoButton)
        QApplication.processEvents()
    _send(frame_view, QEvent.Type.MouseButtonRelease, b, Qt.MouseButton.NoButton, left)
    QApplication.processEvents()


def open_and_wait(qtbot, window, source, store_path=None):
    window.open_source(source, store_path)
    qtbot.waitUntil(lambda: window.project is not None and not window.opener.busy, timeout=30000)
    return window.project


def wait_idle(qtbot, window, timeout=90000):
    qtbot.waitUntil(lambda: not window.annotator.busy, timeout=timeout)
