"""One modality's frame with its boxes: an ImageItem in a drawing ViewBox.

Images are numpy arrays as stored (row-major): visible (H, W, 3) uint8 RGB shown as
is; thermal (H, W) uint8 shown through a colormap with fixed levels 0..255 (no
per-frame auto levels, so brightness means temperature consistently across frames).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from app.studio.theme import colormap
from app.studio.views.box_item import BoxItem, ProposalItem
from app.studio.views.draw_box import DrawViewBox

LEVELS = (0.0, 255.0)


class FrameView(pg.GraphicsLayoutWidget):
    """``boxDrawn(box)`` on a finished left-drag; ``boxEdited(box)`` when the box is moved."""

    boxDrawn = Signal(object)
    boxEdited = Signal(object)

    def __init__(self, title: str, *, thermal: bool, parent=None):
        super().__init__(parent)
        self.thermal = thermal
        self.setMinimumSize(240, 190)
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.title = self.addLabel(title, row=0, col=0, size="9pt")
        self.viewbox = DrawViewBox()
        self.addItem(self.viewbox, row=1, col=0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.viewbox.addItem(self.image)
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setOpacity(0.45)
        self.overlay.setZValue(1)
        self.overlay.hide()
        self.viewbox.addItem(self.overlay)
        self.box_item = BoxItem(self.viewbox)
        self.proposal = ProposalItem(self.viewbox)
        self.viewbox.boxDrawn.connect(lambda x, y, w, h: self.boxDrawn.emit(np.array([x, y, w, h], np.float64)))
        self.box_item.edited.connect(self.boxEdited)
        self._shape: tuple[int, int] | None = None
        if thermal:
            self.set_colormap("inferno")

    def set_colormap(self, name: str) -> None:
        cmap = colormap(name)
        self.image.setColorMap(cmap)
        self.overlay.setColorMap(cmap)

    def set_image(self, array: np.ndarray) -> None:
        """Show a frame; the view fits the first frame (and any size change) only."""
        self.image.setImage(array, autoLevels=False, levels=None if array.ndim == 3 else LEVELS)
        shape = array.shape[:2]
        if shape != self._shape:
            self._shape = shape
            self.viewbox.setLimits(xMin=-shape[1], xMax=2 * shape[1], yMin=-shape[0], yMax=2 * shape[0])
            self.viewbox.autoRange(padding=0.01)

    def set_overlay(self, thermal: np.ndarray | None) -> None:
        """Blend a thermal frame over this (visible) view; None hides the overlay."""
        if thermal is None:
            self.overlay.hide()
            return
        self.overlay.setImage(thermal, autoLevels=False, levels=LEVELS)
        self.overlay.show()

    def fit(self) -> None:
        self.viewbox.autoRange(padding=0.01)
