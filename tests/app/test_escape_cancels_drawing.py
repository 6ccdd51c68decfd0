"""Esc while a box is being drawn (the mouse button still down) cancels it, as in CVAT and
LabelMe: the drag went on and its box was kept at the release, to be undone after."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def _send(view, kind, pos: QPoint, buttons) -> None:
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)),
                                                 Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.NoModifier))


def _to_widget(view, x: float, y: float) -> QPoint:
    return view.mapFromScene(view.viewbox.mapViewToScene(QPointF(x, y)))


def _draw(view, start, end, escape: bool) -> None:
    left = Qt.MouseButton.LeftButton
    _send(view, QMouseEvent.Type.MouseButtonPress, start, left)
    for i in range(1, 7):
        _send(view, QMouseEvent.Type.MouseMove, start + (end - start) * i / 6, left)
        QTest.qWait(15)
        if escape and i == 4:
            QTest.keyClick(view, Qt.Key.Key_Escape)
            assert not view.viewbox._rubber.isVisible()
    _send(view, QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def test_escape_during_a_draw_cancels_it_and_the_next_draw_works(window, pair_files, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "e.rgbt.sqlite"))
    qtbot.wait(50)
    view = window.views.visible
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    _draw(view, _to_widget(view, 20, 20), _to_widget(view, 80, 70), escape=True)
    assert window.document.record(0) is None
    assert window.document.undo_stack.count() == 0
    _draw(view, _to_widget(view, 20, 20), _to_widget(view, 80, 70), escape=False)
    assert window.document.record(0) is not None
