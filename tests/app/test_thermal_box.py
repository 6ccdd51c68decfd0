"""The thermal box of a misaligned pair: Separate thermal box, nudges, tracking carrying it, proposals."""
from __future__ import annotations

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance


def _misaligned(window, tmp_path, name="m.rgbt.sqlite"):
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=8, challenges=("misalignment",)), seed=4)
    window.open_request(OpenRequest("object", store=str(tmp_path / name), sequence=seq))
    return seq


def test_nudging_the_thermal_box_with_separate_off_moves_both_boxes_by_the_nudge(window, tmp_path):
    """A misaligned pair's thermal box drawn with Separate thermal box on; the toggle off (as
    after a reopen), the user nudges the thermal box 2 px right on the thermal view: both boxes
    move 2 px (before: the visible box jumped onto the thermal box's place and the thermal box
    moved on by the whole offset again)."""
    _misaligned(window, tmp_path)
    window.views.box_drawn.emit("visible", np.array([30.0, 20.0, 20.0, 30.0]))
    window.actions["separate_thermal"].setChecked(True)
    window.views.box_edited.emit("thermal", np.array([40.0, 22.0, 20.0, 30.0]))
    window.actions["separate_thermal"].setChecked(False)
    assert np.allclose(window.views.thermal.box_item.box(), [40.0, 22.0, 20.0, 30.0])  # what the user drags
    window.views.box_edited.emit("thermal", np.array([42.0, 22.0, 20.0, 30.0]))
    record = window.document.store.get(0)
    assert np.allclose(record.box, [32.0, 20.0, 20.0, 30.0])
    assert np.allclose(record.thermal_box, [42.0, 22.0, 20.0, 30.0])
    assert np.allclose(window.views.thermal.box_item.box(), [42.0, 22.0, 20.0, 30.0])


def test_separate_thermal_box_reopens_as_the_project_left_it(qtbot, tmp_path):
    """Edit > Separate thermal box on for a misaligned pair: closing and reopening the project
    keeps it on (it came back off, so the next thermal edit moved the shared box); another
    project opened afterwards starts with it off."""
    from tests.app.conftest import new_window

    first = new_window(qtbot)
    _misaligned(first, tmp_path)
    first.views.box_drawn.emit("visible", np.array([30.0, 20.0, 20.0, 30.0]))
    first.actions["separate_thermal"].setChecked(True)
    first.close()
    second = new_window(qtbot)
    _misaligned(second, tmp_path)
    assert second.actions["separate_thermal"].isChecked()
    assert "separate thermal box" in second.views.thermal_panel.title.text()
    _misaligned(second, tmp_path, "other.rgbt.sqlite")
    assert not second.actions["separate_thermal"].isChecked()
    second.close()


def test_misaligned_pair_gets_a_thermal_box_that_tracking_carries(window, tmp_path):
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=8, challenges=("misalignment",)), seed=4)
    window.open_request(OpenRequest("object", store=str(tmp_path / "m.rgbt.sqlite"), sequence=seq))
    window.views.box_drawn.emit("visible", seq.boxes[0])
    window.actions["separate_thermal"].setChecked(True)
    window.views.box_edited.emit("thermal", seq.thermal_boxes[0])
    record = window.document.store.get(0)
    assert np.allclose(record.box, seq.boxes[0]) and np.allclose(record.thermal_box, seq.thermal_boxes[0])
    assert np.allclose(window.views.thermal.box_item.box(), seq.thermal_boxes[0])
    assert np.allclose(window.views.visible.box_item.box(), seq.boxes[0])
    window.actions["track"].trigger()
    shift = seq.thermal_boxes[0][:2] - seq.boxes[0][:2]
    for frame in range(1, 8):
        r = window.document.store.get(frame)
        assert np.allclose(r.thermal_box[:2] - r.box[:2], shift) and np.allclose(r.thermal_box[2:], r.box[2:])


def test_a_proposal_is_drawn_where_the_thermal_box_would_go_on_a_misaligned_pair(window, tmp_path):
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=4), seed=4)
    window.open_request(OpenRequest("object", store=str(tmp_path / "p.rgbt.sqlite"), sequence=seq))
    record = FrameAnnotation(0, np.array([10.0, 10.0, 20.0, 20.0]), thermal_box=np.array([15.0, 12.0, 30.0, 30.0]),
                             provenance=Provenance.STUDENT, confidence=0.3)
    window.views.show_annotation(record, np.array([40.0, 40.0, 10.0, 10.0]))
    assert np.allclose(window.views.visible.proposal_item.box(), [40, 40, 10, 10])
    assert np.allclose(window.views.thermal.proposal_item.box(), [47.5, 44.5, 15, 15])
    window.views.show_annotation(record, np.array([40.0, 40.0, 10.0, 10.0]), thermal_separate=False)
    assert np.allclose(window.views.thermal.proposal_item.box(), [40, 40, 10, 10])
