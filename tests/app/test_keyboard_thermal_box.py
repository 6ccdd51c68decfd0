"""B types the thermal box too when Edit > Separate thermal box is on (a misaligned two-stream pair, where
the record keeps a thermal box apart from the shared one: ``FrameAnnotation.thermal_box``). Before, the
dialog took the shared box alone, so a keyboard user could not place the thermal box that a mouse user
drags on the thermal view."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.app.test_keyboard_box import _back_to


def _answer(qtbot, seen, *, visible=(), thermal=()):
    """Answer B's dialog: ``visible`` / ``thermal`` typed over its first fields of each box, Enter;
    ``seen`` gets (the dialog's visible values, its thermal values or None) on opening."""

    def answer():
        dialog = QApplication.activeModalWidget()
        try:
            seen.append((dialog.values(), dialog.thermal_values()))
            for fields, values in ((dialog.fields, visible), (dialog.thermal_fields, thermal)):
                for field, value in zip(fields, values, strict=False):
                    field.selectAll()
                    qtbot.keyClicks(field, value)
            qtbot.keyClick(dialog.fields[0], Qt.Key.Key_Return)
        finally:
            if dialog is not None and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, answer)


def test_b_types_the_thermal_box_with_separate_thermal_box_on(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    _back_to(window, qtbot)
    window.views.box_drawn.emit("visible", np.array([20.0, 20.0, 30.0, 20.0]))
    window.actions["separate_thermal"].setChecked(True)
    seen = []
    _answer(qtbot, seen, thermal=("26", "24"))  # the thermal box moved: its x and y typed
    qtbot.keyClick(window, Qt.Key.Key_B)
    np.testing.assert_allclose(seen[0][0], (20, 20, 30, 20))
    np.testing.assert_allclose(seen[0][1], (20, 20, 30, 20))  # no thermal box of its own yet: the shared one
    record = window.document.record(0)
    np.testing.assert_allclose(record.box, (20, 20, 30, 20))
    np.testing.assert_allclose(record.thermal_box, (26, 24, 30, 20))
    assert record.keyframe and record.provenance == "manual"
    # the shared box typed alone: the thermal box moves with it, as a drag on the visible view moves it
    _back_to(window, qtbot)
    _answer(qtbot, seen, visible=("22",))
    qtbot.keyClick(window, Qt.Key.Key_B)
    np.testing.assert_allclose(seen[1][1], (26, 24, 30, 20))  # the frame's own thermal box
    record = window.document.record(0)
    np.testing.assert_allclose(record.box, (22, 20, 30, 20))
    np.testing.assert_allclose(record.thermal_box, (28, 24, 30, 20))
    # on a later frame with no box: an earlier frame's thermal box, left as it is, comes along with the box
    _back_to(window, qtbot)
    window.goto(2)
    _answer(qtbot, seen, visible=("40",))
    qtbot.keyClick(window, Qt.Key.Key_B)
    np.testing.assert_allclose(seen[2][1], (28, 24, 30, 20))
    record = window.document.record(2)
    np.testing.assert_allclose(record.box, (40, 20, 30, 20))
    np.testing.assert_allclose(record.thermal_box, (46, 24, 30, 20))
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()  # one step each
    assert window.document.record(0).thermal_box is None and window.document.record(2) is None


def test_b_keeps_to_the_shared_box_with_separate_thermal_box_off(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    _back_to(window, qtbot)
    window.views.box_drawn.emit("visible", np.array([20.0, 20.0, 30.0, 20.0]))
    seen = []
    _answer(qtbot, seen, visible=("24",))
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert seen[0][1] is None
    record = window.document.record(0)
    np.testing.assert_allclose(record.box, (24, 20, 30, 20))
    assert record.thermal_box is None


def test_a_thermal_box_typed_outside_the_frame_is_refused(qtbot):
    from app.dialogs.box_dialog import BoxDialog

    dialog = BoxDialog((0, 0, 10, 10), (100, 80), 1, thermal_box=(0, 0, 10, 10))
    qtbot.addWidget(dialog)
    for field, value in zip(dialog.thermal_fields, (150, 0, 10, 10), strict=True):
        field.setValue(value)
    dialog.accept()
    assert dialog.result() == 0 and "thermal box lies outside the frame" in dialog.problem_label().text()
