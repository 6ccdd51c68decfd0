"""A box on a frame view: a pyqtgraph ROI in image pixels, styled by provenance.

Coordinates are the project's box convention (``core.geometry``): ``x, y, w, h`` float
pixels, top-left + size, in the image the view shows. The item emits ``edited(box)``
once per user gesture (on ``sigRegionChangeFinished``, never on every mouse move), so
one drag is one undo step.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from app.style import box_pen, hover_pen

MIN_SIZE = 2.0


class _Relay(QObject):
    edited = Signal(object)  # (4,) float64 x, y, w, h


class BoxItem(pg.ROI):
    """An editable (or read-only) box. ``relay.edited`` carries the new (4,) box."""

    def __init__(self, provenance: str = "manual", *, editable: bool = True):
        super().__init__((0, 0), (1, 1), movable=editable, resizable=editable, rotatable=False,
                         removable=False, pen=box_pen(provenance), hoverPen=hover_pen(provenance))
        self.relay = _Relay()
        self.editable = editable
        self.provenance = provenance
        self.occluded = False
        self._setting = False
        if editable:
            for corner, anchor in (((0, 0), (1, 1)), ((1, 1), (0, 0)), ((1, 0), (0, 1)), ((0, 1), (1, 0))):
                self.addScaleHandle(corner, anchor)
            for edge, anchor in (((0.5, 0), (0.5, 1)), ((0.5, 1), (0.5, 0)), ((0, 0.5), (1, 0.5)),
                                 ((1, 0.5), (0, 0.5))):
                self.addScaleHandle(edge, anchor)
        else:
            self.setAcceptedMouseButtons(pg.QtCore.Qt.MouseButton.NoButton)
        self.sigRegionChangeFinished.connect(self._finished)
        self.setZValue(10)
        self.hide()

    def set_style(self, provenance: str, occluded: bool = False) -> None:
        if (provenance, occluded) == (self.provenance, self.occluded):
            return
        self.provenance, self.occluded = provenance, occluded
        self.setPen(box_pen(provenance, occluded=occluded))
        self.hoverPen = hover_pen(provenance)
        self.currentPen = self.pen
        self.update()

    def set_box(self, box) -> None:
        """Show ``box`` ((4,) x, y, w, h) or hide the item when None / NaN."""
        if box is None or not np.all(np.isfinite(np.asarray(box, dtype=float))):
            self.hide()
            return
        x, y, w, h = (float(v) for v in box)
        self._setting = True
        try:
            self.setPos((x, y), update=False, finish=False)
            self.setSize((max(w, MIN_SIZE), max(h, MIN_SIZE)), update=True, finish=False)
        finally:
            self._setting = False
        self.show()

    def box(self) -> np.ndarray:
        pos, size = self.pos(), self.size()
        return np.array([pos.x(), pos.y(), size.x(), size.y()], dtype=np.float64)

    def _finished(self) -> None:
        if self._setting or not self.editable or not self.isVisible():
            return
        box = self.box()
        if box[2] < MIN_SIZE or box[3] < MIN_SIZE:
            return
        self.relay.edited.emit(box)
