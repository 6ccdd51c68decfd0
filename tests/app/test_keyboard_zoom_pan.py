"""Zoom and pan from the keyboard (View > Zoom in / Zoom out / Pan ...).

Found in a keyboard-only sweep under Xvfb on antiuav-9 (a drone 13 x 11 px in a 640 x 512 frame):
the wheel and a right drag were the only ways to look closer or move the view, so without a mouse the
drone could not be looked at before it had a box (Z zooms onto a box), nor the view moved off it."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt


def _range(view):
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    return np.array([x0, x1, y0, y1])


def test_ctrl_equals_and_minus_zoom_both_views_about_their_middle_within_the_wheels_bounds(window, pair_files,
                                                                                           tmp_path, qtbot):
    from app.views.frame_view import MAX_WHEEL_OUT

    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "z.rgbt.sqlite"))
    qtbot.wait(50)
    views = window.views
    fitted = _range(views.visible)
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    closer = _range(views.visible)
    assert (closer[1] - closer[0]) < (fitted[1] - fitted[0]) / 1.2
    np.testing.assert_allclose([(closer[0] + closer[1]) / 2, (closer[2] + closer[3]) / 2],
                               [(fitted[0] + fitted[1]) / 2, (fitted[2] + fitted[3]) / 2], atol=0.5)
    np.testing.assert_allclose(_range(views.thermal), closer, atol=1e-6)  # the linked view with it
    for _ in range(12):  # far out: stopped at the wheel's bound
        qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    out = _range(views.visible)
    assert (out[1] - out[0]) <= (fitted[1] - fitted[0]) * MAX_WHEEL_OUT * 1.01


def test_ctrl_arrows_pan_a_zoomed_view_and_stop_at_the_frames_edge(window, pair_files, synthetic, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    qtbot.wait(50)
    views = window.views
    window.activateWindow()
    window.setFocus()
    for _ in range(6):  # closer: the frame wider and taller than the view
        qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    before = _range(views.visible)
    assert before[1] - before[0] < window.document.info.width / 2
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    after = _range(views.visible)
    width = before[1] - before[0]
    assert after[0] > before[0] and after[0] - before[0] <= width / 4 + 1e-6
    np.testing.assert_allclose(after[2:], before[2:])
    for _ in range(20):
        qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert _range(views.visible)[0] >= -1e-6  # at the frame's left edge, no empty band beyond it
    assert window.frame == 0  # Ctrl+Left pans; it steps no frame


def test_f1_lists_the_keys(window):
    from app.dialogs.help_dialog import HelpDialog

    dialog = HelpDialog(window)
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert rows["Zoom in"] == "Ctrl+=" and rows["Zoom out"] == "Ctrl+-" and rows["Pan left"] == "Ctrl+Left"
