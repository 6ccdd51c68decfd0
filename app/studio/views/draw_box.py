"""A ViewBox where a left-drag draws a rectangle (middle-drag pans, wheel zooms)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsRectItem

from app.studio.theme import drawing_pen


class DrawViewBox(pg.ViewBox):
    """``boxDrawn(x, y, w, h)`` in image pixels when a left-drag ends; ``clicked(x, y)``."""

    boxDrawn = Signal(float, float, float, float)

    def __init__(self, **kwargs):
        super().__init__(lockAspect=True, invertY=True, enableMenu=False, **kwargs)
        self._band = QGraphicsRectItem()
        self._band.setPen(drawing_pen())
        self._band.setZValue(1000)
        self._band.hide()
        self.addItem(self._band, ignoreBounds=True)
        self.drawing_enabled = True

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 (Qt naming)
        if ev.button() != Qt.MouseButton.LeftButton or not self.drawing_enabled:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos())
        here = self.mapSceneToView(ev.scenePos())
        rect = QRectF(start, here).normalized()
        if ev.isFinish():
            self._band.hide()
            if rect.width() > 0 and rect.height() > 0:
                self.boxDrawn.emit(rect.x(), rect.y(), rect.width(), rect.height())
        else:
            self._band.setRect(rect)
            self._band.show()
