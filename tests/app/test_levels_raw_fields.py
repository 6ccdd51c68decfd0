"""Thermal levels on 16-bit footage: the pane's title says raw values ("raw 2840-3120"), but Low and
High take 8-bit levels (0-255), so typing 2900 in Low dropped the keys past 255 and kept 29. Raw low
and Raw high take the raw values and set the nearest levels; 8-bit footage has no raw fields."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.dialogs.levels_dialog import LevelsDialog
from core.sequences.thermal import ThermalMapping


def _type(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)  # leaving the field takes the value
    field.interpretText()


def test_raw_values_typed_set_the_nearest_levels_on_16_bit_footage(qtbot):
    dialog = LevelsDialog("full", (0.0, 255.0), None, None, mapping=ThermalMapping(2000.0, 4550.0))
    qtbot.addWidget(dialog)
    changed = []
    dialog.changed.connect(lambda *args: changed.append(args))
    assert (dialog.raw_low.minimum(), dialog.raw_low.maximum()) == (2000.0, 4550.0)
    _type(qtbot, dialog.raw_low, "2900")
    _type(qtbot, dialog.raw_high, "4000")
    assert dialog.values() == ("manual", 90, 200)
    assert changed[-1] == ("manual", 90.0, 200.0)
    assert "raw 2900-4000" in dialog.raw.text()
    _type(qtbot, dialog.raw_low, "2904")  # between two levels: the nearest, and the field says it
    assert dialog.values()[1] == 90 and dialog.raw_low.value() == 2900.0
    dialog.low.setValue(100)  # the 8-bit fields still work, and the raw ones follow
    assert dialog.raw_low.value() == 3000.0


def test_8_bit_footage_has_no_raw_fields(qtbot):
    dialog = LevelsDialog("manual", (10.0, 200.0), None, None)
    qtbot.addWidget(dialog)
    assert dialog.raw_low is None and dialog.raw_high is None
    assert dialog.values() == ("manual", 10, 200)
