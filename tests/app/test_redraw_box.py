"""Shift+drag draws a new box over the frame's box (the annotator's redraw).

A left-drag that starts inside the frame's box moves it, and one on a handle resizes it: a
target that fills much of the view (a person close to the camera) could not be drawn anew
without deleting its box first (Del, then drag). Shift+drag draws a new box wherever it starts,
as a drag outside the box does."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from core.annotations.records import Provenance
from tests.app.mouse import drag, to_widget


def _open_with_box(window, pair_files, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "r.rgbt.sqlite"))
    qtbot.wait(50)
    view = window.views.visible
    drag(view, to_widget(view, 20, 20), to_widget(view, 100, 80), hover=True)
    record = window.document.store.get(0)
    assert np.allclose(record.box, [20, 20, 80, 60], atol=3)
    return view


def test_shift_drag_inside_the_box_draws_a_new_one(window, pair_files, tmp_path, qtbot):
    view = _open_with_box(window, pair_files, tmp_path, qtbot)
    steps = window.document.undo_stack.count()
    drag(view, to_widget(view, 40, 35), to_widget(view, 70, 60), hover=True,
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    record = window.document.store.get(0)
    assert record.provenance == Provenance.MANUAL
    assert np.allclose(record.box, [40, 35, 30, 25], atol=3)  # drawn, not moved by the drag (it was [50, 45, 80, 60])
    assert window.document.undo_stack.count() == steps + 1
    assert not window.views.visible.viewbox._rubber.isVisible()


def test_shift_drag_from_a_handle_draws_a_new_one(window, pair_files, tmp_path, qtbot):
    view = _open_with_box(window, pair_files, tmp_path, qtbot)
    drag(view, to_widget(view, 100, 80), to_widget(view, 120, 90), hover=True,
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert np.allclose(window.document.store.get(0).box, [100, 80, 20, 10], atol=3)


def test_a_plain_drag_inside_the_box_still_moves_it(window, pair_files, tmp_path, qtbot):
    view = _open_with_box(window, pair_files, tmp_path, qtbot)
    drag(view, to_widget(view, 40, 35), to_widget(view, 50, 40), hover=True)
    assert np.allclose(window.document.store.get(0).box, [30, 25, 80, 60], atol=3)
