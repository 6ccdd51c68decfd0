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
