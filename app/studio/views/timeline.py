"""The timeline: student confidence, teacher-student IoU, keyframes, absent frames,
low-confidence runs, pending proposals and the current frame. Click to jump."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from app.studio import theme
from app.studio.review import TimelineSeries


class Timeline(pg.PlotWidget):
    """``frameClicked(frame)`` when the user clicks or drags on the plot."""

    frameClicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(120)
        self.setMaximumHeight(170)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMenuEnabled(False)
        plot = self.getPlotItem()
        plot.setYRange(-0.12, 1.05, padding=0)
        plot.showGrid(x=False, y=True, alpha=0.15)
        plot.getAxis("left").setTicks([[(0, "0"), (0.5, ".5"), (1, "1")]])
        plot.addLegend(offset=(-5, 2), labelTextSize="8pt", colCount=4)
        self.low = pg.BarGraphItem(x=[], height=[], width=1.0, y0=0.0, brush=theme.LOW_COLOR, pen=None)
        plot.addItem(self.low)
        self.confidence = plot.plot([], [], pen=pg.mkPen(theme.CONFIDENCE_COLOR, width=1.5), name="student confidence",
                                    connect="finite")
        self.agreement = plot.plot([], [], pen=None, symbol="o", symbolSize=4, symbolPen=None,
                                   symbolBrush=theme.AGREEMENT_COLOR, name="teacher IoU")
        self.keyframes = plot.plot([], [], pen=None, symbol="t1", symbolSize=8, symbolPen=None,
                                   symbolBrush=theme.KEYFRAME_COLOR, name="keyframe")
        self.absent = plot.plot([], [], pen=None, symbol="x", symbolSize=7, symbolPen=pg.mkPen(theme.ABSENT_COLOR),
                                symbolBrush=None, name="absent")
        self.proposals = plot.plot([], [], pen=None, symbol="s", symbolSize=5, symbolPen=None,
                                   symbolBrush=theme.PROPOSAL_COLOR, name="proposal")
        self.cursor = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(theme.CURRENT_COLOR, width=1))
        plot.addItem(self.cursor)
        self.threshold = pg.InfiniteLine(0.5, angle=0, pen=pg.mkPen("#ef5350", width=1, style=Qt.PenStyle.DotLine))
        plot.addItem(self.threshold)
        self.num_frames = 0
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_series(self, series: TimelineSeries) -> None:
        n = len(series.confidence)
        frames = np.arange(n, dtype=float)
        if n != self.num_frames:
            self.num_frames = n
            self.getPlotItem().setXRange(-0.5, max(n, 1) - 0.5, padding=0.01)
        self.confidence.setData(frames, series.confidence)
        finite = np.isfinite(series.agreement)
        self.agreement.setData(frames[finite], series.agreement[finite])
        self.keyframes.setData(frames[series.keyframes], np.full(int(series.keyframes.sum()), 1.0))
        self.absent.setData(frames[series.absent], np.full(int(series.absent.sum()), -0.06))
        self.proposals.setData(frames[series.proposals], np.full(int(series.proposals.sum()), 0.93))
        low = frames[series.low]
        self.low.setOpts(x=low, height=np.ones(len(low)), width=1.0)
        self.threshold.setValue(series.threshold)

    def set_current(self, frame: int) -> None:
        self.cursor.setValue(frame)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.num_frames:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        frame = int(round(point.x()))
        self.frameClicked.emit(min(max(frame, 0), self.num_frames - 1))
