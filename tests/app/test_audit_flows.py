"""Flows of the annotator's audit (stop, re-track and undo, refine, review, settings): each
test failed on the code before its fix."""
from __future__ import annotations

import numpy as np


def test_stop_is_enabled_only_while_a_run_or_playback_goes(window, pair_files, synthetic, tmp_path):
    stop = window.actions["stop"]
    assert not stop.isEnabled()  # nothing open, nothing running
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    assert not stop.isEnabled()
    window.set_tracker("kcf")
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    during = []
    window.tracking.progress.connect(lambda *_a: during.append(stop.isEnabled()))
    window.actions["track"].trigger()
    assert during and all(during)
    assert not stop.isEnabled()  # the run ended
    window.transport.toggle_play()
    assert stop.isEnabled()
    window.transport.toggle_play()
    assert not stop.isEnabled()
    during.clear()
    window.refining.progress.connect(lambda *_a: during.append(stop.isEnabled()))
    window.review.refine(2, 4)
    assert during and all(during) and not stop.isEnabled()


def test_stop_follows_a_threaded_run(qtbot, pair_files, synthetic, tmp_path):
    """On worker threads the run says ``started`` before its runner is busy: Stop must be
    enabled from the start and disabled once the run ended."""
    from app.jobs import TrackerPool
    from app.main_window import MainWindow
    from app.qt import ensure_app
    from app.settings import StudioSettings

    ensure_app()
    window = MainWindow(StudioSettings.load(), pool=TrackerPool())  # threaded, the tracker in the worker
    qtbot.addWidget(window)
    try:
        window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
        qtbot.waitUntil(lambda: window.document is not None, timeout=20000)
        window.set_tracker("kcf")
        window.views.box_drawn.emit("visible", synthetic.boxes[0])
        stop = window.actions["stop"]
        seen, ended = [], []
        window.tracking.started.connect(lambda _t: seen.append(stop.isEnabled()))
        window.tracking.progress.connect(lambda *_a: seen.append(stop.isEnabled()))
        window.tracking.runner.ended.connect(ended.append)
        window.actions["track"].trigger()
        qtbot.waitUntil(lambda: bool(ended), timeout=60000)
        assert seen and all(seen)
        assert not stop.isEnabled()
    finally:
        window.close()


def test_undoing_a_retrack_keeps_the_tracker_name(window, pair_files, synthetic, tmp_path):
    """A re-track by the same tracker writes its raw outputs over the earlier run's; undo
    must bring those back too, or the restored boxes lose their tracker's name (titles,
    also after a reopen)."""
    path = tmp_path / "r.rgbt.sqlite"
    window.open_pair(*pair_files, store=str(path))
    doc = window.document
    window.set_tracker("kcf")
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.goto(8)
    window.views.box_drawn.emit("visible", synthetic.boxes[8] + np.array([6.0, 4.0, 0.0, 0.0]))  # a correction
    window.actions["track"].trigger()  # re-track 9.. with the same tracker
    window.goto(15)
    assert "tracked (OpenCV KCF)" in window.views.visible_panel.title.text()
    window.actions["undo"].trigger()  # the re-track
    window.actions["undo"].trigger()  # the correction
    window.goto(15)
    assert "tracked (OpenCV KCF)" in window.views.visible_panel.title.text()
    assert doc.tracked_by[15] == "OpenCV KCF"
    window.actions["redo"].trigger()
    window.actions["redo"].trigger()
    window.goto(15)
    assert "tracked (OpenCV KCF)" in window.views.visible_panel.title.text()
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    window.open_pair(*pair_files, store=str(path))  # reopened: the name comes from the store
    assert all(window.document.tracked_by.get(f) == "OpenCV KCF" for f in range(1, len(synthetic)))


def test_undo_names_the_tracker_and_says_what_it_undid(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "n.rgbt.sqlite"))
    window.set_tracker("kcf")
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    n = len(synthetic) - 1
    assert window.document.undo_stack.undoText() == f"OpenCV KCF: track {n} frames"
    assert window.actions["undo"].text() == f"Undo OpenCV KCF: track {n} frames"
    window.actions["undo"].trigger()
    assert window.statusBar().currentMessage() == f"undone: OpenCV KCF: track {n} frames"
    window.actions["redo"].trigger()
    assert window.statusBar().currentMessage() == f"redone: OpenCV KCF: track {n} frames"


def test_a_runs_undo_step_counts_frames_not_batches(window, pair_files, synthetic, tmp_path, monkeypatch):
    """The tracking process sends several frames per batch (one command each): the undo
    step's label counts the frames."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation, Provenance
    from core.progress import Progress

    def batched_job(_pool, _settings, _sequence, store, start, _stop, applied, **_kw):
        for frames in ((1, 2, 3, 4, 5), (6, 7, 8)):
            command = SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance=Provenance.STUDENT,
                                                  confidence=0.9) for f in frames], label="track")
            command.apply(store)
            applied.append(command)
            yield Progress(frames[-1], 8, "batch", TrackUpdate("Student", frames[-1], synthetic.boxes[frames[-1]],
                                                               0.9, command, None, 30.0, "test"))
        return 8

    monkeypatch.setattr(tracking, "track_job", batched_job)
    window.open_pair(*pair_files, store=str(tmp_path / "b.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert window.document.undo_stack.undoText() == "Student: track 8 frames"


def test_a_new_refine_threshold_moves_the_yellow_runs_at_once_and_is_saved(window, pair_files, synthetic,
                                                                          tmp_path, monkeypatch):
    """Refine > all frames below X with an X that flags nothing: the timeline showed the old
    threshold's runs (N used the new one), the choice was saved only on quit, and the status
    bar spoke of manual boxes."""
    import app.window_review as window_review
    from app.review import low_confidence_runs
    from app.settings import StudioSettings
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation, Provenance

    class Answer:
        def __init__(self, *_args, **_kwargs):
            pass

        def exec(self):
            return True

        def mode(self):
            return "below"

        def threshold(self):
            return 0.2

    monkeypatch.setattr(window_review, "RefineDialog", Answer)
    window.open_pair(*pair_files, store=str(tmp_path / "y.rgbt.sqlite"))
    doc = window.document
    doc.execute(SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance=Provenance.STUDENT, confidence=0.25)
                            for f in range(5, 10)]))
    window.refresh_timeline()
    assert low_confidence_runs(doc.timeline().confidence, 0.3) == [(5, 10)]  # a pair: flagged below 0.3
    assert list(window.timeline.low_runs.opts["x0"]) == [4.5]
    window.actions["refine"].trigger()
    assert list(window.timeline.low_runs.opts["x0"]) == []  # nothing below 0.2
    assert StudioSettings.load().low_confidence == 0.2
    assert "below 0.20" in window.statusBar().currentMessage()


def test_a_box_dragged_on_a_read_only_store_snaps_back(window, tmp_path):
    """The drag is refused (nothing written), and the view shows the stored box again
    instead of the moved one."""
    from app.project import OpenRequest
    from core.annotations.records import FrameAnnotation, Provenance
    from core.annotations.store import AnnotationStore
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)
    path = tmp_path / "held.rgbt.sqlite"
    other = AnnotationStore.open(path)  # another program holds it for editing
    try:
        stored = np.array([20.0, 20.0, 30.0, 30.0])
        other.put([FrameAnnotation(0, stored, provenance=Provenance.MANUAL, keyframe=True)])
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_request(OpenRequest("object", store=str(path), sequence=sequence))
        item = window.views.visible.box_item
        assert np.allclose(item.box(), stored)
        item.setPos((40.0, 30.0), finish=True)  # a drag ends: sigRegionChangeFinished
        assert "open read-only" in window.statusBar().currentMessage()
        assert np.allclose(item.box(), stored)
        assert np.allclose(other.get(0).box, stored)
    finally:
        other.close()


def test_refine_on_a_read_only_store_is_refused_before_the_dialog(window, pair_files, tmp_path, monkeypatch):
    import app.window_review as window_review
    from core.annotations.store import AnnotationStore

    shown = []
    monkeypatch.setattr(window_review, "RefineDialog", lambda *a, **k: shown.append(a))
    path = tmp_path / "held.rgbt.sqlite"
    other = AnnotationStore.open(path)
    try:
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_pair(*pair_files, store=str(path))
        assert window.document.read_only
        window.actions["refine"].trigger()
        assert not shown
        assert "teacher refinement refused" in window.statusBar().currentMessage()
    finally:
        other.close()


def test_a_box_dragged_past_the_frame_edge_is_cut_to_the_frame(window, pair_files, synthetic, tmp_path):
    """Seen on a real pair: a keyframe dragged 120 px below a 480-row frame was stored as it
    was, and the teacher (live or refining) started from it and lost the person."""
    from app.edits import clip_to_frame

    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    doc = window.document
    width, height = doc.info.width, doc.info.height
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    item = window.views.visible.box_item
    item.setPos((width - 10.0, height - 12.0), finish=True)  # the drag leaves most of the box off the frame
    stored = doc.store.get(0).box
    assert np.allclose(stored[:2], [width - 10.0, height - 12.0]) and np.allclose(stored[2:], [10.0, 12.0])
    assert np.allclose(item.box(), stored)  # the view shows what is stored
    window.views.box_drawn.emit("visible", np.array([-20.0, -10.0, 40.0, 30.0]))  # drawn across a corner
    assert np.allclose(doc.store.get(0).box, [0.0, 0.0, 20.0, 20.0])
    steps = doc.undo_stack.count()
    window.views.box_drawn.emit("visible", np.array([width + 5.0, 10.0, 20.0, 20.0]))  # wholly outside
    assert doc.undo_stack.count() == steps and "outside the frame" in window.statusBar().currentMessage()
    box = np.array([5.0, 6.0, 7.0, 8.0])
    assert np.array_equal(clip_to_frame(box, width, height), box) and box.tolist() == [5.0, 6.0, 7.0, 8.0]


def test_the_progress_bar_goes_to_the_refinement_when_the_tracking_run_beside_it_ends(window, pair_files,
                                                                                     tmp_path):
    """R during T, then T ends first: the status bar kept the finished run's "Student: frame 204 100%" and
    Stop for as long as the teacher went on (walkthrough on the demo), as if tracking still ran. The bar
    shows the refinement from then on."""
    window.open_pair(*pair_files, store=str(tmp_path / "beside.rgbt.sqlite"))
    tracking, refining, bar = window.tracking, window.refining, window.job_status.bar
    tracking.runner._busy = True  # a tracking run going on (its worker is not needed here)
    tracking.started.emit("Student tracking from frame 1")
    refining.runner._busy = True  # R beside it
    refining.started.emit("teacher refining 1 frame")
    refining.progress.emit(0, 1, "loading the teacher tracker")
    tracking.progress.emit(23, 23, "Student: frame 24")
    assert bar.format().startswith("Student: frame 24")
    tracking.runner._busy = False
    tracking.ended.emit("23 frames tracked (done)")
    assert window.statusBar().currentMessage().startswith("23 frames tracked (done)")
    assert bar.isVisibleTo(window) and bar.format().startswith("loading the teacher tracker")
    refining.runner._busy = False
    refining.ended.emit("1 frame refined (done)")
    assert not bar.isVisibleTo(window)
