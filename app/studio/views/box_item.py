"""A record's box on one view: an editable rectangle styled by provenance.

Moving or resizing it (finished drag) emits ``edited(box)`` with ``x, y, w, h`` image
pixels; programmatic updates never emit.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGraphicsRectItem

from app.studio.theme import proposal_pen, record_pen
from core.annotations.records import FrameAnnotation


class BoxItem(QObject):
    """Owns one ``pg.RectROI`` in a ViewBox; hidden when there is no box."""

    edited = Signal(object)  # (4,) float64 x, y, w, h

    def __init__(self, viewbox: pg.ViewBox):
        super().__init__()
        self.roi = pg.RectROI([0, 0], [1, 1], movable=True, resizable=True, rotatable=False, removable=False)
        for pos, center in (([0, 0], [1, 1]), ([1, 0], [0, 1]), ([0, 1], [1, 0]),
                            ([0.5, 0], [0.5, 1]), ([0.5, 1], [0.5, 0]), ([0, 0.5], [1, 0.5]), ([1, 0.5], [0, 0.5])):
            self.roi.addScaleHandle(pos, center)
        self.roi.setZValue(10)
        self.roi.hide()
        viewbox.addItem(self.roi, ignoreBounds=True)
        self.roi.sigRegionChangeFinished.connect(self._finished)
        self._quiet = False
        self.record: FrameAnnotation | None = None

    def show_box(self, box, record: FrameAnnotation | None) -> None:
        """Show ``box`` (x, y, w, h) styled for ``record``; None hides the item."""
        self.record = record
        if box is None or record is None:
            self.roi.hide()
            return
        self._quiet = True
        try:
            self.roi.setPos((float(box[0]), float(box[1])), update=False, finish=False)
            self.roi.setSize((float(box[2]), float(box[3])), update=True, finish=False)
        finally:
            self._quiet = False
        self.roi.setPen(record_pen(record))
        self.roi.show()

    def box(self) -> np.ndarray:
        pos, size = self.roi.pos(), self.roi.size()
        return np.array([pos.x(), pos.y(), size.x(), size.y()], dtype=np.float64)

    def _finished(self, _roi=None) -> None:
        if not self._quiet and self.roi.isVisible():
            self.edited.emit(self.box())


class ProposalItem:
    """A teacher proposal: dotted magenta, not editable (accept or ignore it)."""

    def __init__(self, viewbox: pg.ViewBox):
        self.item = QGraphicsRectItem()
        self.item.setPen(proposal_pen())
        self.item.setZValue(9)
        self.item.hide()
        viewbox.addItem(self.item, ignoreBounds=True)

    def show_box(self, box) -> None:
        if box is None:
            self.item.hide()
            return
        self.item.setRect(float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        self.item.show()
