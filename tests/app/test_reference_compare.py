"""View > Compare with the sequence's ground truth / with a box file...: a read-only reference layer.

Before, the only way to see a sequence's ground truth in the studio was File > Import the sequence's
ground truth, which replaces the tracked boxes with it: how the tracker did against it (or against a
colleague's file) could not be seen without losing the tracked boxes. The reference is now drawn
beside the project's box on both panes, its IoU with the project's box is a curve on the timeline,
the scores (core.metrics, the official toolkit rules) are in the status bar, M jumps to where they
disagree most; the project's boxes, the store and the undo history never change."""
from __future__ import annotations

import numpy as np
import pytest


def _tracked(window, synthetic, shift: dict[int, float]):
    """Student boxes on every frame: the true box moved right by ``shift[frame]`` px (0 elsewhere)."""
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation

    records = [FrameAnnotation(f, synthetic.boxes[f] + np.array([shift.get(f, 0.0), 0, 0, 0]), provenance="student",
                               confidence=0.9) for f in range(len(synthetic.boxes))]
    window.document.execute(SetRecords(records, label="track"))


def _ground_truth(monkeypatch, window, synthetic, absent=()):
    from core.annotations.records import FrameAnnotation

    lines = {f: (FrameAnnotation(f, None, absent=True, provenance="imported") if f in absent else
                 FrameAnnotation(f, synthetic.boxes[f], provenance="imported")) for f in range(len(synthetic.boxes))}
    monkeypatch.setattr(window.document.sequence, "ground_truth", lambda: dict(lines), raising=False)
    return lines


@pytest.fixture
def compared(window, pair_files, synthetic, tmp_path, monkeypatch):
    """A tracked project (frames 11-13 far off the target, frame 6 a little) compared with its ground truth."""
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    w = float(synthetic.boxes[10][2])
    _tracked(window, synthetic, {5: w * 0.6, 10: w * 3, 11: w * 3, 12: w * 0.9})
    _ground_truth(monkeypatch, window, synthetic)
    window.actions["compare_gt"].trigger()
    return window


def test_the_ground_truth_is_shown_beside_the_tracked_boxes_which_stay(compared, synthetic):
    from core.metrics import evaluate_arrays, get_protocol

    window, document = compared, compared.document
    boxes = np.array([document.record(f).box for f in range(24)])
    assert all(document.record(f).provenance == "student" for f in range(24))  # nothing replaced
    assert document.undo_stack.count() == 1 and not document.undo_stack.undoText().startswith("import")
    assert window.actions["compare_gt"].isChecked()
    # the reference box on both panes, where the ground truth is, in its own read-only item
    window.goto(10)
    for view in (window.views.visible, window.views.thermal):
        item = window.reference.items[view.modality]
        assert item.isVisible() and not item.editable
        np.testing.assert_allclose(item.box(), synthetic.boxes[10])
        assert item.pen.style() != view.box_item.pen.style() and item.pen.color() != view.box_item.pen.color()
    # the scores: core.metrics' rgbt234 scores of the tracked boxes against the ground truth
    report = evaluate_arrays(get_protocol("rgbt234"), {"s": boxes}, {"s": (synthetic.boxes[:24], None)})
    comparison = window.reference.comparison
    assert comparison.frames == 24
    assert comparison.success == pytest.approx(report.scores["MSR"])
    assert comparison.precision == pytest.approx(report.scores["MPR"])
    message = window.statusBar().currentMessage()
    assert message.startswith(f"M jumps to where they disagree most; vs the ground truth (rgbt234 rules, 24 frames "
                              f"compared): success (AUC) {report.scores['MSR']:.3f}, precision at 20 px "
                              f"{report.scores['MPR']:.3f}, mean IoU "), message
    label = window.reference.label
    assert label.isVisible() and label.text().startswith("the ground truth: IoU 0.00 here · success ")
    # the per-frame IoU on the timeline, under 0.5 where the box is off
    xs, ys = window.timeline.reference_curve.getData()
    assert window.timeline.reference_curve.isVisible() and len(ys) == 24
    assert ys[0] == pytest.approx(1.0) and ys[10] == 0.0 and ys[5] < 0.5
    assert "IoU with the ground truth" in window.timeline.getPlotItem().titleLabel.text


def test_the_reference_follows_edits_and_goes_when_turned_off(compared, synthetic):
    window = compared
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])  # the user puts the box right
    assert window.reference.comparison.iou[10] == pytest.approx(1.0)
    assert window.timeline.reference_curve.getData()[1][10] == pytest.approx(1.0)
    assert "IoU 1.00 here" in window.reference.label.text()
    window.actions["undo"].trigger()
    assert window.reference.comparison.iou[10] == 0.0
    window.actions["compare_gt"].trigger()  # unticked: off
    assert not window.actions["compare_gt"].isChecked() and window.reference.reference is None
    assert not any(item.isVisible() for item in window.reference.items.values())
    assert not window.timeline.reference_curve.isVisible() and not window.reference.label.isVisible()
    assert "IoU with" not in window.timeline.getPlotItem().titleLabel.text
    assert not window.actions["compare_off"].isEnabled()
    assert window.document.record(10).provenance == "student"
    # M with no reference says how to show one (disabled, the key did nothing, without a word)
    window.actions["reference_next"].trigger()
    assert window.statusBar().currentMessage() == (
        "M goes to where the boxes disagree with a reference: none is shown (View > Compare with the sequence's "
        "ground truth, or with a box file...)")


def test_m_jumps_to_the_worst_disagreement_first_then_the_next_worst(compared):
    window = compared
    window.goto(0)
    window.actions["reference_next"].trigger()
    assert window.frame == 10  # frames 11-12 (IoU 0) before 13 and 6
    assert window.statusBar().currentMessage().startswith(
        "disagreement 1/2 (worst first): frames 11-13, the worst at frame 11 (IoU 0.00); M: the next worst")
    window.actions["reference_next"].trigger()
    assert window.frame == 5
    window.actions["reference_next"].trigger()
    assert window.frame == 10  # round again
    window.actions["reference_back"].trigger()
    assert window.frame == 5


def test_opening_another_sequence_clears_the_reference(compared, pair_files, tmp_path):
    window = compared
    window.open_pair(*pair_files, store=str(tmp_path / "other.rgbt.sqlite"))
    assert window.reference.reference is None and not window.actions["compare_gt"].isChecked()
    assert not any(item.isVisible() for item in window.reference.items.values())
    assert not window.timeline.reference_curve.isVisible()


def test_a_sequence_without_ground_truth_says_so(window, pair_files, tmp_path, monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    monkeypatch.setattr(window.document.sequence, "ground_truth", lambda: None, raising=False)
    window.actions["compare_gt"].trigger()
    assert window.statusBar().currentMessage().startswith("this sequence ships no ground truth to compare with")
    assert not window.actions["compare_gt"].isChecked() and window.reference.reference is None


def test_a_box_file_is_compared_and_its_absent_rows_count(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    _tracked(window, synthetic, {})
    rows = [f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}" for x, y, w, h in synthetic.boxes[:24]]
    rows[7] = "0,0,0,0"  # the colleague marked the target absent there
    path = tmp_path / "colleague.txt"
    path.write_text("\n".join(rows) + "\n")
    window.reference.compare_box_file(str(path))
    comparison = window.reference.comparison
    assert window.reference.source == "colleague.txt" and comparison.frames == 23
    assert comparison.box_on_absent == 1 and comparison.iou[7] == 0.0
    window.goto(7)
    assert window.reference.label.text().startswith("colleague.txt: absent here · success ")
    assert "a box on 1 frame colleague.txt marks absent (not scored)" in window.statusBar().currentMessage()
    assert not window.actions["compare_gt"].isChecked() and window.actions["compare_off"].isEnabled()
    assert all(window.document.record(f).provenance == "student" for f in range(24))
    window.actions["compare_off"].trigger()
    assert window.reference.reference is None
    assert window.statusBar().currentMessage() == "comparison off: the reference is no longer shown"


def test_a_bad_box_file_is_one_error_and_shows_nothing(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = tmp_path / "bad.txt"
    path.write_text("1,2,3,4\n5,6,x,8\n")
    window.reference.compare_box_file(str(path))
    assert str(window.last_error) == f"{path}, line 2: not a number in '5,6,x,8'"
    assert window.reference.reference is None and not window.document.records


def test_the_reference_box_takes_no_click(compared, synthetic):
    """The reference box lies over the project's box: a drag on it must still move the project's box."""
    from PySide6.QtCore import Qt

    from tests.app.mouse import drag, to_widget

    window = compared
    item = window.reference.items["visible"]
    assert item.acceptedMouseButtons() == Qt.MouseButton.NoButton and not item.handles
    window.goto(0)  # the tracked box on the ground truth's, the reference box over it
    view = window.views.visible
    x, y, w, h = synthetic.boxes[0]
    drag(view, to_widget(view, x + w / 2, y + h / 2), to_widget(view, x + w / 2 + 10, y + h / 2 + 5), hover=True)
    record = window.document.record(0)
    assert record.provenance == "manual"  # moved: the frame is a manual keyframe
    np.testing.assert_allclose(record.box, synthetic.boxes[0] + [10, 5, 0, 0], atol=1.5)
    np.testing.assert_allclose(item.box(), synthetic.boxes[0])  # the reference stays where it is


def test_m_pans_a_zoomed_in_view_onto_the_boxes_it_jumps_to(compared, synthetic):
    """Zoomed in on one frame's target (Z), M went to a frame whose boxes lay off screen: nothing of
    the disagreement to see. The views now pan onto both boxes (zooming out when they lie far apart)."""
    window = compared
    window.goto(0)
    view = window.views.visible
    view.zoom_to(np.array([100.0, 70.0, 6.0, 6.0]))  # a corner of the frame, far from frame 6's boxes
    window.goto(3)
    window.actions["reference_back"].trigger()  # frame 6: the box 0.6 of its width off the reference
    assert window.frame == 5
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    for box in (synthetic.boxes[5], window.document.record(5).box):
        x, y, w, h = box
        assert x0 <= x and x + w <= x1 and y0 <= y and y + h <= y1, (box, view.viewbox.viewRange())
    view.zoom_to(np.array([100.0, 70.0, 6.0, 6.0]))
    window.actions["reference_back"].trigger()  # frames 11-13: the box 3 widths off, both shown, zoomed out
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    for box in (synthetic.boxes[10], window.document.record(10).box):
        x, y, w, h = box
        assert x0 <= x and x + w <= x1 and y0 <= y and y + h <= y1, (box, view.viewbox.viewRange())


def test_an_edit_updates_the_comparison_at_its_frames_only(compared, synthetic, monkeypatch):
    """Every change (each batch of a tracking run) made the project's box arrays afresh from every
    record: 45 ms a change on 25,000 frames, 10 ms taken at the frames changed."""
    import app.window_reference as window_reference

    made = []
    real = window_reference.BoxArrays.of
    monkeypatch.setattr(window_reference.BoxArrays, "of", lambda *args: made.append(args) or real(*args))
    window = compared
    window.goto(11)
    window.views.box_drawn.emit("visible", synthetic.boxes[11])
    assert made == [] and window.reference.comparison.iou[11] == pytest.approx(1.0)
    window.actions["undo"].trigger()
    assert made == [] and window.reference.comparison.iou[11] == 0.0


def test_m_starts_at_the_worst_wherever_the_frame_is(compared, synthetic):
    """Turned on at a frame inside the second worst stretch, M went to the stretch after it (on
    antiuav-4: the 5th of 60, past the three worst). M now starts at the worst wherever the frame is."""
    window = compared
    window.actions["compare_gt"].trigger()  # off
    window.goto(20)
    box = synthetic.boxes[20]
    window.views.box_drawn.emit("visible", box + np.array([box[2] * 0.45, 0, 0, 0]))  # a third, mild one (IoU 0.38)
    window.goto(5)  # frame 6: the second worst of three
    window.actions["compare_gt"].trigger()  # on again
    window.actions["reference_next"].trigger()
    assert window.frame == 10
    window.actions["reference_next"].trigger()
    assert window.frame == 5
    window.actions["reference_next"].trigger()
    assert window.frame == 20


def test_a_tracking_runs_live_frames_show_their_own_reference_box(compared, synthetic):
    """A run's live frames come with the run, not from the frame fetcher: on antiuav-4 the reference
    box stayed where it was on the frame T started from, 75 px off the drone, while the run went on."""
    window = compared
    window.goto(2)
    window.frame = 12
    window._show_pair(window.document.sequence[12])  # what a live update of the run does
    np.testing.assert_allclose(window.reference.items["visible"].box(), synthetic.boxes[12])


def test_a_misaligned_pairs_reference_shows_its_thermal_box_on_the_thermal_pane(window, pair_files, synthetic,
                                                                                  tmp_path, monkeypatch):
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    _tracked(window, synthetic, {})
    lines = {f: FrameAnnotation(f, synthetic.boxes[f], thermal_box=synthetic.boxes[f] + [6, 2, 0, 0],
                                provenance="imported") for f in range(24)}
    monkeypatch.setattr(window.document.sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.actions["compare_gt"].trigger()
    window.goto(4)
    np.testing.assert_allclose(window.reference.items["visible"].box(), synthetic.boxes[4])
    np.testing.assert_allclose(window.reference.items["thermal"].box(), synthetic.boxes[4] + [6, 2, 0, 0])


def test_a_long_file_name_is_cut_in_the_timelines_legend():
    from app.views.timeline import REFERENCE_NAME_CHARS, legend_html

    name = "annotator_b_final_reviewed_2026-12-07_sequence_0042_boxes.txt"
    html = legend_html(name)
    assert name not in html and f"IoU with {name[:REFERENCE_NAME_CHARS - 1]}\u2026" in html
    assert "low confidence" in html and "IoU with" not in legend_html()


def test_a_mot_file_of_several_objects_asks_which_one_to_compare_with(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    _tracked(window, synthetic, {})
    lines = [f"{f + 1},3,{x:.2f},{y:.2f},{w:.2f},{h:.2f},1,-1,-1,-1" for f, (x, y, w, h) in enumerate(synthetic.boxes)]
    lines += [f"{f + 1},9,1,1,5,5,1,-1,-1,-1" for f in range(24)]  # another object
    path = tmp_path / "mot.txt"
    path.write_text("\n".join(lines) + "\n")
    chosen = []
    window.choose_hook = lambda title, text, items: chosen.append(items) or "id 3"
    window.reference.compare_box_file(str(path))
    assert chosen == [["id 3", "id 9"]]
    comparison = window.reference.comparison
    assert comparison.frames == 24 and comparison.mean_iou == pytest.approx(1.0, abs=1e-3)
    window.choose_hook = lambda title, text, items: None  # cancelled: the reference shown stays
    window.reference.compare_box_file(str(path))
    assert window.statusBar().currentMessage() == "nothing compared" and window.reference.comparison is comparison


def test_a_bad_ground_truth_file_is_one_error_and_shows_nothing(compared, tmp_path, monkeypatch):
    from pathlib import Path

    from core.errors import AnnotationFormatError

    window = compared
    window.actions["compare_gt"].trigger()  # off
    bad = Path(tmp_path / "groundtruth.txt")

    def broken():
        raise AnnotationFormatError(bad, "line 3: not a number in '5,6,x,8'")

    monkeypatch.setattr(window.document.sequence, "ground_truth", broken, raising=False)
    window.actions["compare_gt"].trigger()
    assert str(window.last_error) == f"{bad}: line 3: not a number in '5,6,x,8'"
    assert window.statusBar().currentMessage().startswith("Cannot compare with the ground truth: ")
    assert window.reference.reference is None and not window.actions["compare_gt"].isChecked()
    assert all(window.document.record(f).provenance == "student" for f in range(24))


def test_the_label_says_the_project_marks_absent_where_the_reference_has_a_box(compared):
    """O on a frame the ground truth has a box on: the label read 'IoU 0.00 here', not why."""
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation

    window = compared
    window.document.execute(SetRecords([FrameAnnotation(7, None, absent=True, provenance="manual")], label="absent"))
    window.goto(7)
    assert window.reference.label.text().startswith("the ground truth: you marked it absent here · ")
    window.goto(8)
    assert window.reference.label.text().startswith("the ground truth: IoU 1.00 here · ")


def test_m_with_no_frame_compared_does_not_say_they_agree(window, pair_files, synthetic, tmp_path, monkeypatch):
    """A project with no box yet, compared with its ground truth: M said 'no frame under IoU 0.5
    with the ground truth', agreement, where no frame had been compared."""
    window.open_pair(*pair_files, store=str(tmp_path / "e.rgbt.sqlite"))
    _ground_truth(monkeypatch, window, synthetic)
    window.actions["compare_gt"].trigger()
    window.actions["reference_next"].trigger()
    assert window.statusBar().currentMessage().startswith("no frame to compare with the ground truth: the project "
                                                          "has no box where it has one")
    _tracked(window, synthetic, {})
    window.actions["reference_next"].trigger()
    assert window.statusBar().currentMessage() == "no frame under IoU 0.5 with the ground truth (24 frames compared)"


def test_the_reference_box_is_drawn_under_the_project_s_box(compared):
    """Drawn over it, with its dark outline, the reference hid the project's box where the two nearly
    coincide (antiuav-4's first frame, IoU 0.98: only the box's handles showed)."""
    window = compared
    window.goto(0)
    for view in (window.views.visible, window.views.thermal):
        reference = window.reference.items[view.modality]
        assert reference.isVisible() and reference.zValue() < view.box_item.zValue()
        assert reference.zValue() < view.proposal_item.zValue()


@pytest.mark.parametrize("width", [1280, 1400])
def test_the_message_keeps_its_room_beside_the_comparison_s_label(compared, qtbot, width):
    """At 1280 px the comparison's label and the tracker label took the right half of the status bar
    and the message was cut at "... the wor\u2026" ("M jumps to where they disagree most" at its end);
    at 1400 at "success (AUC) 0\u2026". What M does comes first now, and the labels give up their room,
    cut with an ellipsis, their whole text in their tooltip."""
    window = compared
    window.resize(width, 800)
    qtbot.waitUntil(lambda: window.width() == width)
    window.goto(10)
    qtbot.wait(30)
    bar, label = window.statusBar(), window.reference.label
    shown = bar.shown_message()
    assert shown.startswith("M jumps to where they disagree most; vs the ground truth (rgbt234 rules, 24 frames "
                            "compared): success (AUC) 0."), shown
    assert bar.message_rect().width() >= 0.6 * bar.width(), (bar.message_rect().width(), bar.width())
    assert label.isVisible() and label.shown_text().startswith("the ground truth: IoU 0.00 here")
    if label.shown_text() != label.text():
        assert label.shown_text().endswith("\u2026") and label.toolTip().startswith(label.text())
    assert window.reference.comparison.summary("the ground truth") in label.toolTip()
    bar.showMessage("frame 11")  # a short message: the labels whole again
    qtbot.wait(30)
    assert label.shown_text() == label.text() and window.job_status.tracker_label.shown_text() == "Tracker: Student"


def test_what_the_file_left_out_comes_first_and_stays_in_the_label_s_tooltip(window, pair_files, synthetic,
                                                                              tmp_path, qtbot):
    """A compare with a file longer than the footage (621 lines on a 501-frame video) put "120 rows past the
    footage's last frame left out" at the end of a long message, off the bar: it comes first, and the label's
    tooltip keeps it once the message is gone."""
    window.resize(1280, 800)
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    _tracked(window, synthetic, {3: 200.0})
    rows = [f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}" for x, y, w, h in synthetic.boxes[:24]] + ["1,1,5,5"] * 6
    path = tmp_path / "longer.txt"
    path.write_text("\n".join(rows) + "\n")
    window.reference.compare_box_file(str(path))
    qtbot.wait(30)
    note = "6 rows past the footage's last frame (24) left out"
    bar = window.statusBar()
    assert bar.currentMessage().startswith(f"longer.txt: {note}; M jumps to where they disagree most; vs longer.txt")
    assert note in bar.shown_message()
    assert window.reference.label.toolTip().endswith(f"read from longer.txt:\n{note}")


def test_during_a_run_the_labels_are_cut_alike(compared, qtbot):
    """With a comparison shown during a run, the job status was capped as one widget: its tracker and engine labels
    were cut to their minimum ("Tracker: \u2026", "Student: \u2026") beside the comparison's label left long. Each
    label is weighed on its own now: the widest are cut to one width."""
    window = compared
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    status = window.job_status
    status.begin("Student tracking from frame 2")
    status.set_speed(19.7, "Student", "onnx on cpu", "thermal")
    status.report(5, 24, "Student: frame 7")
    window.statusBar().showMessage("Student tracking from frame 2 to frame 24; Esc stops it and keeps the frames "
                                   "tracked so far")
    qtbot.wait(50)
    labels = [window.reference.label, status.tracker_label, status.engine_label]
    cut = [label.width() for label in labels if label.shown_text() != label.text()]
    whole = [label.width() for label in labels if label.shown_text() == label.text()]
    assert cut and max(cut) - min(cut) <= 2, [(label.shown_text(), label.width()) for label in labels]
    assert all(width <= min(cut) + 2 for width in whole)
    assert status.tracker_label.shown_text() == "Tracker: Student"
    status.finish()
