"""The pointer says what a left drag does where it is, as CVAT and LabelMe show it: a cross over
the picture (a drag draws a box), a move cursor over the box (a drag moves it) and a resize
cursor on each handle along its direction. It was the arrow everywhere, so a drag meant to draw
a new box over the old one moved it instead."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

C = Qt.CursorShape


def test_the_views_and_the_box_show_what_a_drag_does(window):
    for view in (window.views.visible, window.views.thermal):
        assert view.viewport().cursor().shape() == C.CrossCursor
        assert view.box_item.cursor().shape() == C.SizeAllCursor


@pytest.mark.parametrize("pos, shape", [((0, 0), C.SizeFDiagCursor), ((1, 1), C.SizeFDiagCursor),
                                        ((1, 0), C.SizeBDiagCursor), ((0, 1), C.SizeBDiagCursor),
                                        ((0.5, 0), C.SizeVerCursor), ((0.5, 1), C.SizeVerCursor),
                                        ((0, 0.5), C.SizeHorCursor), ((1, 0.5), C.SizeHorCursor)])
def test_each_handle_shows_its_direction(window, pos, shape):
    handles = {(float(h["pos"][0]), float(h["pos"][1])): h["item"] for h in window.views.visible.box_item.handles}
    assert handles[pos].cursor().shape() == shape
