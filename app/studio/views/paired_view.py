"""Visible and thermal side by side, zoom and pan linked, one target on both.

Boxes drawn or edited on either view come out as ``boxDrawn(box, modality)`` /
``boxEdited(box, modality)`` with modality "visible" or "thermal". With
``separate_thermal`` the thermal view shows the record's own thermal box (misaligned
pairs); otherwise both views show the same box.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.studio.views.frame_view import FrameView
from core.annotations.records import FrameAnnotation


class PairedView(QWidget):
    boxDrawn = Signal(object, str)
    boxEdited = Signal(object, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.visible = FrameView("visible", thermal=False)
        self.thermal = FrameView("thermal", thermal=True)
        self.thermal.viewbox.setXLink(self.visible.viewbox)
        self.thermal.viewbox.setYLink(self.visible.viewbox)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.visible)
        layout.addWidget(self.thermal)
        self.separate_thermal = False
        self.overlay_enabled = False
        self._pair = None
        for view, modality in ((self.visible, "visible"), (self.thermal, "thermal")):
            view.boxDrawn.connect(lambda box, m=modality: self.boxDrawn.emit(box, m))
            view.boxEdited.connect(lambda box, m=modality: self.boxEdited.emit(box, m))

    def set_colormap(self, name: str) -> None:
        self.thermal.set_colormap(name)
        self.visible.set_colormap(name)  # the overlay's colormap

    def set_overlay(self, enabled: bool) -> None:
        self.overlay_enabled = bool(enabled)
        self.visible.set_overlay(self._pair.thermal if enabled and self._pair is not None else None)

    def show_pair(self, pair) -> None:
        """Show a ``FramePair`` (visible (H, W, 3) uint8 RGB, thermal (H, W) uint8)."""
        self._pair = pair
        self.visible.set_image(pair.visible)
        self.thermal.set_image(pair.thermal)
        if self.overlay_enabled:
            self.visible.set_overlay(pair.thermal)

    def show_record(self, record: FrameAnnotation | None, proposal=None) -> None:
        """Draw the frame's record (None: no box) and the teacher's proposal box, if any."""
        box = None if record is None else record.box
        thermal = None if record is None else (record.effective_thermal_box if self.separate_thermal else record.box)
        self.visible.box_item.show_box(box, record)
        self.thermal.box_item.show_box(thermal, record)
        self.visible.proposal.show_box(proposal)
        self.thermal.proposal.show_box(proposal)

    def fit(self) -> None:
        self.visible.fit()
