"""Drawing boxes with real mouse events."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from core.annotations.records import Provenance
from tests.app.mouse import drag, to_widget


def test_drag_on_the_thermal_view_draws_a_manual_box_on_both(window, pair_files, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "d.rgbt.sqlite"))
    qtbot.wait(50)
    view = window.views.thermal
    drag(view, to_widget(view, 20, 30), to_widget(view, 60, 70))
    record = window.document.store.get(0)
    assert record is not None and record.provenance == Provenance.MANUAL
    assert np.allclose(record.box, [20, 30, 40, 40], atol=3)
    assert np.allclose(window.views.visible.box_item.box(), record.box)
    # dragging the box (inside it) moves it: one more undo step, still a keyframe
    steps = window.document.undo_stack.count()
    drag(view, to_widget(view, 40, 50), to_widget(view, 50, 55))
    moved = window.document.store.get(0)
    assert np.allclose(moved.box[:2], record.box[:2] + [10, 5], atol=3)
    assert np.allclose(moved.box[2:], record.box[2:])
    assert window.document.undo_stack.count() == steps + 1
    # right-drag pans both views together (linked), drawing nothing
    before = window.views.visible.viewbox.viewRange()
    drag(view, to_widget(view, 60, 60), to_widget(view, 30, 40), button=Qt.MouseButton.RightButton)
    after = window.views.visible.viewbox.viewRange()
    assert not np.allclose(after, before)
    assert np.allclose(window.views.thermal.viewbox.viewRange(), after)
    assert window.document.undo_stack.count() == steps + 1
