"""Undo and redo while runs go on."""
from __future__ import annotations


def test_undo_and_reopen_while_tracking_runs(qtbot, tmp_path):
    """Threaded: Ctrl+Z during a run stops it and undoes the whole run as one step;
    opening another project during a run closes the first cleanly."""
    from app.main_window import MainWindow
    from app.project import OpenRequest
    from app.settings import StudioSettings
    from core.synthetic import SyntheticConfig, SyntheticSequence

    long = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=300), seed=2)
    win = MainWindow(StudioSettings.load())
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.project_opened, timeout=10000):
        win.open_request(OpenRequest("object", store=str(tmp_path / "a.rgbt.sqlite"), sequence=long))
    win.views.box_drawn.emit("visible", long.boxes[0])
    win.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(win.tracking.frames) >= 3, timeout=20000)
    win.actions["undo"].trigger()  # stops the run, undoes it
    assert not win.tracking.busy
    assert sorted(win.document.store.records()) == [0]
    win.actions["redo"].trigger()
    assert len(win.document.store.records()) >= 4
    win.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(win.tracking.frames) >= 2, timeout=20000)
    first_store = win.document.store.path
    with qtbot.waitSignal(win.project_opened, timeout=10000):
        win.open_request(OpenRequest("object", store=str(tmp_path / "b.rgbt.sqlite"), sequence=long))
    assert win.last_error is None
    assert win.document.store.path != first_store and win.document.records == {}
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(first_store) as store:
        assert len(store.records()) > 4
    win.close()


def test_undo_while_the_teacher_refines_leaves_the_refinement_running(window, pair_files, synthetic, tmp_path,
                                                                      monkeypatch):
    """R over a long range, and meanwhile a box drawn and undone with Ctrl+Z: the undo stopped
    the teacher's refinement ("120 frames refined (stopped)"), though a refinement leaves no undo
    step to wait for; its remaining frames had to be refined again. A tracking run is still
    stopped first (it is one undo step)."""
    window.open_pair(*pair_files, store=str(tmp_path / "ur.rgbt.sqlite"))
    stopped = []
    monkeypatch.setattr(window.refining, "stop", lambda: stopped.append("refine"))
    monkeypatch.setattr(window.tracking, "stop", lambda: stopped.append("track"))
    window.refining.runner._busy = True  # the teacher refining in its worker
    try:
        window.goto(3)
        window.views.box_drawn.emit("visible", synthetic.boxes[3])
        window.actions["undo"].trigger()
        assert window.document.record(3) is None and stopped == []
        window.actions["redo"].trigger()
        assert window.document.record(3) is not None and stopped == []
        window.tracking.runner._busy = True  # a tracking run: stopped first, as before
        window.actions["undo"].trigger()
        assert stopped == ["track"]
    finally:
        window.refining.runner._busy = window.tracking.runner._busy = False


def test_ctrl_z_during_the_first_run_since_opening_stops_and_undoes_it(qtbot, pair_files, synthetic, tmp_path,
                                                                      monkeypatch):
    """A project reopened, T at once (interpolated boxes ahead), Ctrl+Z while it runs: Undo was
    disabled (the run is pushed as one step only when it ends, and the stack held nothing before
    it), so Ctrl+Z did nothing and the run went on writing over the interpolated boxes. Undo is
    enabled while a run goes on and stops and undoes it, as it does when earlier steps exist."""
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore
    from tests.app.conftest import slow_track_job, window_running

    store = str(tmp_path / "first-run.rgbt.sqlite")
    with AnnotationStore.open(store) as earlier:  # boxes the session before left
        earlier.put([FrameAnnotation(0, synthetic.boxes[0], provenance="manual", keyframe=True)]
                    + [FrameAnnotation(f, synthetic.boxes[f], provenance="interpolated") for f in range(1, 10)]
                    + [FrameAnnotation(10, synthetic.boxes[10], provenance="manual", keyframe=True)])
    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, (1, 2, 3, 4)), pair_files, store)
    assert not window.document.undo_stack.canUndo()  # nothing done since the project opened
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 4, timeout=20000)
    assert window.tracking.busy and window.actions["undo"].isEnabled()
    assert window.actions["undo"].text() == "Undo the tracking run (stops it)"
    window.actions["undo"].trigger()
    assert not window.tracking.busy
    records = window.document.store.records()
    assert [records[f].provenance for f in range(1, 10)] == ["interpolated"] * 9  # the run undone
    assert window.statusBar().currentMessage() == "undone: Student: track 4 frames"
    assert window.actions["redo"].isEnabled() and not window.actions["undo"].isEnabled()
    window.close()


def test_undoing_a_run_keeps_a_box_corrected_while_it_ran(qtbot, pair_files, synthetic, tmp_path, monkeypatch):
    """T, and while it runs the user corrects frame 3, which the run had already tracked; then
    Ctrl+Z: the run's undo step, pushed when the run ended, put back what frame 3 held before the
    run (nothing) over the correction, and the correction's own undo then brought back the
    tracker's box. The run's step now leaves out the frames the user edited while it ran: its undo
    takes back the run's other boxes and keeps the correction, whose own undo is the next Ctrl+Z."""
    import numpy as np

    from tests.app.conftest import slow_track_job, window_running

    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, (1, 2, 3, 4)), pair_files,
                            str(tmp_path / "corrected.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 4, timeout=20000)
    window.goto(2)
    corrected = synthetic.boxes[2] + np.array([3.0, 2.0, 0.0, 0.0])
    window.views.box_drawn.emit("visible", corrected)  # the correction, while the run goes on
    window.actions["undo"].trigger()  # stops the run and undoes it
    store = window.document.store
    kept = store.get(2)
    assert kept is not None and kept.provenance == "manual" and np.allclose(kept.box, corrected)
    assert store.get(1) is None and store.get(3) is None and store.get(4) is None  # the run's other boxes undone
    window.actions["undo"].trigger()  # the correction's own step
    assert store.get(2) is not None and store.get(2).provenance == "student"
    window.actions["redo"].trigger()
    window.actions["redo"].trigger()
    assert store.get(2).provenance == "manual" and [store.get(f).provenance for f in (1, 3, 4)] == ["student"] * 3
    window.close()
