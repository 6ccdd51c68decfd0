"""Colours and pens of the studio (presentation only; the data live in ``core``).

Box looks by provenance (issue 5 / design app.md: human, interpolated and machine boxes
must look different): manual solid green, interpolated dashed light blue, student
orange, teacher magenta, imported grey; a teacher *proposal* (not accepted yet) is a
dotted magenta outline; an occluded box is drawn dashed whatever its provenance. Every
box's coloured line lies on a dark outline (``outline_pen``), so each colour reads on any
thermal colormap (turbo's greens, yellows and oranges swallowed the manual green and the
student orange; gray's mid-greys the imported grey) and on colour frames alike.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

PROVENANCE_COLOURS = {
    "manual": "#2ecc40",
    "interpolated": "#7fdbff",
    "student": "#ff851b",
    "teacher": "#f012be",
    "imported": "#aaaaaa",
    "proposal": "#f012be",
}
PROVENANCE_LABELS = {
    "manual": "manual keyframe",
    "interpolated": "interpolated",
    "student": "student tracker",
    "teacher": "teacher (accepted)",
    "imported": "imported",
    "proposal": "teacher proposal",
}
BOX_OUTLINE = (0, 0, 0, 220)  # RGBA of the dark line under every box's colour
BOX_OUTLINE_PX = 1.5  # how far the outline shows on each side of the coloured line (screen pixels)
THERMAL_COLORMAPS = ("gray", "inferno", "magma", "plasma", "viridis", "turbo")
TIMELINE_COLOURS = {
    "confidence": "#ff851b",
    "iou": "#f012be",
    "keyframe": "#2ecc40",
    "absent": "#ff4136",
    "low": "#ffdc00",
    "cursor": "#ffffff",
}


def box_pen(provenance: str, *, occluded: bool = False, width: float = 2.0) -> QPen:
    """The pen of a box with ``provenance`` ("manual", "interpolated", "student",
    "teacher", "imported" or "proposal")."""
    pen = pg.mkPen(PROVENANCE_COLOURS.get(provenance, "#ffffff"), width=width)
    pen.setCosmetic(True)
    if provenance == "proposal":
        pen.setWidthF(width + 1.0)
        pen.setStyle(Qt.PenStyle.DotLine)
    elif occluded or provenance == "interpolated":
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def outline_pen(pen: QPen) -> QPen:
    """The solid dark pen drawn under a box's coloured ``pen``: ``BOX_OUTLINE_PX`` wider on each
    side (dashes and dots then read as colour on dark, whatever the image beneath)."""
    outline = QPen(QColor(*BOX_OUTLINE))
    outline.setCosmetic(True)
    outline.setWidthF(pen.widthF() + 2 * BOX_OUTLINE_PX)
    outline.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return outline


def for_device(pen: QPen, ratio: float) -> QPen:
    """``pen`` for a paint device of device pixel ratio ``ratio`` (2 on a 200 % screen): a cosmetic
    pen's width counts device pixels, so a 2-pixel box line was half as wide as the text beside it
    there. ``pen`` itself when ``ratio`` is 1 or the pen is not cosmetic."""
    if ratio == 1.0 or not pen.isCosmetic():
        return pen
    scaled = QPen(pen)
    scaled.setWidthF(max(pen.widthF(), 1.0) * ratio)
    return scaled


def hover_pen(provenance: str) -> QPen:
    pen = box_pen(provenance, width=3.0)
    pen.setColor(QColor(pen.color()).lighter(140))
    return pen


def thermal_colormap(name: str) -> pg.ColorMap:
    """A pyqtgraph colormap by name; "gray" is black -> white."""
    if name == "gray":
        return pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
    try:
        return pg.colormap.get(name)
    except Exception:  # name not shipped with this pyqtgraph: fall back to matplotlib's
        return pg.colormap.getFromMatplotlib(name)
