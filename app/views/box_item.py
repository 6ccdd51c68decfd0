"""A box on a frame view: a pyqtgraph ROI in image pixels, styled by provenance.

Coordinates are the project's box convention (``core.geometry``): ``x, y, w, h`` float
pixels, top-left + size, in the image the view shows. The item emits ``edited(box)``
once per user gesture (on ``sigRegionChangeFinished``, never on every mouse move), so
one drag is one undo step.

Handles never overlap: on a box that is small on screen the edge handles hide (corners
only), and on a tiny one only the bottom-right corner stays (``handle_layout``); the box
body still moves it. The set is chosen again whenever the zoom or the box changes.

The pointer shows what a drag does: a move cursor over the box, a resize cursor along each
handle's direction (the view shows a cross over the picture, where a drag draws).
Shift+drag draws a new box wherever it starts, also inside this box or on a handle (where a
plain drag moves or resizes it): the drag goes on to the view, which draws (``redraw_drag``).

The coloured line is drawn over a dark outline (``app.style.outline_pen``) so that a box
reads on any colormap; the item's bounding rectangle reaches over the outline (screen
pixels, recomputed on zoom), its shape (what the mouse hits) is the box alone.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from app.style import box_pen, for_device, hover_pen, outline_pen

#: the reference box's colour (View > Compare with ...: the ground truth or a box file shown beside the project's
#: box): cyan, a colour no box of the project has, and its timeline curve's
REFERENCE_COLOUR = "#00e5ff"

MIN_SIZE = 2.0
ALL_HANDLES_MIN_PX = 48.0  # on-screen side from which all 8 handles show
CORNER_HANDLES_MIN_PX = 20.0  # ... from which the 4 corners show; below it only the bottom-right one


def handle_layout(width_px: float, height_px: float) -> str:
    """"all", "corners" or "one" handle(s) for a box of this on-screen size (pixels)."""
    side = min(width_px, height_px)
    if side >= ALL_HANDLES_MIN_PX:
        return "all"
    if side >= CORNER_HANDLES_MIN_PX:
        return "corners"
    return "one"


def _shown(layout: str, pos) -> bool:
    x, y = float(pos[0]), float(pos[1])
    if layout == "all":
        return True
    if layout == "corners":
        return x in (0.0, 1.0) and y in (0.0, 1.0)
    return (x, y) == (1.0, 1.0)


def redraw_drag(item, ev) -> bool:
    """Hand a Shift+left drag on ``item`` (the box or one of its handles) to its view, which
    draws a new box from it; True when it did. The decision is taken at the drag's start and kept
    to its end (``item._redraw``), whatever the keys do meanwhile."""
    if ev.isStart():
        item._redraw = (ev.button() == pg.QtCore.Qt.MouseButton.LeftButton
                        and bool(ev.modifiers() & pg.QtCore.Qt.KeyboardModifier.ShiftModifier))
    if not getattr(item, "_redraw", False):
        return False
    view = item.getViewBox()
    if view is None:
        return False
    view.mouseDragEvent(ev)
    if ev.isFinish():
        item._redraw = False
    return True


class _Handle(pg.graphicsItems.ROI.Handle):
    """A scale handle whose Shift+drag draws a new box (``redraw_drag``)."""

    def mouseDragEvent(self, ev):
        if not redraw_drag(self, ev):
            super().mouseDragEvent(ev)


def handle_cursor(pos) -> pg.QtCore.Qt.CursorShape:
    """The resize cursor of a handle at ``pos`` ((x, y) in 0..1 of the box, y down on screen)."""
    shape = pg.QtCore.Qt.CursorShape
    x, y = float(pos[0]), float(pos[1])
    if x == 0.5:
        return shape.SizeVerCursor
    if y == 0.5:
        return shape.SizeHorCursor
    return shape.SizeFDiagCursor if x == y else shape.SizeBDiagCursor


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
                self.addScaleHandle(corner, anchor, item=self._handle(corner))
            for edge, anchor in (((0.5, 0), (0.5, 1)), ((0.5, 1), (0.5, 0)), ((0, 0.5), (1, 0.5)),
                                 ((1, 0.5), (0, 0.5))):
                self.addScaleHandle(edge, anchor, item=self._handle(edge))
            self.setCursor(pg.QtCore.Qt.CursorShape.SizeAllCursor)  # a drag moves it
        else:
            self.setAcceptedMouseButtons(pg.QtCore.Qt.MouseButton.NoButton)
        self.sigRegionChangeFinished.connect(self._finished)
        self.setZValue(10)
        self.layout = "all"
        self._pad = (0.0, 0.0)  # item units covering half the widest outline, in x and y
        self.hide()

    def _handle(self, pos) -> _Handle:
        """The scale handle at ``pos`` (0..1 of the box, y down), with the resize cursor of its direction."""
        handle = _Handle(self.handleSize, typ="s", pen=self.handlePen, hoverPen=self.handleHoverPen, parent=self,
                         antialias=self._antialias)
        handle.setCursor(handle_cursor(pos))
        return handle

    def mouseDragEvent(self, ev):
        """A plain left drag moves the box; Shift+drag draws a new one (``redraw_drag``), where
        pyqtgraph scaled the box about its centre."""
        if not redraw_drag(self, ev):
            super().mouseDragEvent(ev)

    def screen_size(self) -> tuple[float, float] | None:
        """The box's (width, height) in device pixels, or None when not on a view."""
        size = self.size()
        rect = self.mapRectToDevice(pg.QtCore.QRectF(0, 0, size.x(), size.y()))
        return None if rect is None else (abs(rect.width()), abs(rect.height()))

    def update_handles(self) -> None:
        """Show the handles that fit the box's on-screen size (``handle_layout``)."""
        if not self.editable:
            return
        size = self.screen_size()
        if size is None:
            return
        self.layout = handle_layout(*size)
        for handle in self.handles:
            handle["item"].setVisible(_shown(self.layout, handle["pos"]))

    def viewTransformChanged(self):
        super().viewTransformChanged()
        self._update_pad()
        self.update_handles()

    # -- drawing: the coloured line on a dark outline ---------------------------------------
    def _update_pad(self) -> None:
        """The outline of the widest pen (hover) reaches past the box by half its width: the
        bounding rectangle covers it, else a drag left traces of it behind."""
        half = outline_pen(hover_pen(self.provenance)).widthF() / 2 + 1.0  # + 1: antialiasing
        pad = (abs(self.pixelWidth()) * half, abs(self.pixelHeight()) * half)
        if pad != self._pad:
            self.prepareGeometryChange()
            self._pad = pad

    def _rect(self) -> pg.QtCore.QRectF:
        return pg.QtCore.QRectF(0, 0, self.state["size"][0], self.state["size"][1]).normalized()

    def boundingRect(self):
        dx, dy = self._pad
        return self._rect().adjusted(-dx, -dy, dx, dy)

    def shape(self):
        path = pg.QtGui.QPainterPath()
        path.addRect(self._rect())
        return path

    def paint(self, p, opt, widget):
        # the pens' widths are in screen points: scaled to the device's pixels (``for_device``)
        ratio = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        pen = self.currentPen
        p.save()
        r = self._rect()
        p.setRenderHint(pg.QtGui.QPainter.RenderHint.Antialiasing, self._antialias)
        p.setPen(for_device(outline_pen(pen), ratio))
        p.translate(r.left(), r.top())
        p.scale(r.width(), r.height())
        p.drawRect(0, 0, 1, 1)
        p.restore()
        self.currentPen = for_device(pen, ratio)  # what ROI.paint draws with
        try:
            super().paint(p, opt, widget)
        finally:
            self.currentPen = pen

    def set_style(self, provenance: str, occluded: bool = False) -> None:
        if (provenance, occluded) == (self.provenance, self.occluded):
            return
        self.provenance, self.occluded = provenance, occluded
        self.setPen(box_pen(provenance, occluded=occluded))
        self.hoverPen = hover_pen(provenance)
        self.currentPen = self.pen
        self._update_pad()
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
        self.update_handles()

    def box(self) -> np.ndarray:
        pos, size = self.pos(), self.size()
        return np.array([pos.x(), pos.y(), size.x(), size.y()], dtype=np.float64)

    def _finished(self) -> None:
        if self._setting or not self.editable or not self.isVisible():
            return
        self.update_handles()
        box = self.box()
        if box[2] < MIN_SIZE or box[3] < MIN_SIZE:
            return
        self.relay.edited.emit(box)


def reference_pen(width: float = 2.0):
    """The reference box's pen: ``REFERENCE_COLOUR`` in dashes and dots (the project's boxes are solid,
    dashed (interpolated, occluded) or dotted (a teacher proposal))."""
    pen = pg.mkPen(REFERENCE_COLOUR, width=width)
    pen.setCosmetic(True)
    pen.setStyle(pg.QtCore.Qt.PenStyle.DashDotLine)
    return pen


#: the reference box's place in the view's stack: under the project's box (10) and a teacher proposal (11)
REFERENCE_Z = 9


class ReferenceBoxItem(BoxItem):
    """The box of a reference (the sequence's ground truth, another annotator's file) drawn beside the
    project's box: read-only, no handles, never takes a click (a drag on it draws or edits on the
    view beneath, as if it were not there), never emits ``edited``. Drawn in its own style
    (``reference_pen``) under the project's box: drawn over it, with its dark outline, it hid the
    project's box where the two nearly coincide (antiuav-4's first frame, IoU 0.98: only the
    box's handles showed); under it, it shows wherever the two differ by a pixel or more."""

    def __init__(self):
        super().__init__("reference", editable=False)
        self.setAcceptHoverEvents(False)
        self.setPen(reference_pen())
        self.hoverPen = reference_pen()
        self.currentPen = self.pen
        self.setZValue(REFERENCE_Z)

    def set_style(self, provenance: str, occluded: bool = False) -> None:
        """Its style is the reference's whatever the frame's box is (nothing to change)."""
