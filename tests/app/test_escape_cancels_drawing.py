"""Esc while a box is being drawn (the mouse button still down) cancels it, as in CVAT and
LabelMe: the drag went on and its box was kept at the release, to be undone after."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.app.mouse import drag, to_widget


def _draw(view, start, end, escape: bool) -> None:
    def escape_after(i):
        if escape and i == 4:
            QTest.keyClick(view, Qt.Key.Key_Escape)
            assert not view.viewbox._rubber.isVisible()

    drag(view, start, end, after_move=escape_after)


def test_escape_during_a_draw_cancels_it_and_the_next_draw_works(window, pair_files, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "e.rgbt.sqlite"))
    qtbot.wait(50)
    view = window.views.visible
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    _draw(view, to_widget(view, 20, 20), to_widget(view, 80, 70), escape=True)
    assert window.document.record(0) is None
    assert window.document.undo_stack.count() == 0
    _draw(view, to_widget(view, 20, 20), to_widget(view, 80, 70), escape=False)
    assert window.document.record(0) is not None
