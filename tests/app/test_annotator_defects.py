"""Defects a demanding annotator met on real footage (the session of 2026-12-07)."""
from __future__ import annotations

import numpy as np


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


def test_export_target_with_a_tilde_or_a_bare_name_lands_where_the_user_means(window, pair_files, tmp_path,
                                                                            monkeypatch):
    """The export dialog's target "~/exports/seq-lasher" is in the home folder and a bare name
    in the folder the dialog suggests (before: a folder literally named "~", and the bare name,
    under whatever folder the studio was started from, while the result named "~/..."); an
    empty target keeps the dialog open and says why."""
    from app.dialogs.export_dialog import ExportDialog

    home, started_in = tmp_path / "home", tmp_path / "started-in"
    home.mkdir()
    started_in.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(started_in)
    window.open_pair(*pair_files, store=str(tmp_path / "proj" / "t.rgbt.sqlite"))
    dialog = ExportDialog("seq", tmp_path / "proj", window)
    dialog.format.setCurrentIndex(dialog.format.findData("annotations"))
    dialog.target.setText("~/exports/seq-annotations")
    key, target = dialog.values()
    assert target == home / "exports" / "seq-annotations"
    assert window.export_checked(key, target)
    assert (home / "exports" / "seq-annotations").is_dir() and not any(started_in.iterdir())
    dialog.target.setText("seq-named")
    assert dialog.values()[1] == tmp_path / "proj" / "seq-named"
    dialog.target.setText("  ")
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and "Choose where to export" in dialog.message.text()
    dialog.close()


def test_open_pair_paths_typed_with_a_tilde_name_the_home_folder(qtbot, tmp_path, monkeypatch):
    from app.dialogs.open_pair import OpenPairDialog

    monkeypatch.setenv("HOME", str(tmp_path))
    dialog = OpenPairDialog(None, "~/v.mp4", " ~/t.mp4 ")
    qtbot.addWidget(dialog)
    assert dialog.values()[:2] == (str(tmp_path / "v.mp4"), str(tmp_path / "t.mp4"))
    assert dialog.visible.start_folder() == str(tmp_path / "v.mp4")


def test_typing_frames_or_a_threshold_in_refine_chooses_that_line(qtbot):
    """R without a range shown opens on "Current frame": typing frames 50-80 (or a threshold)
    and OK refined the current frame alone."""
    from app.dialogs.refine_dialog import RefineDialog

    dialog = RefineDialog(9, 151, None, 0.4)
    qtbot.addWidget(dialog)
    assert dialog.mode() == "frame"
    dialog.first.setValue(50)
    dialog.last.setValue(80)
    assert dialog.mode() == "range" and dialog.range_() == (49, 80)
    dialog.threshold_spin.setValue(0.3)
    assert dialog.mode() == "below" and dialog.threshold() == 0.3
    dialog.last.setValue(90)
    assert dialog.mode() == "range"
    shown = RefineDialog(9, 151, (20, 40), 0.4)  # a range shown on the timeline: chosen as before
    qtbot.addWidget(shown)
    assert shown.mode() == "range" and shown.range_() == (20, 40)


def test_a_range_shown_on_one_project_is_not_in_force_on_the_next(window, pair_files, tmp_path):
    """Ctrl+R at frame 20 of a project, then another, shorter one opened: the range stayed in
    force there, off screen and cut to its last frame, so I over the whole sequence said
    "needs two keyframes" with keyframes on frames 1 and 8."""
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    window.open_pair(*pair_files, store=str(tmp_path / "long.rgbt.sqlite"))
    window.goto(20)
    window.actions["range"].setChecked(True)
    assert window.timeline.selected_range() == (20, 24)
    short = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=8), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "short.rgbt.sqlite"), sequence=short))
    assert window.timeline.selected_range() is None and not window.actions["range"].isChecked()
    window.views.box_drawn.emit("visible", short.boxes[0])
    window.goto(7)
    window.views.box_drawn.emit("visible", short.boxes[7])
    window.goto(3)
    window.actions["interpolate"].trigger()
    assert window.document.record(3).provenance == "interpolated"
    assert all(window.document.record(f) is not None for f in range(8))


def test_a_missing_weights_file_is_refused_instead_of_running_random_weights(window, pair_files, synthetic,
                                                                           tmp_path, qtbot):
    """Student weights chosen in Settings and then moved (or mistyped): T ran RANDOM weights in
    their place (random weights are allowed by default) and wrote a run of boxes off the
    target; R, Improve and the distillation export did the same with the teacher. Each now
    stops with one dialog naming the file, and Settings refuses such a path on OK."""
    import dataclasses

    from app.dialogs.settings_dialog import SettingsDialog

    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    window.open_pair(*pair_files, store=str(tmp_path / "w.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    gone = tmp_path / "models" / "student-moved.pt"
    window.settings.models = dataclasses.replace(window.settings.models, student_weights=str(gone),
                                                 teacher_weights=str(gone))
    assert window.settings.models.allow_random  # the default that ran random weights
    window.actions["track"].trigger()
    assert window.document.record(1) is None and window.document.undo_stack.count() == 1
    assert shown[-1][0] == "Cannot track" and str(gone) in shown[-1][1] and "File > Settings" in shown[-1][1]
    window.edits.ask_refine()
    assert shown[-1][0] == "Cannot refine" and not window.refining.busy
    assert not window.export_checked("distillation", tmp_path / "d.h5") and shown[-1][0] == "Cannot export"
    assert not (tmp_path / "d.h5").exists()
    window.improver.start()
    assert shown[-1][0] == "Cannot improve the student" and not window.improver.busy
    dialog = SettingsDialog(window.settings.models)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and str(gone) in dialog.message.text()
    dialog.student.edit.setText("")
    dialog.teacher.edit.setText("")
    dialog.accept()
    assert not dialog.isVisible()
    window.settings.models = dialog.values()
    window.actions["track"].trigger()  # the bundled weights: tracks
    assert window.document.record(1) is not None


def test_messages_name_the_keys_as_the_user_rebound_them(window, pair_files, synthetic, tmp_path):
    """Undo rebound to Ctrl+U, Accept to G, Occluded to W and Select range left without a key
    (Edit > Keyboard shortcuts...): the status bar and the frame title still said "Ctrl+Z
    undoes it", "(A to accept)", "(Q: fully occluded)" and "Ctrl+R", keys that then did
    nothing or something else."""
    from app.actions import apply_shortcuts

    window.open_pair(*pair_files, store=str(tmp_path / "keys.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.settings.shortcuts = {"undo": "Ctrl+U", "accept": "G", "occluded": "W", "range": ""}
    apply_shortcuts(window.actions, window.settings.shortcuts)
    window.document.store.put_proposals("test", [(5, synthetic.boxes[5], 0.9)])
    window.document.reload([5])
    window.goto(5)
    assert "(G to accept)" in window.views.visible_panel.title.text()
    window.actions["accept"].trigger()
    assert window.statusBar().currentMessage().endswith("; Ctrl+U undoes it")
    window.actions["accept_range"].trigger()
    message = window.statusBar().currentMessage()
    assert "(Track > Select range, then drag" in message and "G accepts this frame's proposal" in message
    window.goto(8)
    window.actions["absent"].trigger()
    assert "absent: out of view (W: fully occluded)" in window.views.visible_panel.title.text()
    window.goto(7)
    window.actions["track"].trigger()
    assert "an absent mark (O: out of view)" in window.statusBar().currentMessage()


def test_stop_leaves_the_view_on_the_runs_last_box(window, pair_files, synthetic, tmp_path, monkeypatch):
    """Esc during T: the batch committed as Stop came is kept but its report is dropped, so the
    view stayed on frame 65 of a run that wrote up to 66, and "65 frames tracked (stopped)"
    read as a run that ended where the view was."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        for batch in ((1, 2), (3, 4), (5, 6)):
            command = SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5)
                                  for f in batch], label="track")
            command.apply(store)  # the worker commits, then reports
            applied.append(command)
            if batch[0] == 3:
                window.tracking.stop()  # Esc while this batch was being committed
            yield Progress(batch[-1], 23, f"frame {batch[-1] + 1}",
                           TrackUpdate("Student", batch[-1], synthetic.boxes[batch[-1]], 0.5, command,
                                       window.document.sequence[batch[-1]], 30.0, "", ""))
        return 6

    monkeypatch.setattr(tracking, "track_job", job)
    window.open_pair(*pair_files, store=str(tmp_path / "stop.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert window.tracking.written == [1, 2, 3, 4]
    assert window.frame == 4 and window.transport.frame == 4
    assert window.statusBar().currentMessage() == "4 frames tracked (stopped)"
    assert "frame 5: tracked" in window.views.visible_panel.title.text()


def _pixels_of(widget, colour: str) -> int:
    """How many pixels of the timeline's plot area (not its legend) are near ``colour``."""
    from PySide6.QtGui import QColor

    widget.repaint()
    image = widget.grab().toImage()
    vb = widget.getViewBox()
    area = widget.mapFromScene(vb.sceneBoundingRect()).boundingRect()
    want = QColor(colour)
    count = 0
    for y in range(max(area.top(), 0), min(area.bottom(), image.height())):
        for x in range(max(area.left(), 0), min(area.right(), image.width())):
            pixel = image.pixelColor(x, y)
            if abs(pixel.red() - want.red()) + abs(pixel.green() - want.green()) + abs(pixel.blue() - want.blue()) < 60:
                count += 1
    return count


def test_one_refined_frame_shows_its_teacher_agreement_on_the_timeline(qtbot):
    """R on the current frame (its default) gives the teacher-student IoU of one frame: the
    curve, drawn only between neighbouring values, showed nothing for it (and nothing for a
    confidence with no neighbour)."""
    import numpy as np

    from app.review import TimelineData
    from app.style import TIMELINE_COLOURS
    from app.views.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(600, 150)
    timeline.show()
    data = TimelineData.empty(60)
    data.iou[28] = 0.63
    data.confidence[40] = 0.8
    timeline.set_data(data)
    assert _pixels_of(timeline, TIMELINE_COLOURS["iou"]) > 4
    assert _pixels_of(timeline, TIMELINE_COLOURS["confidence"]) > 4
    data.iou[29] = 0.7  # two neighbours: the line, no dots
    timeline.set_data(data)
    assert len(timeline.iou_dots.data) == 0 and np.isfinite(data.iou).sum() == 2


def test_a_dataset_folder_no_one_may_write_keeps_its_project_out_also_for_root(window, pair_files, tmp_path,
                                                                                monkeypatch):
    """A dataset folder of mode r-xr-xr-x opened by the studio run as root (a container): root
    may write anywhere (``os.access`` says so), and the project, its lock and journal files
    went into the dataset; they go to the studio's home, as for any read-only folder."""
    import os
    import shutil
    from pathlib import Path

    from core.annotations.project_paths import studio_home

    dataset = tmp_path / "dataset"
    dataset.mkdir()
    visible, thermal = (Path(shutil.copy(p, dataset / Path(p).name)) for p in pair_files)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: True if mode & os.W_OK else real_access(path, mode))
    dataset.chmod(0o555)
    try:
        window.open_pair(visible, thermal)
        assert window.document is not None, window.statusBar().currentMessage()
        assert Path(window.document.store.path).parent == studio_home() / "projects"
        assert sorted(p.name for p in dataset.iterdir()) == sorted([visible.name, thermal.name])
        assert "read-only" in window.statusBar().currentMessage()
    finally:
        if window.document is not None:
            window.document.close()
            window.document = None
        dataset.chmod(0o755)


def test_a_failed_run_says_what_it_kept(window, pair_files, synthetic, tmp_path, monkeypatch):
    """The tracking process ended mid-run: the dialog read "Error / the tracking process ended
    unexpectedly" and the status bar's "4 frames tracked (failed)" was replaced at once, so the
    user could not tell whether the run's frames survived (they do, as one undo step)."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from app.track_process import TrackerProcessError
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        for batch in ((1, 2), (3, 4)):
            command = SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5)
                                  for f in batch], label="track")
            command.apply(store)
            applied.append(command)
            yield Progress(batch[-1], 23, f"frame {batch[-1] + 1}",
                           TrackUpdate("Student", batch[-1], synthetic.boxes[batch[-1]], 0.5, command, None, 30.0,
                                       "", ""))
        raise TrackerProcessError("the tracking process ended unexpectedly")

    monkeypatch.setattr(tracking, "track_job", job)
    window.open_pair(*pair_files, store=str(tmp_path / "fail.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    from PySide6.QtWidgets import QMessageBox

    box = window.findChild(QMessageBox, "errorDialog")
    assert box.text() == "Tracking failed after 4 frames; they are kept (Ctrl+Z undoes them), and T from the last one continues."
    assert box.informativeText() == "the tracking process ended unexpectedly"
    assert window.statusBar().currentMessage().startswith("Tracking failed after 4 frames; they are kept")
    assert all(window.document.record(f) is not None for f in range(1, 5))


def test_k_on_an_absent_frame_says_why_nothing_changed(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "ka.rgbt.sqlite"))
    window.goto(4)
    window.actions["absent"].trigger()
    window.statusBar().clearMessage()
    window.actions["keyframe"].trigger()
    assert window.statusBar().currentMessage() == (
        "Toggle keyframe: frame 5 holds an absent mark (O: out of view), which is always a keyframe; O lifts it")
    assert window.document.record(4).absent and window.document.undo_stack.count() == 1


def test_accept_on_a_read_only_project_says_it_was_refused_not_accepted(window, tmp_path):
    """A project another window holds, opened read-only: A said "accepted the teacher's box on
    frame 3; Ctrl+Z undoes it" (and Shift+A "accepted 1 teacher box") right over the refusal,
    though nothing was written."""
    from app.project import OpenRequest
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)
    path = tmp_path / "held.rgbt.sqlite"
    other = AnnotationStore.open(path)  # the other window: holds the writer lock
    try:
        other.put([FrameAnnotation(f, seq.boxes[f], provenance="student", confidence=0.3) for f in range(6)])
        other.put_proposals("t", [(2, seq.boxes[2] + 1.0, 0.8)])
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_request(OpenRequest("object", store=str(path), sequence=seq))
        assert window.document.read_only
        window.goto(2)
        window.actions["accept"].trigger()
        assert "refused" in window.statusBar().currentMessage()
        assert "accepted" not in window.statusBar().currentMessage()
        window.actions["range"].setChecked(True)
        window.actions["accept_range"].trigger()
        assert "refused" in window.statusBar().currentMessage()
        assert "accepted" not in window.statusBar().currentMessage()
        assert other.get(2).provenance == "student" and 2 in other.proposals()
    finally:
        other.close()


def test_the_tracker_menu_and_settings_name_the_rebound_track_key(window, pair_files, synthetic, tmp_path,
                                                                  monkeypatch):
    """Track from here rebound to G in Edit > Keyboard shortcuts...: the toolbar said "Track (G)"
    but Track > "Tracker (T runs it)" and Settings' "Tracker (T)" still named T, and the frame
    title kept "(A to accept)" after Accept was rebound, until the next frame was shown."""
    from app.dialogs.settings_dialog import SettingsDialog
    from tests.app.conftest import rebind_keys

    window.open_pair(*pair_files, store=str(tmp_path / "menu.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.document.store.put_proposals("test", [(0, synthetic.boxes[0] + 2.0, 0.9)])
    window.document.reload([0])
    assert window.tracker_menu.title() == "Tracker (T runs it)"
    rebind_keys(monkeypatch, window, {"track": "G", "accept": "Y"})
    assert window.tracker_menu.title() == "Tracker (G runs it)"
    assert "(Y to accept)" in window.views.visible_panel.title.text()
    dialog = SettingsDialog(window.settings.models, window)
    label = dialog.layout().labelForField(dialog.tracker)
    assert label.text() == "Tracker (G)"
    dialog.close()


class _Loading:
    """The tracking process's end of the pipe while its child loads a tracker: no answer yet."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message[0])

    def poll(self, timeout=0.0):
        import time

        time.sleep(min(timeout, 0.01))
        return False


class _Child:
    def __init__(self):
        self.killed = False

    def is_alive(self):
        return not self.killed

    def kill(self):
        self.killed = True

    def join(self, timeout=None):
        pass


def test_stop_while_the_tracker_loads_ends_the_wait_at_once():
    """Esc while "loading the Teacher tracker": Stop waited for the whole load (8 s for the
    teacher here; up to the 120 s start timeout) and the run then wrote a frame. The wait now
    looks at Stop: the child, which would read a stop only after loading, is ended."""
    import time

    import pytest

    from app.track_process import TrackerProcess
    from core.errors import Cancelled

    process = TrackerProcess()
    child, conn = _Child(), _Loading()
    process._process, process._conn = child, conn
    asked = time.monotonic() + 0.2
    began = time.monotonic()
    run = process.track(None, None, 0, 10, [1.0, 1.0, 4.0, 4.0], batch=True, cancelled=lambda: time.monotonic() > asked)
    with pytest.raises(Cancelled):
        next(run)
    assert time.monotonic() - began < 2.0
    assert child.killed and process._conn is None and conn.sent == ["track"]


def test_stop_during_the_load_writes_no_frame(window, pair_files, synthetic, tmp_path):
    """The studio's side: Stop during the load reaches the tracking process's wait, and the run
    ends with nothing written ("0 frames tracked (stopped)")."""
    from core.errors import Cancelled

    class Process:
        engine = ""

        def track(self, recipe, choice, start, stop, box, live_interval, *, batch=False, cancelled=None):
            for step in range(200):  # "loading"
                if step == 5:
                    window.actions["stop"].trigger()  # the user's Esc
                if cancelled is not None and cancelled():
                    raise Cancelled("stopped while the tracker was loading")
                yield from ()
            yield [(start + 1, box, 0.9, None, "")]

        def shutdown(self):
            pass

    window.open_pair(*pair_files, store=str(tmp_path / "load.rgbt.sqlite"))
    assert window.document.recipe is not None
    window.pool.process = Process()
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert window.document.record(1) is None
    assert window.statusBar().currentMessage() == "0 frames tracked (stopped)"
    assert not window.tracking.busy


def test_show_thermal_view_is_kept_like_blend(qtbot):
    """View > Show thermal view turned off came back on at the next start, while Blend, the
    colormap and Follow the target are kept."""
    from tests.app.conftest import new_window

    first = new_window(qtbot)
    first.actions["thermal_twin"].setChecked(False)
    assert first.views.thermal_panel.isHidden()
    first.close()
    second = new_window(qtbot)
    assert not second.actions["thermal_twin"].isChecked() and second.views.thermal_panel.isHidden()
    second.actions["thermal_twin"].setChecked(True)
    assert not second.views.thermal_panel.isHidden()
    second.close()


def test_i_with_a_range_between_two_keyframes_says_the_range_must_reach_them(window, pair_files, synthetic,
                                                                             tmp_path):
    """Keyframes on frames 3 and 20, a range shown over frames 8-17 (the bad stretch) and I:
    "nothing to interpolate: needs two keyframes" read as if the sequence had fewer than two."""
    window.open_pair(*pair_files, store=str(tmp_path / "ir.rgbt.sqlite"))
    for frame in (2, 19):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.goto(7)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(7, 17)
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage() == (
        "nothing to interpolate: frames 8-17 hold 0 keyframes; I interpolates between keyframes inside the range: "
        "drag its edges onto a keyframe on each side")
    window.timeline.show_range(2, 20)  # reaching both: interpolated
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage().startswith("interpolated 16 frames")


def test_o_again_on_a_range_marked_absent_says_how_to_lift_the_marks(window, pair_files, tmp_path):
    """O (Toggle absent) with a range marks the range absent; O again there said only "nothing
    to mark absent", as if O did nothing, with no word on how the marks come off."""
    window.open_pair(*pair_files, store=str(tmp_path / "oo.rgbt.sqlite"))
    window.goto(4)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(4, 9)
    window.actions["absent"].trigger()
    assert all(window.document.record(f).absent for f in range(4, 9))
    window.actions["absent"].trigger()
    assert window.statusBar().currentMessage() == (
        "frames 5-9: nothing to mark absent; 5 frames are absent already: Ctrl+Z undoes a range's marking, "
        "O without a range lifts one frame's mark (hide the range: Ctrl+R)")


def test_an_edit_the_store_cannot_write_says_so_and_leaves_no_undo_step(window, pair_files, synthetic, tmp_path,
                                                                        monkeypatch):
    """Disk full (or the file system gone read-only) under a long session: a drawn box vanished
    without a word (a traceback on the terminal only) and left an undo step "box" that undid
    nothing. Now one dialog says the edit was not saved, and no undo step is left."""
    from core.annotations.store import StoreError

    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    window.open_pair(*pair_files, store=str(tmp_path / "full.rgbt.sqlite"))
    store = window.document.store
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    assert window.document.undo_stack.count() == 1
    written = store._write

    def full(*_args, **_kwargs):
        raise StoreError(store.path, "write failed (database or disk is full)")

    monkeypatch.setattr(store, "_write", full)
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    assert shown == [("The edit was not saved", f"{store.path}: write failed (database or disk is full)")]
    assert window.document.record(3) is None and not window.views.visible.box_item.isVisible()
    assert window.document.undo_stack.count() == 1
    window.actions["absent"].trigger()  # O: its memory of the box and its mark, one dialog
    assert len(shown) == 2 and window.document.record(3) is None
    # a proposal the user sees (in the cache only: the store is "full")
    window.document.proposals[3] = (synthetic.boxes[3] + 1.0, 0.8)
    window.statusBar().clearMessage()
    window.actions["accept"].trigger()  # A: the dialog, and no "accepted the teacher's box" after it
    assert len(shown) == 3 and "accepted" not in window.statusBar().currentMessage()
    window.actions["undo"].trigger()  # undoing the first box cannot be written either: said, box kept
    assert len(shown) == 4 and window.document.record(0) is not None
    monkeypatch.setattr(store, "_write", written)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    assert window.document.record(3) is not None


def test_open_pair_with_a_mistyped_path_stays_open_with_both_paths(qtbot, pair_files, tmp_path):
    """A typo in one of the two paths: Open closed the dialog, an error dialog followed, and both
    paths had to be typed or picked again. The dialog now says which path does not exist and
    stays open with both fields as typed."""
    from PySide6.QtWidgets import QDialog

    from app.dialogs.open_pair import OpenPairDialog

    visible, thermal = (str(p) for p in pair_files)
    typo = thermal.replace("thermal", "thermla")
    dialog = OpenPairDialog(visible=visible, thermal=typo)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.text().startswith(f"The thermal source {typo} does not exist")
    assert dialog.values()[:2] == (visible, typo)
    dialog.thermal.edit.setText(thermal)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
