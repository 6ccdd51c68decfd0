"""The status bar's count of a stopped tracking run (found by the real-footage walkthrough)."""
from __future__ import annotations


def test_a_stopped_run_counts_the_frames_it_wrote_also_the_batch_whose_report_came_after_stop(
        window, pair_files, synthetic, tmp_path, monkeypatch):
    """Stop while the worker commits a batch: that batch's report is dropped as stale, yet
    its frames are written and undone with the run; the status bar counted only the reported
    ones ("432 frames tracked (stopped)" of 433 written, walkthrough on real footage)."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress

    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    runner = window.tracking.runner

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        for batch in ((1, 2), (3,)):
            command = SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5)
                                  for f in batch], label="track")
            command.apply(store)
            applied.append(command)
            if batch == (3,):
                runner.cancel()  # Stop pressed while the worker committed this batch
            yield Progress(batch[-1], 10, f"frame {batch[-1] + 1}",
                           TrackUpdate("Student", batch[-1], synthetic.boxes[batch[-1]], 0.5, command, None, 30.0,
                                       "", ""))
        return 3

    monkeypatch.setattr(tracking, "track_job", job)
    window.actions["track"].trigger()
    assert sorted(window.document.store.records()) == [0, 1, 2, 3]
    assert window.statusBar().currentMessage() == "3 frames tracked (stopped)"
    window.actions["undo"].trigger()  # the run is one step: all three go
    assert sorted(window.document.store.records()) == [0]


def test_a_run_that_wrote_one_frame_says_frame(window, pair_files, synthetic, tmp_path, monkeypatch):
    """"1 frame tracked", and its undo step "track 1 frame" (it said "1 frames")."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress

    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        command = SetRecords([FrameAnnotation(1, synthetic.boxes[1], provenance="student", confidence=0.5)],
                             label="track")
        command.apply(store)
        applied.append(command)
        yield Progress(1, 10, "frame 2", TrackUpdate("Student", 1, synthetic.boxes[1], 0.5, command, None, 30.0,
                                                     "", ""))
        return 1

    monkeypatch.setattr(tracking, "track_job", job)
    window.actions["track"].trigger()
    assert window.statusBar().currentMessage() == "1 frame tracked (done)"
    assert window.actions["undo"].text() == "Undo Student: track 1 frame"


def test_one_box_deleted_or_interpolated_is_one_in_the_undo_step(window, pair_files, synthetic, tmp_path):
    """Del on one frame read "Undo delete 1 boxes" in the Edit menu and "undone: delete 1 boxes" after
    Ctrl+Z; I filling one frame "interpolate 1 frames"."""
    window.open_pair(*pair_files, store=str(tmp_path / "d.rgbt.sqlite"))
    for frame in (0, 2):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.actions["interpolate"].trigger()
    assert window.actions["undo"].text() == "Undo interpolate 1 frame"
    window.goto(2)
    window.actions["delete_box"].trigger()
    assert window.actions["undo"].text() == "Undo delete 1 box"
    window.actions["undo"].trigger()
    assert window.statusBar().currentMessage() == "undone: delete 1 box"
