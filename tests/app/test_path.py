"""The user's whole path on a small synthetic pair, asserting on the store and the files:
open, draw, track, correct a frame, re-track, refine a range with the teacher, accept,
undo/redo, export, reopen."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.records import Provenance
from core.annotations.store import AnnotationStore
from core.geometry import iou

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


def provenance_of(document):
    return {f: r.provenance for f, r in document.records.items()}


def test_whole_path(window, pair_files, synthetic, tmp_path):
    visible, thermal = pair_files
    project = tmp_path / "project.rgbt.sqlite"
    n = len(synthetic)

    # 1. open
    window.open_pair(visible, thermal, store=str(project))
    doc = window.document
    assert doc is not None and doc.num_frames == n
    assert window.pair is not None and window.pair.visible.shape == (96, 128, 3)
    assert doc.store.get_meta("source_kind") == "pair"

    # 3. draw the initial box on the thermal view: shows on both views
    box0 = synthetic.boxes[0]
    window.views.box_drawn.emit("thermal", box0)
    r0 = doc.store.get(0)
    assert r0.provenance == Provenance.MANUAL and r0.keyframe and np.allclose(r0.box, box0)
    assert window.views.visible.box_item.isVisible() and window.views.thermal.box_item.isVisible()
    assert np.allclose(window.views.visible.box_item.box(), box0)

    # 4. track from frame 0 to the end: one undo step, student boxes with confidences
    steps_before = doc.undo_stack.count()
    window.actions["track"].trigger()
    stored = doc.store.records()
    assert sorted(stored) == list(range(n))
    assert all(stored[f].provenance == Provenance.STUDENT and stored[f].confidence is not None for f in range(1, n))
    assert doc.undo_stack.count() == steps_before + 1
    assert len(doc.store.tracker_outputs("student")) == n - 1
    assert "frames tracked" in window.statusBar().currentMessage()

    # 6. correct frame 12 by editing its box: a manual keyframe
    window.goto(12)
    assert window.frame == 12 and window.pair.index == 12
    corrected = synthetic.boxes[12]
    window.views.box_edited.emit("visible", corrected)
    r12 = doc.store.get(12)
    assert r12.provenance == Provenance.MANUAL and r12.keyframe and np.allclose(r12.box, corrected)

    # re-track from frame 5: stops before the manual keyframe at 12, never overwrites it
    window.goto(5)
    before = doc.store.records()
    window.actions["track"].trigger()
    after = doc.store.records()
    assert after[12] == before[12]
    assert all(after[f].provenance == Provenance.STUDENT for f in range(6, 12))
    assert all(after[f] == before[f] for f in range(13, n))  # beyond the keyframe: untouched
    # the timeline's confidence fills while a run goes, from its records
    live = doc.timeline()
    assert np.all(np.isfinite(live.confidence[6:12])) and np.isnan(live.confidence[12])
    np.testing.assert_allclose(live.confidence[6:12], [after[f].confidence for f in range(6, 12)])
    doc.reload_outputs()

    # 5. refine a range with the teacher: proposals only, then accept the range
    window.timeline.show_range(14, 20)
    frames = window.review.refine(14, 20)
    assert frames == list(range(14, 20))
    proposals = doc.store.proposals()
    assert sorted(proposals) == frames
    assert all(doc.store.get(f).provenance == Provenance.STUDENT for f in frames)
    assert sorted(doc.store.tracker_outputs("teacher")) == frames
    window.actions["accept_range"].trigger()
    assert all(doc.store.get(f).provenance == Provenance.TEACHER for f in frames)
    assert doc.store.proposals() == {}
    assert np.allclose(doc.store.get(16).box, proposals[16][0])
    # the timeline shows teacher-student agreement where the teacher ran
    data = doc.timeline()
    assert np.all(np.isfinite(data.iou[frames])) and np.all(np.isnan(data.iou[:14]))

    # 8. undo the acceptance: student boxes and proposals come back; redo re-applies
    window.actions["undo"].trigger()
    assert all(doc.store.get(f).provenance == Provenance.STUDENT for f in frames)
    assert sorted(doc.store.proposals()) == frames
    window.actions["redo"].trigger()
    assert all(doc.store.get(f).provenance == Provenance.TEACHER for f in frames)
    # undo three steps (accept, re-track, correction): frame 12 is a student box again
    for _ in range(3):
        window.actions["undo"].trigger()
    assert doc.store.get(12).provenance == Provenance.STUDENT
    for _ in range(3):
        window.actions["redo"].trigger()
    assert doc.store.get(12).provenance == Provenance.MANUAL
    assert doc.store.get(16).provenance == Provenance.TEACHER

    # absent and occluded flags, interpolation between keyframes
    window.goto(22)
    window.actions["absent"].trigger()
    assert doc.store.get(22).absent and doc.store.get(22).keyframe
    window.goto(13)
    window.actions["occluded"].trigger()
    assert doc.store.get(13).occluded

    # 9. export in the LasHeR layout: boxes as stored, each edge on its nearest whole pixel (37e901d:
    # LasHeR files hold whole pixels), absent as 0,0,0,0
    final = doc.store.records()
    out = tmp_path / "export-lasher"
    window.export("lasher", out)
    lines = (out / "visible.txt").read_text().splitlines()
    assert len(lines) == n
    x, y, w, h = (int(v) for v in lines[12].split(","))
    fx, fy, fw, fh = final[12].box
    assert np.allclose([x, y, x + w, y + h], [fx, fy, fx + fw, fy + fh], atol=0.5)
    assert lines[22].strip() == "0,0,0,0"
    assert len(list((out / "visible").iterdir())) == n and len(list((out / "infrared").iterdir())) == n
    out2 = tmp_path / "export-got"
    window.export("got10k", out2)
    assert (out2 / "list.txt").is_file()
    # annotation files only (GTOT corners), no frames re-encoded
    out3 = tmp_path / "export-gtot"
    window.export("annotations-gtot", out3)
    corners = (out3 / "groundTruth_v.txt").read_text().splitlines()
    assert len(corners) == n and not list(out3.rglob("*.jpg"))
    x1, y1, x2, y2 = (float(v) for v in corners[12].split())
    assert np.allclose([x1, y1, x2, y2], [fx, fy, fx + fw, fy + fh], atol=0.5)  # whole pixels, as LasHeR
    # the distillation HDF5: one sample per human-made/accepted present frame
    h5 = tmp_path / "distill.h5"
    window.export("distillation", h5)
    from core.distillation.reader import DistillationFile

    with DistillationFile(h5) as data:
        names = data.sequence_names()
        assert len(names) == 1 and data.num_samples(names[0]) > 0

    # reopen: the store holds exactly what the window showed
    window.close()
    with AnnotationStore.open(project) as store:
        assert store.records() == final


def test_reopen_project_alone(window, pair_files, tmp_path):
    visible, thermal = pair_files
    project = tmp_path / "p.rgbt.sqlite"
    window.open_pair(visible, thermal, store=str(project))
    window.views.box_drawn.emit("visible", np.array([10.0, 12.0, 20.0, 18.0]))
    window.goto(3)
    window.views.box_drawn.emit("visible", np.array([14.0, 12.0, 20.0, 18.0]))
    window.actions["interpolate"].trigger()
    assert window.document.store.get(1).provenance == Provenance.INTERPOLATED
    expected = window.document.store.records()
    from app.project import OpenRequest

    window.open_request(OpenRequest("project", store=str(project)))
    assert window.document.records == expected
    assert np.allclose(window.document.record(2).box, [10.0 + 8.0 / 3.0, 12.0, 20.0, 18.0])


def test_tracking_accuracy_is_not_asserted_but_boxes_are_finite(window, pair_files, synthetic, tmp_path):
    """Random weights give meaningless boxes; the studio must still store finite boxes
    inside the frame's neighbourhood and a confidence in [0, 1]."""
    visible, thermal = pair_files
    window.open_pair(visible, thermal, store=str(tmp_path / "q.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    for record in window.document.store.records().values():
        assert np.all(np.isfinite(record.box))
        assert record.confidence is None or 0.0 <= record.confidence <= 1.0
    assert iou(window.document.store.get(0).box, synthetic.boxes[0]) > 0.99


def test_undone_run_leaves_no_confidence_and_n_skips_its_frames(window, pair_files, synthetic, tmp_path):
    from app.review import needs_attention, next_attention

    window.open_pair(*pair_files, store=str(tmp_path / "u.rgbt.sqlite"))
    doc = window.document
    n = len(synthetic)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert len(doc.store.tracker_outputs("student")) == n - 1  # the run's raw outputs stay in the store
    tracked = doc.timeline()
    assert np.all(np.isfinite(tracked.confidence[1:]))
    window.actions["undo"].trigger()  # the run is gone from the boxes
    assert sorted(doc.store.records()) == [0]
    data = doc.timeline()
    assert np.all(np.isnan(data.confidence[1:])) and np.all(np.isnan(data.iou))
    # the only frame that needs a human is where the annotation stops, never a box that is gone
    assert np.flatnonzero(needs_attention(data)).tolist() == [1]
    assert next_attention(data, 0) == 1 and next_attention(data, 1) == 1


def test_teacher_agreement_is_with_the_box_shown_whatever_tracker_made_it(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    doc = window.document
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.settings.models.tracker = "csrt"
    window.actions["track"].trigger()
    assert doc.store.tracker_outputs("student") == {} and len(doc.store.tracker_outputs("csrt")) > 0
    frames = window.review.refine(3, 8)
    assert frames == list(range(3, 8))
    data = doc.timeline()
    teacher = doc.store.tracker_outputs("teacher")
    for f in frames:
        assert data.iou[f] == pytest.approx(iou(teacher[f][0], doc.store.get(f).box))
    assert np.all(np.isnan(data.iou[:3])) and np.all(np.isnan(data.iou[8:]))
    # a deleted box takes its confidence and its agreement with it
    window.goto(5)
    window.actions["delete_box"].trigger()
    data = doc.timeline()
    assert np.isnan(data.confidence[5]) and np.isnan(data.iou[5]) and np.isfinite(data.iou[4])


def test_t_runs_to_the_end_of_a_selected_range(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "r.rgbt.sqlite"))
    doc = window.document
    window.goto(2)
    window.views.box_drawn.emit("visible", synthetic.boxes[2])
    window.timeline.show_range(0, 10)  # frames 1-10 on the timeline: 0..9
    window.actions["track"].trigger()
    assert sorted(doc.store.records()) == list(range(2, 10))
    window.timeline.hide_range()  # without a range: to the end
    window.goto(9)
    window.actions["track"].trigger()
    assert sorted(doc.store.records()) == list(range(2, len(synthetic)))


def test_a_reopened_project_still_says_which_tracker_made_each_box(window, pair_files, synthetic, tmp_path):
    project = tmp_path / "w.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(project))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.set_tracker("csrt")
    window.timeline.show_range(0, 6)
    window.actions["track"].trigger()
    window.timeline.hide_range()
    window.goto(5)
    window.set_tracker("kcf")
    window.actions["track"].trigger()  # frames 6.. by KCF
    window.document.close()
    window.open_pair(*pair_files, store=str(project))
    by = window.document.tracked_by
    assert {by[f] for f in range(1, 5)} == {"OpenCV CSRT"} and {by[f] for f in range(6, 10)} == {"OpenCV KCF"}
    assert 0 not in by  # the drawn box
    window.goto(2)
    assert "frame 3: tracked (OpenCV CSRT)" in window.views.visible_panel.title.text()
