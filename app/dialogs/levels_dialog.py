"""View > Thermal levels > Manual... (Ctrl+L): the thermal picture's display levels.

The frame on screen's histogram with the levels over it (drag the band or its edges, or type Low and
High), and the three choices: the full 0-255, the auto contrast (the sequence's 1-99 %) and manual
levels; "This frame's 1-99 %" fills Low and High from the frame on screen. Every change is shown on
the views at once (``changed``); Cancel puts back what was there. The display only: the frames the
trackers and the exports read are never changed.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from app.display_levels import FULL, MIN_SPAN, frames_stretch, histogram, raw_value


class LevelsDialog(QDialog):
    """``values()`` -> (mode, low, high): mode "full", "auto" or "manual", low and high the manual
    levels (8-bit, ``high - low >= MIN_SPAN``). ``frame``: the thermal frame on screen ((H, W) uint8) or
    None; ``auto``: the sequence's auto stretch or None (not known); ``mapping``: 16-bit footage's
    ``ThermalMapping`` (the raw values are said beside the 8-bit levels) or None.

    Signals: changed(str mode, float low, float high) on every change."""

    changed = Signal(str, float, float)

    def __init__(self, mode: str, manual: tuple[float, float], frame: np.ndarray | None,
                 auto: tuple[int, int] | None, mapping=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Thermal levels")
        self._frame = frame
        self._mapping = mapping
        self._updating = False
        layout = QVBoxLayout(self)
        about = QLabel("What the thermal colormap spans: values at Low and below show as its first colour, "
                       "at High and above as its last. The display only: the frames the trackers and the "
                       "exports read are unchanged.")
        about.setWordWrap(True)
        layout.addWidget(about)

        self.plot = pg.PlotWidget(background="#202020")
        self.plot.setMinimumHeight(140)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.getPlotItem().hideAxis("left")
        self.plot.setXRange(0, 255, padding=0.01)
        if frame is not None:
            counts = histogram(frame).astype(np.float64)
            shown = np.sqrt(counts)  # a square root: the few hot pixels of a drone still show beside the sky
            self.plot.plot(np.arange(257), shown, stepMode="center", fillLevel=0, brush=(150, 150, 150, 160),
                           pen=None)
        self.band = pg.LinearRegionItem(values=tuple(manual), bounds=FULL, brush=(255, 170, 0, 50))
        self.plot.addItem(self.band)
        layout.addWidget(self.plot)

        self.full = QRadioButton("Full range (0-255)")
        self.auto = QRadioButton()
        self._auto_levels = auto
        self._say_auto(auto, from_frame=False)
        self.manual = QRadioButton("Manual:")
        for button in (self.full, self.auto, self.manual):
            layout.addWidget(button)
        row = QHBoxLayout()
        self.low = QSpinBox()
        self.high = QSpinBox()
        for label, field in (("Low", self.low), ("High", self.high)):
            field.setRange(0, 255)
            row.addWidget(QLabel(label))
            row.addWidget(field)
        # 16-bit/float footage: the title says raw values ("raw 2840-3120"), which the 8-bit fields
        # cannot take (typing 2900 in Low kept 29: the keys past 255 were dropped); Raw low and Raw high
        # take them and set Low and High to the nearest level
        self.raw_low = self.raw_high = None
        if mapping is not None:
            self.raw_low, self.raw_high = QDoubleSpinBox(), QDoubleSpinBox()
            decimals = 0 if mapping.high - mapping.low >= 255 else 3
            for label, field, which in (("Raw low", self.raw_low, "low"), ("Raw high", self.raw_high, "high")):
                field.setDecimals(decimals)
                field.setRange(min(mapping.low, mapping.high), max(mapping.low, mapping.high))
                field.setKeyboardTracking(False)  # the value is taken on Enter or leaving the field
                field.setToolTip("the raw thermal value; the 8-bit level nearest it is used")
                field.valueChanged.connect(lambda value, which=which: self._raw_typed(which, value))
                row.addWidget(QLabel(label))
                row.addWidget(field)
        self.from_frame = QPushButton("This frame's 1-99 %")
        self.from_frame.setEnabled(frame is not None)
        row.addWidget(self.from_frame)
        row.addStretch(1)
        layout.addLayout(row)
        self.raw = QLabel("")
        layout.addWidget(self.raw)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.low.setValue(int(round(manual[0])))
        self.high.setValue(int(round(manual[1])))
        {"full": self.full, "auto": self.auto}.get(mode, self.manual).setChecked(True)
        for button in (self.full, self.auto, self.manual):
            button.toggled.connect(lambda on: on and self._changed())
        self.low.valueChanged.connect(lambda _v: self._typed("low"))
        self.high.valueChanged.connect(lambda _v: self._typed("high"))
        self.band.sigRegionChanged.connect(self._dragged)
        self.from_frame.clicked.connect(self._take_frame)
        self._show_state()

    def set_auto(self, auto: tuple[int, int] | None, *, from_frame: bool = False) -> None:
        """The auto stretch the dialog offers: the sequence's, or (``from_frame``) the frame on screen's
        while the sequence's are being read; the band follows when Auto contrast is chosen."""
        self._auto_levels = auto
        self._say_auto(auto, from_frame=from_frame)
        self._show_state()

    def _say_auto(self, auto: tuple[int, int] | None, *, from_frame: bool) -> None:
        # the frame's stand-in was called the sequence's ('the sequence's 1-99 % (89-242)' on antiuav-4's
        # frame 324, then '(0-244)' once its 16 frames were read)
        text = ("Auto contrast: this frame's 1-99 % until the sequence's are read" if from_frame
                else "Auto contrast: the sequence's 1-99 %")
        self.auto.setText(text + (f" ({self._level_text(*auto)})" if auto is not None else ""))

    # -- values ---------------------------------------------------------------------------------------
    def mode(self) -> str:
        return "full" if self.full.isChecked() else "auto" if self.auto.isChecked() else "manual"

    def values(self) -> tuple[str, int, int]:
        return self.mode(), int(self.low.value()), int(self.high.value())

    # -- changes --------------------------------------------------------------------------------------
    def _typed(self, which: str) -> None:
        """Low or High typed: the other one moves to keep ``MIN_SPAN`` between them; manual levels."""
        if self._updating:
            return
        self._updating = True
        try:
            low, high = self.low.value(), self.high.value()
            if high - low < MIN_SPAN:
                if which == "low":
                    self.high.setValue(min(255, low + MIN_SPAN))
                    self.low.setValue(self.high.value() - MIN_SPAN)
                else:
                    self.low.setValue(max(0, high - MIN_SPAN))
                    self.high.setValue(self.low.value() + MIN_SPAN)
            self.manual.setChecked(True)
        finally:
            self._updating = False
        self._changed()

    def _raw_typed(self, which: str, value: float) -> None:
        """Raw low or high typed (16-bit footage): Low or High to the level nearest it."""
        if self._updating or self._mapping is None:
            return
        span = self._mapping.high - self._mapping.low
        level = int(round((value - self._mapping.low) * 255.0 / span)) if span else 0
        (self.low if which == "low" else self.high).setValue(max(0, min(255, level)))
        self._show_state()

    def _dragged(self) -> None:
        if self._updating:
            return
        low, high = self.band.getRegion()
        self._updating = True
        try:
            self.low.setValue(int(round(low)))
            self.high.setValue(int(round(high)))
        finally:
            self._updating = False
        self._typed("low")

    def _take_frame(self) -> None:
        if self._frame is None:
            return
        low, high = frames_stretch([self._frame])
        self._updating = True
        try:
            self.low.setValue(low)
            self.high.setValue(high)
        finally:
            self._updating = False
        self._typed("low")

    def _changed(self) -> None:
        self._show_state()
        mode, low, high = self.values()
        self.changed.emit(mode, float(low), float(high))

    def _show_state(self) -> None:
        """The band over the histogram at the levels in force, movable in manual mode; the raw values."""
        mode, low, high = self.values()
        shown = (low, high) if mode == "manual" else (self._auto_levels or FULL) if mode == "auto" else FULL
        self._updating = True
        try:
            self.band.setRegion(shown)
        finally:
            self._updating = False
        self.raw.setText(f"Shown: {self._level_text(*shown)}" if self._mapping is not None else "")
        if self.raw_low is not None:  # the manual levels in raw values
            self._updating = True
            try:
                self.raw_low.setValue(raw_value(self.low.value(), self._mapping))
                self.raw_high.setValue(raw_value(self.high.value(), self._mapping))
            finally:
                self._updating = False

    def _level_text(self, low: float, high: float) -> str:
        text = f"{low:g}-{high:g}"
        if self._mapping is not None:
            text += f", raw {raw_value(low, self._mapping):.6g}-{raw_value(high, self._mapping):.6g}"
        return text
