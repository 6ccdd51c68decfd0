"""The keyboard focus ring of the frame views and the timeline (a mixin of a ``pg.GraphicsView``).

pyqtgraph's views take the focus (Tab reaches them) but draw no sign of it, so a keyboard user
could not tell where the focus was. The ring is a 2-pixel line of the palette's highlight colour
(the colour Qt's style marks other widgets' focus with) on a dark 1-pixel line, along the
widget's edge: over the margin around the picture, never its middle. As a browser's
``:focus-visible``, it shows when the focus came from the keyboard (Tab, Shift+Tab, a shortcut)
and not after a mouse click or a drag, which would frame every box drawn.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QApplication

RING_PX = 2.0  # the highlight line's width, in the widget's (logical) pixels
RING_UNDERLAY = (0, 0, 0, 200)  # RGBA of the 1-pixel dark line inside it (the ring reads on a bright picture too)
KEYBOARD_REASONS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                    Qt.FocusReason.ShortcutFocusReason)
#: focus coming back with the window (or from a menu): the ring as it was before it left
KEEPING_REASONS = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)


class FocusRing:
    """Put first among the bases of a ``pg.GraphicsView`` subclass (``FrameView``, ``TimelineWidget``)."""

    _keyboard_focus = False  # the last focus came from the keyboard (a class default: PlotWidget forwards
    # unknown attributes to its plot item)

    def focusInEvent(self, event) -> None:
        if event.reason() not in KEEPING_REASONS:
            self._keyboard_focus = event.reason() in KEYBOARD_REASONS
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event) -> None:
        if event.reason() not in KEEPING_REASONS:
            self._keyboard_focus = False
        super().focusOutEvent(event)
        self.viewport().update()

    def mousePressEvent(self, event) -> None:
        if self._keyboard_focus:  # a click on the focused view: the pointer's user needs no ring
            self._keyboard_focus = False
            self.viewport().update()
        super().mousePressEvent(event)

    def focus_ring_shown(self) -> bool:
        """Whether the ring is drawn now: the widget has the focus, and it came from the keyboard."""
        return self._keyboard_focus and self.hasFocus()

    def drawForeground(self, painter, rect) -> None:
        super().drawForeground(painter, rect)
        if not self.focus_ring_shown():
            return
        painter.save()
        painter.resetTransform()  # the viewport's pixels, whatever the zoom
        box = self.viewport().rect()
        highlight = QPen(QColor(QApplication.palette().highlight().color()), RING_PX)
        highlight.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        half = RING_PX / 2
        painter.setPen(highlight)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box.toRectF().adjusted(half, half, -half, -half))
        painter.setPen(QPen(QColor(*RING_UNDERLAY), 1.0))
        inner = RING_PX + 0.5
        painter.drawRect(box.toRectF().adjusted(inner, inner, -inner, -inner))
        painter.restore()
