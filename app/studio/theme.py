"""How things look: box pens per provenance, proposal pen, timeline colours, colormaps.

Manual boxes are solid green, interpolated dashed yellow, student solid cyan, teacher
solid orange, imported solid white; occluded boxes are drawn dashed in their colour;
teacher proposals are dotted magenta. Colours live here, never in ``core``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from core.annotations.records import FrameAnnotation, Provenance

PROVENANCE_COLORS = {
    Provenance.MANUAL: "#3ddc84",
    Provenance.INTERPOLATED: "#ffd54f",
    Provenance.STUDENT: "#4fc3f7",
    Provenance.TEACHER: "#ff8a3d",
    Provenance.IMPORTED: "#f5f5f5",
}
PROPOSAL_COLOR = "#e040fb"
CONFIDENCE_COLOR = "#4fc3f7"
AGREEMENT_COLOR = "#ff8a3d"
KEYFRAME_COLOR = "#3ddc84"
ABSENT_COLOR = "#ef5350"
LOW_COLOR = "#ef535066"
CURRENT_COLOR = "#ffffff"

COLORMAPS = ("gray", "inferno", "magma", "viridis", "turbo", "CET-L3")


def _cosmetic(color: str, width: float, style: Qt.PenStyle) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    pen.setCosmetic(True)  # width in screen pixels whatever the zoom
    pen.setStyle(style)
    return pen


def record_pen(record: FrameAnnotation, *, selected: bool = False) -> QPen:
    """The pen of a record's box: colour from provenance, dashed when occluded or interpolated."""
    color = PROVENANCE_COLORS.get(record.provenance, "#ffffff")
    dashed = record.occluded or record.provenance == Provenance.INTERPOLATED
    width = 2.5 if record.keyframe or record.provenance == Provenance.MANUAL else 2.0
    return _cosmetic(color, width + (1.0 if selected else 0.0), Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)


def proposal_pen() -> QPen:
    return _cosmetic(PROPOSAL_COLOR, 2.0, Qt.PenStyle.DotLine)


def drawing_pen() -> QPen:
    return _cosmetic("#ffffff", 1.5, Qt.PenStyle.DashLine)


def colormap(name: str) -> pg.ColorMap:
    """A pyqtgraph colormap by name; "gray" is black -> white."""
    if name == "gray":
        return pg.ColorMap(np.array([0.0, 1.0]), np.array([[0, 0, 0, 255], [255, 255, 255, 255]], dtype=np.ubyte))
    return pg.colormap.get(name)
