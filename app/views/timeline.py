"""The timeline: per-frame confidence and teacher-student IoU, markers, click to jump.

x is the 0-based frame index inside; the axis is labelled with frame NUMBERS counted
from 1, like the frame counter of the transport bar and the view titles. Curves: student confidence (orange), teacher-student IoU
(magenta, where refined), the IoU with a reference (cyan, while View > Compare with ... shows one:
``set_reference``); a value without a neighbour is a dot. Markers: manual keyframes (green triangles on top),
imported boxes (grey bars on top, the grey the views draw them in; pre-labels imported as machine boxes orange,
the tracker's colour), absent frames (a flat grey band over the plot's height, red ticks at the bottom; no keyframe
triangles there, though each absent mark is a keyframe: a long absent range drew a green bar of them, read as
keyframes), low-confidence runs (yellow bars). A white cursor marks
the current frame; click anywhere to jump, or press and drag across it to scrub (the frames follow
the pointer); Shift+drag pans, the wheel zooms (to ``MIN_FRAMES_SHOWN`` frames at the closest). A range region (shown on demand) selects frames
for teacher refinement and interpolation; its edges and body are dragged as before.
"""
from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from app.review import TimelineData, low_confidence_runs, mask_runs
from app.style import PROVENANCE_COLOURS
from app.style import TIMELINE_COLOURS as C
from app.views.box_item import REFERENCE_COLOUR
from app.views.focus_ring import FocusRing

IMPORTED = PROVENANCE_COLOURS["imported"]  # the imported boxes' colour in the views, for their frames here
PRELABEL = PROVENANCE_COLOURS["student"]  # pre-labels are machine boxes: the views draw them in the tracker's colour

KEY_Y, ABSENT_Y, LOW_Y = 1.1, -0.1, -0.2
MIN_FRAMES_SHOWN = 10.0  # the closest the wheel zooms the timeline: this many frames across it
#: the curves' and the frame cursor's width in screen points (device pixels x the device pixel ratio: at
#: QT_SCALE_FACTOR=2 a width in device pixels drew hairlines beside the timeline's text)
LINE_WIDTH = 1.5
#: the band over absent frames: a flat grey (RGBA) under the curves, and its colour on the legend's dark background
ABSENT_BAND = (150, 150, 150, 55)
ABSENT_BAND_HTML = "#3d3d3d"
#: the most characters of a reference's name the legend shows (View > Compare with a box file...: the file's name)
REFERENCE_NAME_CHARS = 28
LABEL_SPILL_PX = 15  # how far a frame label may reach left of the axis (into the empty corner under the left axis)


def legend_html(reference: str = "") -> str:
    """One line above the plot naming each colour (a legend that never hides data); ``reference``:
    what the project is compared with ("the ground truth", a file's name), whose IoU curve then
    has an entry, or "" for none."""
    if len(reference) > REFERENCE_NAME_CHARS:  # a long file name pushed the legend's other entries off the plot
        reference = reference[:REFERENCE_NAME_CHARS - 1] + "\u2026"
    entries = (("confidence", "&#9472;&#9472; tracker confidence"), ("iou", "&#9472;&#9472; teacher-student IoU"),
               *((("reference", f"&#9472;&#9472; IoU with {escape(reference)}"),) if reference else ()),
               ("keyframe", "&#9650; keyframe"), ("imported", "&#9644; imported"), ("prelabel", "&#9644; pre-labels"),
               ("absent", "&#9632; absent"), ("low", "&#9644; low confidence"))
    colours = {**C, "imported": IMPORTED, "prelabel": PRELABEL, "reference": REFERENCE_COLOUR}
    band = f";background-color:{ABSENT_BAND_HTML}"  # the absent entry on the band's grey, as its frames are drawn
    return "&nbsp;&nbsp;&nbsp;".join(f'<span style="color:{colours[key]}{band if key == "absent" else ""}">{text}</span>'
                                     for key, text in entries)


def isolated(values: np.ndarray) -> np.ndarray:
    """Indices of the finite entries of the (N,) ``values`` whose neighbours are both NaN (or
    missing): the points a curve drawn with ``connect="finite"`` leaves out."""
    finite = np.isfinite(values)
    before = np.concatenate([[False], finite[:-1]])
    after = np.concatenate([finite[1:], [False]])
    return np.flatnonzero(finite & ~before & ~after)


class FrameAxis(pg.AxisItem):
    """The bottom axis: frame numbers from 1 at the 0-based positions; ticks only at whole
    frames (an empty window, or a short sequence zoomed in, read "0.6 0.7 ... 1.4")."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size) if spacing >= 1]
        return levels or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):
        return [f"{v * scale + 1:g}" for v in values]

    def boundingRect(self):
        """The axis's area, reaching ``LABEL_SPILL_PX`` left of its start: pyqtgraph draws no label
        that sticks out of it, and the "1" centred on the first frame (a pixel or two from the
        axis's start once a sequence has some 560 frames) was dropped."""
        return super().boundingRect().adjusted(-LABEL_SPILL_PX, 0, 0, 0)


class ScrubViewBox(pg.ViewBox):
    """The plot's view box: a left-button drag scrubs (``scrubbed`` with the frame position under
    the pointer, on every move) as in video editors; with Shift, or with another button, it pans
    and zooms as pyqtgraph does. A press on the range region or the cursor line is theirs."""

    scrubbed = Signal(float)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() == Qt.MouseButton.LeftButton and not (ev.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            ev.accept()
            self.scrubbed.emit(self.mapSceneToView(ev.scenePos()).x())
            return
        if ev.button() == Qt.MouseButton.LeftButton:  # Shift+drag: pyqtgraph's pan
            ev.accept()
            delta = self.mapSceneToView(ev.lastScenePos()).x() - self.mapSceneToView(ev.scenePos()).x()
            self.translateBy(x=delta)
            return
        super().mouseDragEvent(ev, axis)


class TimelineWidget(FocusRing, pg.PlotWidget):
    """Signals: frame_clicked(int), range_changed(int start, int stop) (stop exclusive). Keyboard
    focus shows as a ring along its edge (``app.views.focus_ring``)."""

    frame_clicked = Signal(int)
    range_changed = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent, background="#202020", axisItems={"bottom": FrameAxis("bottom")},
                         viewBox=ScrubViewBox())
        self.setMinimumHeight(110)
        self.setMaximumHeight(180)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=False, alpha=0.2)
        item.setYRange(-0.28, 1.18, padding=0)
        item.getAxis("left").setTicks([[(0, "0"), (0.5, ".5"), (1, "1")]])
        self.getViewBox().setMouseEnabled(x=True, y=False)
        self.getViewBox().setLimits(yMin=-0.3, yMax=1.2)
        item.setTitle(legend_html(), size="8pt")
        # autoDownsampleFactor: frames per pixel before the curves draw min/max pairs (below)
        self.confidence_curve = item.plot([], [], pen=pg.mkPen(C["confidence"], width=LINE_WIDTH), connect="finite",
                                          autoDownsampleFactor=1.0)
        self.iou_curve = item.plot([], [], pen=pg.mkPen(C["iou"], width=LINE_WIDTH), connect="finite",
                                   autoDownsampleFactor=1.0)
        # the project's IoU with a reference (View > Compare with ...), in the reference box's colour: hidden until one is shown
        self.reference_curve = item.plot([], [], pen=pg.mkPen(REFERENCE_COLOUR, width=LINE_WIDTH), connect="finite",
                                         autoDownsampleFactor=1.0)
        self.reference_curve.hide()
        for curve in (self.confidence_curve, self.iou_curve, self.reference_curve):
            # a long sequence (25,000 frames) drew a 25,000-point path on every paint (20 ms), and
            # the cursor repaints the plot on every step and on every live frame of a run: the
            # curves draw at most two points (min and max, so a one-frame dip stays visible) per
            # pixel of what is in view, and keep their drawing in a pixmap until their data or
            # the view's range change (a cursor move then costs a copy of it, ~1 ms)
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # a value with no neighbour (one refined frame, the default of R; a one-frame run) is no
        # line at all for connect="finite": such frames get a dot of the curve's colour
        self.confidence_dots = pg.ScatterPlotItem(symbol="o", size=5, brush=pg.mkBrush(C["confidence"]), pen=None)
        self.iou_dots = pg.ScatterPlotItem(symbol="o", size=5, brush=pg.mkBrush(C["iou"]), pen=None)
        self.reference_dots = pg.ScatterPlotItem(symbol="o", size=5, brush=pg.mkBrush(REFERENCE_COLOUR), pen=None)
        self.reference_dots.hide()
        for dots in (self.confidence_dots, self.iou_dots, self.reference_dots):
            item.addItem(dots)
        self.keyframes = pg.ScatterPlotItem(symbol="t1", size=9, brush=pg.mkBrush(C["keyframe"]), pen=None)
        self.absent = pg.ScatterPlotItem(symbol="s", size=6, brush=pg.mkBrush(C["absent"]), pen=None)
        self.low_runs = pg.BarGraphItem(x0=[], x1=[], y0=LOW_Y - 0.04, y1=LOW_Y + 0.04, brush=C["low"], pen=None)
        # the frames holding imported boxes: a grey bar along the top row, under the keyframe triangles
        # (pre-labels, machine boxes with no score, an orange one)
        self.imported_runs = pg.BarGraphItem(x0=[], x1=[], y0=KEY_Y - 0.03, y1=KEY_Y + 0.03, brush=IMPORTED, pen=None)
        self.prelabel_runs = pg.BarGraphItem(x0=[], x1=[], y0=KEY_Y - 0.03, y1=KEY_Y + 0.03, brush=PRELABEL, pen=None)
        for bar in (self.imported_runs, self.prelabel_runs):
            bar.setZValue(-1)
        # the absent ranges: a flat grey band over the plot's height, behind everything (as CVAT draws the
        # frames where an object is outside); its frames' keyframe triangles are left out
        self.absent_runs = pg.BarGraphItem(x0=[], x1=[], y0=-0.3, y1=1.2, brush=pg.mkBrush(*ABSENT_BAND), pen=None)
        self.absent_runs.setZValue(-5)
        for extra in (self.keyframes, self.absent, self.low_runs, self.imported_runs, self.prelabel_runs,
                      self.absent_runs):
            item.addItem(extra)
        self.cursor = pg.InfiniteLine(0, angle=90, movable=True, pen=pg.mkPen(C["cursor"], width=LINE_WIDTH))
        self.cursor.setZValue(50)
        item.addItem(self.cursor)
        self._apply_line_widths()
        self.region = pg.LinearRegionItem((0, 1), movable=True, brush=pg.mkBrush(100, 160, 255, 50))
        self.region.setZValue(-10)
        self.region.hide()
        item.addItem(self.region)
        self.cursor.sigPositionChangeFinished.connect(lambda line: self.frame_clicked.emit(self._clamp(line.value())))
        self.region.sigRegionChangeFinished.connect(self._region_changed)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.getViewBox().scrubbed.connect(self._scrubbed)
        self._scrub_frame: int | None = None
        self._num_frames = 1

    # -- data -------------------------------------------------------------------------
    def _apply_line_widths(self) -> None:
        """The curves' and the cursor's pens at LINE_WIDTH points on this widget's screen."""
        width = LINE_WIDTH * self.devicePixelRatioF()
        for curve, colour in ((self.confidence_curve, C["confidence"]), (self.iou_curve, C["iou"]),
                              (self.reference_curve, REFERENCE_COLOUR)):
            curve.setPen(pg.mkPen(colour, width=width))
        self.cursor.setPen(pg.mkPen(C["cursor"], width=width))

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to a screen of another scale
            self._apply_line_widths()
        return super().event(event)

    def set_data(self, data: TimelineData, *, low_threshold: float = 0.5) -> None:
        n = data.num_frames
        if n != self._num_frames:
            self._num_frames = n
            # the wheel stops at MIN_FRAMES_SHOWN frames (or the whole footage): past it less than a frame
            # filled the timeline, its frame numbers gone
            self.getViewBox().setLimits(xMin=-1, xMax=max(n, 2), minXRange=min(MIN_FRAMES_SHOWN, max(n - 1, 1)))
            self.getPlotItem().setXRange(0, max(n - 1, 1), padding=0.01)
        x = np.arange(n, dtype=np.float64)
        self.confidence_curve.setData(x, data.confidence)
        self.iou_curve.setData(x, data.iou)
        for dots, values in ((self.confidence_dots, data.confidence), (self.iou_dots, data.iou)):
            alone = isolated(values)
            dots.setData(alone.astype(float), values[alone])
        keys = np.flatnonzero(data.keyframe & ~data.absent)  # an absent mark is a keyframe: drawn as absent only
        self.keyframes.setData(keys.astype(float), np.full(keys.size, KEY_Y))
        absent = np.flatnonzero(data.absent)
        self.absent.setData(absent.astype(float), np.full(absent.size, ABSENT_Y))
        for bar, runs in ((self.low_runs, low_confidence_runs(data.confidence, low_threshold)),
                          (self.absent_runs, mask_runs(data.absent)),
                          (self.imported_runs, mask_runs(data.imported)), (self.prelabel_runs, mask_runs(data.prelabel))):
            bar.setOpts(x0=[a - 0.5 for a, _ in runs], x1=[b - 0.5 for _, b in runs])

    def set_reference(self, iou: np.ndarray | None, reference: str = "") -> None:
        """Show the (N,) float64 per-frame IoU of the project's box with a reference (NaN where
        nothing is compared; ``core.metrics.reference``) as a curve in the reference's colour,
        with a legend entry naming ``reference``; None hides the curve and its entry."""
        if iou is None:
            self.reference_curve.setData([], [])
            self.reference_dots.setData([], [])
            self.reference_curve.hide()
            self.reference_dots.hide()
            self.getPlotItem().setTitle(legend_html(), size="8pt")
            return
        values = np.asarray(iou, dtype=np.float64)
        self.reference_curve.setData(np.arange(values.shape[0], dtype=np.float64), values)
        alone = isolated(values)
        self.reference_dots.setData(alone.astype(float), values[alone])
        self.reference_curve.show()
        self.reference_dots.show()
        self.getPlotItem().setTitle(legend_html(reference), size="8pt")

    def set_frame(self, frame: int) -> None:
        self.cursor.blockSignals(True)
        self.cursor.setValue(frame)
        self.cursor.blockSignals(False)

    # -- range ------------------------------------------------------------------------
    def show_range(self, start: int, stop: int) -> None:
        """Show the selection region over frames ``start .. stop-1``."""
        self.region.setRegion((start, max(start, stop - 1)))
        self.region.show()

    def hide_range(self) -> None:
        self.region.hide()

    def selected_range(self) -> tuple[int, int] | None:
        """(start, stop) stop exclusive, or None when no range is shown."""
        if not self.region.isVisible():
            return None
        a, b = self.region.getRegion()
        return self._clamp(a), self._clamp(b) + 1

    def _region_changed(self) -> None:
        selected = self.selected_range()
        if selected is not None:
            self.range_changed.emit(*selected)

    def _clamp(self, value: float) -> int:
        return int(min(max(round(value), 0), self._num_frames - 1))

    def _scrubbed(self, x: float) -> None:
        """A drag across the plot reached ``x``: the frame under it, once per frame passed."""
        frame = self._clamp(x)
        if frame != self._scrub_frame:
            self._scrub_frame = frame
            self.frame_clicked.emit(frame)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        self.frame_clicked.emit(self._clamp(vb.mapSceneToView(event.scenePos()).x()))
