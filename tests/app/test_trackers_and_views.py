"""Tracker choice in the studio (student, teacher, OpenCV), stale teacher proposals after
re-tracking, zoom / follow the target, panes titled by the modality present."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.settings import StudioSettings
from core.annotations.records import Provenance
from core.trackers import tracker_label, tracker_names


@pytest.mark.parametrize("name", tracker_names())
def test_each_tracker_runs_with_the_same_workflow(window, pair_files, synthetic, tmp_path, name):
    window.open_pair(*pair_files, store=str(tmp_path / f"{name}.rgbt.sqlite"))
    doc = window.document
    window.tracker_actions[name].trigger()
    assert window.settings.models.tracker == name
    assert StudioSettings.load().models.tracker == name  # remembered
    assert window.job_status.tracker_label.text().startswith(f"Tracker: {tracker_label(name)}")
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    steps = doc.undo_stack.count()
    window.actions["track"].trigger()
    stored = doc.store.records()
    n = len(synthetic)
    assert sorted(stored) == list(range(n))
    assert all(stored[f].provenance == Provenance.STUDENT for f in range(1, n))  # machine boxes
    assert len(doc.store.tracker_outputs(name)) == n - 1  # raw outputs under the tracker's name
    assert doc.undo_stack.count() == steps + 1
    assert tracker_label(name) in window.job_status.engine_label.text()
    window.goto(5)
    assert f"tracked ({tracker_label(name)})" in window.views.visible_panel.title.text()
    if name in ("csrt", "kcf"):  # the classical trackers follow the synthetic target
        errors = [np.abs(stored[f].box[:2] - synthetic.boxes[f][:2]).max() for f in range(n)]
        assert np.median(errors) < 10
    # refine with the teacher works the same after any tracker
    frames = window.review.refine(1, 4)
    assert frames == [1, 2, 3] and sorted(doc.proposals) == [1, 2, 3]
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    assert sorted(doc.store.records()) == []


def test_opencv_tracker_sees_the_thermal_frame_on_a_thermal_only_sequence(window):
    from types import SimpleNamespace

    window.set_tracker("kcf")
    assert window.tracker_text() == "Tracker: OpenCV KCF (auto)"  # nothing open yet
    window.document = SimpleNamespace(info=SimpleNamespace(thermal_only=True))
    try:
        assert window.tracker_text() == "Tracker: OpenCV KCF (thermal)"
    finally:
        window.document = None


def test_retracking_removes_stale_teacher_proposals_and_undo_restores_them(window, pair_files, synthetic,
                                                                          tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    doc = window.document
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.review.refine(3, 6)
    assert sorted(doc.proposals) == [3, 4, 5]
    window.goto(4)
    assert "A to accept" in window.views.visible_panel.title.text()
    window.goto(0)
    window.actions["track"].trigger()  # re-track over the refined frames
    assert doc.store.proposals() == {} and doc.proposals == {}
    window.goto(4)
    assert "A to accept" not in window.views.visible_panel.title.text()
    window.actions["accept"].trigger()  # nothing stale to accept
    assert doc.store.get(4).provenance == Provenance.STUDENT
    window.actions["undo"].trigger()  # the re-tracking run, with the proposals it dropped
    assert sorted(doc.store.proposals()) == [3, 4, 5] and sorted(doc.proposals) == [3, 4, 5]


def test_zoom_to_the_target_and_follow_it(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "z.rgbt.sqlite"))
    view = window.views.visible
    window.actions["zoom_target"].trigger()  # no box yet: says so, keeps the view
    assert "no box" in window.statusBar().currentMessage()
    box = np.array([80.0, 50.0, 12.0, 10.0])
    window.views.box_drawn.emit("visible", box)
    window.actions["zoom_target"].trigger()
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    # zoomed in (the frame is 128x96): the square around the box fills the view's shorter side; the
    # longer side shows more, by the view's aspect, which follows the window (fitted to the screen)
    assert min(x1 - x0, y1 - y0) < 60 and max(x1 - x0, y1 - y0) < 96
    assert x0 < 86 < x1 and y0 < 55 < y1  # on the target
    assert np.allclose(window.views.thermal.viewbox.viewRange(), view.viewbox.viewRange())  # linked
    # follow: the next frame's box is centred while stepping
    window.actions["follow_target"].setChecked(True)
    assert StudioSettings.load().follow_target
    window.actions["track"].trigger()
    window.goto(20)
    record = window.document.record(20)
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    centre = record.box[:2] + record.box[2:] / 2
    assert abs((x0 + x1) / 2 - centre[0]) < 2 and abs((y0 + y1) / 2 - centre[1]) < 2
    assert min(x1 - x0, y1 - y0) < 60  # the zoom stays


def _folder(path, frames, colour):
    path.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(frames):
        image = rng.integers(0, 255, size=(48, 64, 3), dtype=np.uint8)
        if not colour:
            image[..., 1] = image[..., 0]
            image[..., 2] = image[..., 0]
        cv2.imwrite(str(path / f"{i + 1:08d}.jpg"), image)
    (path / "groundtruth.txt").write_text("".join("10,10,8,8\n" for _ in range(frames)))


def test_a_visible_only_sequence_keeps_colour_and_says_what_is_missing(window, tmp_path):
    folder = tmp_path / "colour-seq"
    _folder(folder, 4, colour=True)
    window.open_sequence(folder, store=str(tmp_path / "v.rgbt.sqlite"))
    assert window.document is not None, window.last_error
    info = window.document.info
    assert info.visible_only and not info.thermal_only
    pair = window.pair
    assert pair.visible.ndim == 3 and not np.array_equal(pair.visible[..., 0], pair.visible[..., 1])  # colour kept
    assert window.views.visible_panel.title.text().startswith("Visible")
    assert window.views.thermal_panel.title.text().startswith("No thermal stream")
    message = window.statusBar().currentMessage()
    assert "visible-only sequence: no thermal stream" in message
    assert message.count("visible-only sequence") == 1  # said once, not again by the sequence's own note
    window.set_tracker("csrt")
    assert window.tracker_text() == "Tracker: OpenCV CSRT (visible)"


def test_pane_names_per_modality():
    from types import SimpleNamespace

    from app.views.paired_view import pane_names

    assert pane_names(SimpleNamespace(thermal_only=False, visible_only=False))[:2] == ("Visible", "Thermal")
    left, right, note = pane_names(SimpleNamespace(thermal_only=True, visible_only=False))
    assert left.startswith("Thermal") and "no visible stream" in note
    left, right, note = pane_names(SimpleNamespace(thermal_only=False, visible_only=True))
    assert left == "Visible" and right.startswith("No thermal") and "no thermal stream" in note
