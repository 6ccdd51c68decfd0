"""Annotating without a mouse: the box is typed (Edit > Type box..., B). Open, track, accept,
mark, go to and export all had keys, but a box could only be drawn or corrected with the mouse,
so the keyboard alone could not start a track (a helper's keyboard-only sweep)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from core.annotations.records import Provenance


def _type_box(qtbot, values, seen):
    """Answer the dialog B opens as a keyboard user would: the first fields selected and typed over
    in their order, Enter (the offscreen platform gives no window the focus, so the keys go to each
    field in turn rather than through Tab). ``seen`` gets the values the fields held on opening."""

    def answer():
        dialog = QApplication.activeModalWidget()
        try:
            seen.append(dialog.values())
            for field, value in zip(dialog.fields, values, strict=False):
                field.selectAll()
                qtbot.keyClicks(field, value)
            qtbot.keyClick(dialog.fields[0], Qt.Key.Key_Return)
        finally:
            if dialog is not None and dialog.isVisible():  # never left open: the test fails, not hangs
                dialog.reject()

    QTimer.singleShot(0, answer)


def _back_to(window, qtbot):
    """The window active again after a dialog (offscreen, no window manager gives it back)."""
    window.activateWindow()
    window.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_a_box_is_typed_and_corrected_with_the_keyboard(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    window.activateWindow()
    window.setFocus()
    seen = []
    _type_box(qtbot, ("10", "12", "30", "20"), seen)
    qtbot.keyClick(window, Qt.Key.Key_B)
    record = window.document.record(0)
    assert record is not None and record.provenance == Provenance.MANUAL and record.keyframe
    np.testing.assert_allclose(record.box, (10, 12, 30, 20))
    w, h = window.document.info.width, window.document.info.height
    np.testing.assert_allclose(seen[0], (w * 3 / 8, h * 3 / 8, w / 4, h / 4))  # no box yet: one in the middle
    # on a later frame without a box it starts from the last box before it
    _back_to(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.keyClick(window, Qt.Key.Key_F)
    _type_box(qtbot, ("14", "12", "30", "20"), seen)
    qtbot.keyClick(window, Qt.Key.Key_B)
    np.testing.assert_allclose(seen[1], (10, 12, 30, 20))
    np.testing.assert_allclose(window.document.record(2).box, (14, 12, 30, 20))
    # corrected: it starts from the frame's own box; one undo step each
    _back_to(window, qtbot)
    _type_box(qtbot, ("16",), seen)
    qtbot.keyClick(window, Qt.Key.Key_B)
    np.testing.assert_allclose(seen[2], (14, 12, 30, 20))
    np.testing.assert_allclose(window.document.record(2).box, (16, 12, 30, 20))
    window.actions["undo"].trigger()
    np.testing.assert_allclose(window.document.record(2).box, (14, 12, 30, 20))


def test_a_typed_box_outside_the_frame_is_refused_in_the_dialog(window, pair_files, tmp_path, qtbot):
    """A box typed wholly outside the frame: OK says so in the dialog and writes nothing; a box
    partly outside is cut to the frame, as a drawn one is."""
    from app.dialogs.box_dialog import BoxDialog

    window.open_pair(*pair_files, store=str(tmp_path / "o.rgbt.sqlite"))
    w, h = window.document.info.width, window.document.info.height
    dialog = BoxDialog((0, 0, 10, 10), (w, h), 1, window)
    qtbot.addWidget(dialog)
    dialog.set_values((w + 5, 0, 10, 10))
    dialog.accept()
    assert dialog.result() == 0 and "outside the frame" in dialog.problem_label().text()
    dialog.set_values((w - 5, 0, 10, 10))
    assert dialog.problem() == ""
