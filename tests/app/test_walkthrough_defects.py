"""Defects a first-time user met on real footage (the walkthrough of 2026-12-06)."""
from __future__ import annotations


def test_n_says_when_it_wraps_back_to_the_first_frame_needing_attention(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])  # frame 2 needs a look: the annotation stops there
    window.statusBar().clearMessage()
    window.actions["attention"].trigger()
    assert window.frame == 1 and "back to" not in window.statusBar().currentMessage()
    window.goto(10)
    window.actions["attention"].trigger()
    assert window.frame == 1
    assert "no frame after 11 needs attention" in window.statusBar().currentMessage()
    assert "frame 2" in window.statusBar().currentMessage()


def test_k_q_and_del_on_a_frame_without_a_box_say_why_nothing_happened(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    window.goto(3)
    for action, text in (("keyframe", "Toggle keyframe"), ("occluded", "Toggle occluded"), ("delete_box", "Delete box")):
        window.statusBar().clearMessage()
        window.actions[action].trigger()
        message = window.statusBar().currentMessage()
        assert message.startswith(f"{text}: frame 4 has no box") and "O marks the target absent" in message
        assert window.document.record(3) is None and not window.document.undo_stack.canUndo()


def test_a_file_problem_shows_its_message_without_a_python_traceback(qtbot):
    from app.dialogs.errors import show_error
    from core.errors import SequenceError

    trace = 'Traceback (most recent call last):\n  File "app/workers/job_worker.py", line 121, in _drive\n'
    box = show_error(None, "Cannot open", SequenceError("/data/visible.mp4", "cannot open as a video"), trace)
    qtbot.addWidget(box)
    assert box.text() == "Problem with /data/visible.mp4" and box.informativeText() == "cannot open as a video"
    assert box.detailedText() == ""  # no "Show Details..." with a traceback for a bad file
    from core.errors import ConfigError

    setting = show_error(None, "The run failed", ConfigError("device 'cuda' requested but ONNX Runtime cannot use "
                                                             "CUDA here"), trace)
    qtbot.addWidget(setting)
    assert setting.detailedText() == "" and "File > Settings" in setting.text()
    bug = show_error(None, "The run failed", ValueError("unexpected"), trace)
    qtbot.addWidget(bug)
    assert bug.detailedText() == trace  # an unexpected error keeps its trace for the bug report


def test_recent_pairs_of_one_dataset_are_told_apart_by_their_folder(window, tmp_path):
    from pathlib import Path

    from app.menus import fill_recent_menu
    from app.settings import Recent

    pairs = [Recent("pair", (f"{tmp_path}/{name}/visible.mp4", f"{tmp_path}/{name}/infrared.mp4"))
             for name in ("0113_1714", "1230_1202")]
    for pair in pairs:  # the menu lists only projects whose sources are there
        for path in map(Path, pair.paths):
            path.parent.mkdir(exist_ok=True)
            path.touch()
    assert [r.label() for r in pairs] == ["0113_1714 (visible.mp4 + infrared.mp4)",
                                          "1230_1202 (visible.mp4 + infrared.mp4)"]
    apart = Recent("pair", ("/data/rgb/seq/visible", "/data/ir/seq/thermal"))
    assert apart.label() == "seq/visible + seq/thermal"
    assert Recent("sequence", ("/data/otb-crossing",)).label() == "otb-crossing"
    window.settings.recent = pairs
    fill_recent_menu(window)
    assert [a.text() for a in window.recent_menu.actions()] == [r.label() for r in pairs]
    assert window.recent_menu.toolTipsVisible()


def test_open_pair_with_a_missing_or_repeated_source_says_so_and_stays_open(qtbot, pair_files):
    from PySide6.QtWidgets import QDialog

    from app.dialogs.open_pair import OpenPairDialog

    visible, thermal = (str(p) for p in pair_files)
    for v, t, expected in ((visible, "", "Choose a visible and a thermal source"),
                           (visible, visible, "are the same")):
        dialog = OpenPairDialog(visible=v, thermal=t)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.accept()
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert expected in dialog.message.text() and dialog.message.isVisible()
    dialog = OpenPairDialog(visible=visible, thermal=thermal)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.message.isVisible()


def test_export_while_tracking_runs_asks_to_stop_the_run_first(window, pair_files, synthetic, tmp_path, monkeypatch):
    from app.controllers.tracking import RunController

    window.open_pair(*pair_files, store=str(tmp_path / "e.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    running = {"on": True}
    monkeypatch.setattr(RunController, "busy", property(lambda run: running["on"] and run is window.tracking))
    finished = []
    monkeypatch.setattr(window, "finish_runs", lambda: finished.append(True) or running.update(on=False))
    asked = []
    window.ask_hook = lambda title, text, choices: asked.append((title, text)) or "Cancel"
    assert not window.export_checked("lasher", tmp_path / "out")
    assert asked and "tracking is still running" in asked[0][1] and "frames done so far" in asked[0][1]
    assert not finished and not (tmp_path / "out").exists()
    assert "export cancelled" in window.statusBar().currentMessage()
    window.ask_hook = lambda title, text, choices: "Stop and export"
    assert window.export_checked("lasher", tmp_path / "out")
    assert finished == [True] and (tmp_path / "out" / "visible.txt").is_file()


def test_improve_result_keeps_the_current_weights_on_enter_unless_held_out_frames_say_better(qtbot, tmp_path):
    from pathlib import Path

    from app.dialogs.improve_dialog import ImproveResultDialog
    from core.distillation.finetune import FinetuneResult, HeldOutScore

    def dialog(before: HeldOutScore, after: HeldOutScore) -> ImproveResultDialog:
        result = FinetuneResult(Path(tmp_path / "s.pt"), before, after, train_items=2, steps=20, seconds=18.0)
        box = ImproveResultDialog(result)
        qtbot.addWidget(box)
        box.show()
        return box

    nothing_held_out = dialog(HeldOutScore(0, float("nan"), float("nan")), HeldOutScore(0, float("nan"), float("nan")))
    assert nothing_held_out.keep_button.isDefault() and not nothing_held_out.use_button.isDefault()
    worse = dialog(HeldOutScore(5, 0.7, 0.8), HeldOutScore(5, 0.6, 0.7))
    assert worse.keep_button.isDefault()
    better = dialog(HeldOutScore(5, 0.6, 0.7), HeldOutScore(5, 0.7, 0.8))
    assert better.use_button.isDefault() and not better.keep_button.isDefault()


def test_the_timeline_numbers_only_whole_frames(qtbot):
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(800, 120)
    timeline.show()
    axis = timeline.getPlotItem().getAxis("bottom")
    for low, high in ((0.5, 1.5), (0.0, 23.0), (10.2, 12.7)):  # the empty window; a sequence; zoomed in
        timeline.getPlotItem().setXRange(low, high, padding=0)
        for _spacing, values in axis.tickValues(low, high, 800):
            assert all(float(v).is_integer() for v in values), (low, high, values)


def test_a_status_message_cut_at_the_window_edge_reads_whole_as_a_tool_tip(window):
    text = "opened pair16: 60 frames at 30 fps (16-bit/float thermal mapped to 8-bit: " + "raw [22280, 25200] " * 8
    window.statusBar().showMessage(text, 10000)
    assert window.statusBar().toolTip() == text
    window.statusBar().clearMessage()
    assert window.statusBar().toolTip() == ""


def test_a_frame_offset_that_would_move_the_annotations_is_refused(window, pair_files, synthetic, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from core.annotations.store import AnnotationStore

    store = tmp_path / "o.rgbt.sqlite"
    window.open_pair(*pair_files, frame_offset=-2, store=str(store))
    window.views.box_drawn.emit("visible", synthetic.boxes[2])  # frame 1 = visible frame 3
    window.open_pair(*pair_files, frame_offset=0, store=str(store))  # would put the box on visible frame 1
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and str(store) in boxes[0].text()
    assert "frame offset -2" in boxes[0].informativeText() and "2 frames earlier" in boxes[0].informativeText()
    boxes[0].close()
    reader = AnnotationStore.open(store, read_only=True)
    try:
        assert reader.get_meta("frame_offset") == -2 and sorted(reader.records()) == [0]  # nothing moved
    finally:
        reader.close()
    window.open_pair(*pair_files, store=str(store))  # the project's own offset: opens
    assert window.document is not None and window.document.sequence.frame_offset == -2
    assert window.document.record(0) is not None


def test_a_frame_offset_that_keeps_the_first_visible_frame_is_allowed(window, pair_files, synthetic, tmp_path):
    store = tmp_path / "p.rgbt.sqlite"
    window.open_pair(*pair_files, frame_offset=1, store=str(store))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.open_pair(*pair_files, frame_offset=3, store=str(store))  # re-pairs the thermal stream only
    assert window.document is not None and window.document.sequence.frame_offset == 3
    assert window.document.record(0) is not None


def test_o_with_a_range_marks_the_whole_range_absent_in_one_undo_step(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    doc = window.document
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()  # machine boxes on frames 2-24
    window.goto(12)
    window.views.box_drawn.emit("visible", synthetic.boxes[12])  # a drawn box inside the range: kept
    window.timeline.show_range(10, 20)
    window.goto(15)
    window.actions["absent"].trigger()
    absent = [f for f in range(24) if doc.record(f) is not None and doc.record(f).absent]
    assert absent == [f for f in range(10, 20) if f != 12]
    assert doc.record(12).box is not None and not doc.record(12).absent
    message = window.statusBar().currentMessage()
    assert "marked 9 frames absent (11-20)" in message and "kept 1 box a person drew" in message
    window.actions["undo"].trigger()  # one step
    assert not any(doc.record(f).absent for f in range(24) if doc.record(f) is not None)
    window.timeline.hide_range()
    window.actions["absent"].trigger()  # without a range: this frame only
    assert [f for f in range(24) if doc.record(f) is not None and doc.record(f).absent] == [15]


def test_frame_offset_without_a_pair_is_refused_not_ignored():
    import argparse
    from pathlib import Path

    import pytest

    from app.commands import initial_request
    from app.settings import StudioSettings

    for sources, project in (([Path("/data/0113_1714")], None), ([], Path("/p.rgbt.sqlite"))):
        args = argparse.Namespace(sources=sources, project=project, frame_offset=5)
        with pytest.raises(SystemExit, match="--frame-offset applies to a VISIBLE THERMAL pair"):
            initial_request(args, StudioSettings())
    args = argparse.Namespace(sources=[Path("/data/0113_1714")], project=None, frame_offset=None)
    assert initial_request(args, StudioSettings()).kind == "sequence"
