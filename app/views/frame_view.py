"""One image view (visible or thermal): pyqtgraph ImageItem, a box, a proposal, drawing.

The image is shown with ``imageAxisOrder='row-major'`` (set once by ``app.qt``), y down,
aspect locked. Left-drag on the image draws a new box (``drawn(box)``), dragging the box
or its handles edits it (``edited(box)``), Shift+drag there draws a new one
(``app.views.box_item.redraw_drag``); Esc during a draw cancels it; right or middle drag pans, the wheel zooms
(no closer than ``MIN_WHEEL_SIDE`` image pixels across the pane, no farther out than
``MAX_WHEEL_OUT`` times the fitted frame).
Thermal frames use a colormap with fixed display levels (``set_levels``: 0..255 unless the user
stretches them, ``app.display_levels``), never pyqtgraph's per-frame auto-levels, so brightness means
the same temperature on every frame. The levels change the picture only, never the frame. The visible
view can blend a colormapped thermal layer on top (``set_overlay``), at the same levels.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal

from app.style import thermal_colormap
from app.views.box_item import MIN_SIZE, BoxItem
from app.views.focus_ring import FocusRing

ZOOM_CONTEXT = 3.0  # Z shows this many times the target's larger side
MIN_ZOOM_SIDE = 48.0  # pixels: never zoom closer than this
#: image pixels the pane shows at least across its narrower side, however far the wheel goes: past it one
#: pixel filled the pane, a flat colour (8: a 10-px drone still fills most of the pane)
MIN_WHEEL_SIDE = 8.0
#: how far the wheel zooms out: the pane shows at most this many times what Fit to window shows (the frame
#: then fills at least 2/3 of the pane across its fitted side); unbounded, the frame shrank to a dot
MAX_WHEEL_OUT = 1.5
FIT_PADDING = 0.02  # Fit to window's margin, a fraction of the frame's side
FULL_LEVELS = (0.0, 255.0)  # an 8-bit frame's whole range: the display levels unless chosen otherwise


class ImageViewBox(pg.ViewBox):
    """ViewBox where left-drag draws a rectangle and right/middle-drag pans."""

    rect_drawn = Signal(object)  # (4,) x, y, w, h image pixels

    def __init__(self):
        super().__init__(invertY=True, lockAspect=True, enableMenu=False)
        self.drawing_enabled = True
        # the rectangle being drawn: a read-only box, dashed manual green on the dark outline of every box
        self._rubber = BoxItem("manual", editable=False)
        self._rubber.set_style("manual", occluded=True)
        self._rubber.setZValue(20)
        self._rubber.hide()
        self.addItem(self._rubber, ignoreBounds=True)
        self._cancelled = False  # Esc during the draw: the rest of the drag draws nothing
        self.frame_size: tuple[int, int] | None = None  # (width, height) of the image shown: the wheel's bound

    def wheelEvent(self, ev, axis=None):
        """pyqtgraph's wheel zoom about the pointer, its zoom-out stopped at ``MAX_WHEEL_OUT`` times the
        fitted frame (a wheel turned further out does nothing). Bounded here, by the factor of each notch:
        pyqtgraph's ``maxXRange`` / ``maxYRange`` on the two linked, aspect-locked views moved the range's
        centre away at the bound (the frame out of sight, each view elsewhere)."""
        factor = 1.02 ** (ev.delta() * self.state["wheelScaleFactor"])
        bound = self._zoom_out_room()
        if factor > 1.0 and bound is not None and factor > bound:
            if bound <= 1.0 + 1e-9:  # at the bound (or past it: a pane resized since): nothing
                ev.accept()
                self._pull_frame_in()
                return
            center = pg.Point(pg.functions.invertQTransform(self.childGroup.transform()).map(ev.pos()))
            self._resetTarget()
            self.scaleBy((bound, bound), center)
            ev.accept()
            self.sigRangeChangedManually.emit(self.state["mouseEnabled"][:])
        else:
            super().wheelEvent(ev, axis)
        if factor > 1.0:
            self._pull_frame_in()

    def zoom_step(self, factor: float) -> None:
        """Zoom in (``factor`` < 1) or out (> 1) about the view's middle, within the wheel's bounds
        (``MIN_WHEEL_SIDE``, ``MAX_WHEEL_OUT``): View > Zoom in / Zoom out, the keyboard's wheel."""
        if factor > 1.0:
            bound = self._zoom_out_room()
            if bound is not None:
                factor = min(factor, bound)
            if factor <= 1.0 + 1e-9:
                self._pull_frame_in()
                return
        (x0, x1), (y0, y1) = self.viewRange()
        self._resetTarget()
        self.scaleBy((factor, factor), pg.Point((x0 + x1) / 2, (y0 + y1) / 2))
        self.sigRangeChangedManually.emit(self.state["mouseEnabled"][:])
        if factor > 1.0:
            self._pull_frame_in()

    def pan_step(self, dx: float, dy: float) -> None:
        """Move the view by ``dx`` of its width and ``dy`` of its height (View > Pan, the keyboard's right
        drag), never past the frame's edge into empty pane (``_pull_frame_in``)."""
        (x0, x1), (y0, y1) = self.viewRange()
        self.translateBy(x=dx * (x1 - x0), y=dy * (y1 - y0))
        self._pull_frame_in()
        self.sigRangeChangedManually.emit(self.state["mouseEnabled"][:])

    def _pull_frame_in(self) -> None:
        """After a step out: along each axis, a frame narrower than the pane lies wholly on it, and a pane
        narrower than the frame shows no empty band beyond the frame's edge (the least move that does it).
        Zoomed out about the pointer from a close-up near an edge, the frame was left cut by the pane's edge,
        the rest of the pane empty."""
        if self.frame_size is None:
            return
        shift = []  # how far the range moves along x and y
        for (low, high), side in zip(self.viewRange(), self.frame_size, strict=True):
            if high - low >= side:  # the frame fits: wholly inside
                shift.append(-low if low > 0 else side - high if high < side else 0.0)
            else:  # the pane fits in the frame: no band beyond its edges
                shift.append(-low if low < 0 else side - high if high > side else 0.0)
        if any(abs(move) > 1e-9 for move in shift):
            self.translateBy(x=shift[0], y=shift[1])

    def _zoom_out_room(self) -> float | None:
        """The largest factor the view's range may still grow by (1: at the bound); None without a frame."""
        if self.frame_size is None:
            return None
        width, height = self.frame_size
        pane_w, pane_h = float(self.width()), float(self.height())
        (x0, x1), (y0, y1) = self.viewRange()
        if min(pane_w, pane_h, x1 - x0, y1 - y0, width, height) <= 0:
            return None
        margin = 1.0 + 2.0 * FIT_PADDING
        fit_scale = min(pane_w / (width * margin), pane_h / (height * margin))  # screen px per image px
        scale = min(pane_w / (x1 - x0), pane_h / (y1 - y0))  # aspect locked: the two are one
        return max(1.0, scale / (fit_scale / MAX_WHEEL_OUT))

    def cancel_drawing(self) -> bool:
        """Esc while a box is being drawn: drop it (the rest of the drag draws nothing, as in CVAT
        and LabelMe; it was kept at the release). True when a draw was going on."""
        if not self._rubber.isVisible():
            return False
        self._rubber.hide()
        self._cancelled = True
        return True

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() == Qt.MouseButton.LeftButton and self.drawing_enabled:
            ev.accept()
            if ev.isStart():
                self._cancelled = False
            if self._cancelled:
                return
            start = self.mapSceneToView(ev.buttonDownScenePos())
            end = self.mapSceneToView(ev.scenePos())
            rect = QRectF(start, end).normalized()
            if ev.isFinish():
                self._rubber.hide()
                if rect.width() >= MIN_SIZE and rect.height() >= MIN_SIZE:
                    self.rect_drawn.emit(np.array([rect.x(), rect.y(), rect.width(), rect.height()]))
            else:
                self._rubber.set_box((rect.x(), rect.y(), rect.width(), rect.height()))
            return
        if ev.button() in (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton):
            ev.accept()
            delta = self.mapSceneToView(ev.lastScenePos()) - self.mapSceneToView(ev.scenePos())
            self.translateBy(QPointF(delta.x(), delta.y()))
            return
        super().mouseDragEvent(ev, axis)


class FrameView(FocusRing, pg.GraphicsView):
    """Shows one modality. ``modality`` is "visible" or "thermal". Keyboard focus shows as a ring
    along its edge (``app.views.focus_ring``).

    Signals: drawn(box) when the user drags a new rectangle, edited(box) when the user
    moves/resizes the shown box; boxes are (4,) float64 x, y, w, h in this view's pixels.
    """

    drawn = Signal(object)
    edited = Signal(object)

    def __init__(self, modality: str, parent=None):
        super().__init__(parent, background="#202020")
        self.modality = modality
        self.viewbox = ImageViewBox()
        self.viewbox.setLimits(minXRange=MIN_WHEEL_SIDE, minYRange=MIN_WHEEL_SIDE)
        self.setCentralItem(self.viewbox)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.viewbox.addItem(self.image)
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(1)
        self.overlay.hide()
        self.viewbox.addItem(self.overlay)
        self.box_item = BoxItem("manual", editable=True)
        self.viewbox.addItem(self.box_item)
        self.proposal_item = BoxItem("proposal", editable=False)
        self.proposal_item.setZValue(11)  # above the box: a proposal over the same place stays visible
        self.viewbox.addItem(self.proposal_item)
        self.viewbox.rect_drawn.connect(self.drawn)
        self.box_item.relay.edited.connect(self.edited)
        self._image_shape: tuple[int, int] | None = None
        self.levels: tuple[float, float] = FULL_LEVELS  # the image's display levels (``set_levels``)
        self.overlay_levels: tuple[float, float] = FULL_LEVELS  # the blended thermal layer's
        self.set_colormap("gray" if modality == "thermal" else None)
        self.set_overlay_colormap("inferno")
        self.setAcceptDrops(False)  # the main window handles drops
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)  # a left drag here draws a box (the box shows its own)

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key.Key_Escape and self.viewbox.cancel_drawing():
            ev.accept()
            return
        super().keyPressEvent(ev)

    # -- image ----------------------------------------------------------------------
    def set_colormap(self, name: str | None) -> None:
        """Colormap of a one-channel image (thermal); None for RGB images."""
        if name is None:
            self.image.setLookupTable(None)
            return
        self.image.setLookupTable(thermal_colormap(name).getLookupTable(0.0, 1.0, 256))

    def set_overlay_colormap(self, name: str) -> None:
        """Colormap of the blended thermal layer."""
        self.overlay.setLookupTable(thermal_colormap(name).getLookupTable(0.0, 1.0, 256))

    def set_levels(self, levels: tuple[float, float] | None) -> None:
        """Display levels ``(low, high)`` of the image (None: ``FULL_LEVELS``): ``low`` and below shows as the
        colormap's first colour, ``high`` and above as its last, a line between (of each channel for an RGB
        image). The picture only: the frame itself is left as it is."""
        self.levels = _levels(levels)
        if self.image.image is not None:
            self.image.setLevels(self.levels)

    def set_overlay_levels(self, levels: tuple[float, float] | None) -> None:
        """Display levels of the blended thermal layer (``set_levels``'s rule)."""
        self.overlay_levels = _levels(levels)
        if self.overlay.image is not None:
            self.overlay.setLevels(self.overlay_levels)

    def set_frame(self, image: np.ndarray) -> None:
        """Show ``image``: (H, W, 3) uint8 RGB or (H, W) uint8 thermal, at the display levels ``levels``."""
        self.image.setImage(image, autoLevels=False, levels=self.levels)
        shape = image.shape[:2]
        if shape != self._image_shape:
            self._image_shape = shape
            self.viewbox.frame_size = (int(shape[1]), int(shape[0]))
            self.fit()

    def set_overlay(self, thermal: np.ndarray | None, opacity: float = 0.5) -> None:
        """Blend a colormapped (H, W) uint8 thermal frame over this view (None hides it)."""
        if thermal is None:
            self.overlay.hide()
            return
        self.overlay.setImage(thermal, autoLevels=False, levels=self.overlay_levels)
        self.overlay.setOpacity(float(opacity))
        self.overlay.show()

    def fit(self) -> None:
        if self._image_shape is not None:
            h, w = self._image_shape
            self.viewbox.setRange(QRectF(0, 0, w, h), padding=FIT_PADDING)

    def zoom_to(self, box, context: float = ZOOM_CONTEXT) -> None:
        """Zoom onto ``box`` ((4,) x, y, w, h): a square ``context`` times its larger side
        (at least ``MIN_ZOOM_SIDE`` pixels) centred on it."""
        x, y, w, h = (float(v) for v in box)
        side = max(max(w, h) * context, MIN_ZOOM_SIDE)
        cx, cy = x + w / 2, y + h / 2
        self.viewbox.setRange(QRectF(cx - side / 2, cy - side / 2, side, side), padding=0.0)

    def centre_on(self, box) -> None:
        """Pan (keeping the zoom) so that ``box`` is in the middle; nothing when the whole
        frame is on screen already."""
        if self._image_shape is not None:
            (x0, x1), (y0, y1) = self.viewbox.viewRange()
            h, w = self._image_shape
            if x1 - x0 >= w and y1 - y0 >= h:
                return
        x, y, bw, bh = (float(v) for v in box)
        (x0, x1), (y0, y1) = self.viewbox.viewRange()
        dx = (x + bw / 2) - (x0 + x1) / 2
        dy = (y + bh / 2) - (y0 + y1) / 2
        self.viewbox.translateBy(x=dx, y=dy)

    # -- boxes ----------------------------------------------------------------------
    def show_box(self, box, provenance: str = "manual", occluded: bool = False) -> None:
        """Show the frame's box ((4,) or None) styled by provenance."""
        self.box_item.set_style(provenance, occluded)
        self.box_item.set_box(box)

    def show_proposal(self, box) -> None:
        """Show a teacher proposal ((4,) or None) as a dotted read-only outline."""
        self.proposal_item.set_box(box)

    def link_to(self, other: FrameView) -> None:
        """Pan and zoom together with ``other``."""
        self.viewbox.setXLink(other.viewbox)
        self.viewbox.setYLink(other.viewbox)


def _levels(levels) -> tuple[float, float]:
    """``(low, high)`` as floats, ``high`` above ``low``; None: ``FULL_LEVELS``."""
    if levels is None:
        return FULL_LEVELS
    low, high = (float(v) for v in levels)
    return (low, high) if high > low else (low, low + 1.0)
