"""Real mouse events for the frame views' tests: a press, moves and a release sent to a view's
viewport, as a hand makes them (pyqtgraph drops mouse moves faster than its rate limit, so the
moves are 15 ms apart)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

LEFT = Qt.MouseButton.LeftButton


def to_widget(view, x: float, y: float) -> QPoint:
    """The view's widget point of the image point (x, y) (pixels of the frame)."""
    return view.mapFromScene(view.viewbox.mapViewToScene(QPointF(x, y)))


def send_mouse(view, kind: QMouseEvent.Type, pos: QPoint, buttons, *, button=LEFT,
               modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """One mouse event of ``kind`` at the widget point ``pos`` of ``view``'s viewport."""
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), button,
                                                 buttons, modifiers))


def drag(view, start: QPoint, end: QPoint, *, button=LEFT, modifiers=Qt.KeyboardModifier.NoModifier,
         hover: bool = False, after_move: Callable[[int], None] | None = None) -> None:
    """A press at ``start``, six moves to ``end`` with ``button`` (and ``modifiers``) held, and a
    release. ``hover``: the pointer moves over ``start`` first, button up, as a hand does.
    ``after_move(i)`` is called after move i (1..6), e.g. to press a key mid-drag."""
    def send(kind, pos, buttons):
        send_mouse(view, kind, pos, buttons, button=button, modifiers=modifiers)

    if hover:
        send(QMouseEvent.Type.MouseMove, start - QPoint(1, 1), Qt.MouseButton.NoButton)
        QTest.qWait(15)
        send(QMouseEvent.Type.MouseMove, start, Qt.MouseButton.NoButton)
        QTest.qWait(15)
    send(QMouseEvent.Type.MouseButtonPress, start, button)
    for i in range(1, 7):
        send(QMouseEvent.Type.MouseMove, start + (end - start) * i / 6, button)
        QTest.qWait(15)
        if after_move is not None:
            after_move(i)
    send(QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
