"""A tracking run (T): Stop, Stop while the tracker loads, a failed run, T with nothing to track."""
from __future__ import annotations


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

        def track(self, recipe, choice, start, stop, box, live_interval, *, batch=False, cancelled=None, step=1):
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


def test_t_before_a_keyframe_says_why_nothing_is_tracked(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    for frame in (3, 4):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.goto(3)
    window.actions["track"].trigger()
    assert not window.tracking.busy
    message = window.statusBar().currentMessage()
    assert "nothing to track" in message and "(5) holds a keyframe" in message


def _child_that_stops_answering(conn) -> None:
    """A tracking process whose tracker loads and tracks two frames, and which then never returns
    from the third (a call that hangs, or one far longer than a frame)."""
    import time

    import numpy as np

    message = conn.recv()  # ("track", recipe, choice, start, stop, box, live interval)
    conn.send(("ready", "an engine that stops answering"))
    start, box = message[3], np.asarray(message[5], dtype=np.float64)
    for frame in (start + 1, start + 2):
        conn.send(("frame", frame, box, 0.5, None, ""))
    time.sleep(600)


def test_closing_the_window_ends_a_run_whose_tracking_process_stopped_answering(qtbot, pair_files, synthetic,
                                                                                tmp_path, monkeypatch):
    """T, and the tracking process busy in one call that does not end: closing the window left it on
    screen, frozen, for as long as the process stayed busy (30 s for the run, 10 s more, then for
    good on the lock the run held). The close now waits a moment, ends the process (SIGKILL), keeps
    the frames the run wrote, shows no failure dialog, and the project reopens saying where the run
    was stopped."""
    import multiprocessing
    import signal
    import threading

    from PySide6.QtWidgets import QMessageBox

    from app.track_process import TrackerProcess
    from tests.app.conftest import new_window, window_running

    started = []

    def ensure(self):
        if self.alive:
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_child_that_stops_answering, args=(child,), daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        started.append(process)

    monkeypatch.setattr(TrackerProcess, "_ensure", ensure)
    # a safety net, not the check: before the fix the close waited until this ended the child (SIGTERM)
    watchdog = threading.Timer(60, lambda: [p.terminate() for p in started])
    watchdog.start()
    try:
        store = str(tmp_path / "stuck.rgbt.sqlite")
        window = window_running(qtbot, monkeypatch, None, pair_files, store)
        window.views.box_drawn.emit("visible", synthetic.boxes[0])
        window.actions["track"].trigger()
        qtbot.waitUntil(lambda: len(window.tracking.frames) >= 2, timeout=60000)
        window.close()
        assert started[0].exitcode == -signal.SIGKILL  # ended by the studio, not by the watchdog
        assert not window.tracking.busy and window.tracking.written == [1, 2]
        assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    finally:
        watchdog.cancel()
        for process in started:
            process.kill()
            process.join(5)
    again = new_window(qtbot)
    again.open_pair(*pair_files, store=store)
    assert sorted(again.document.store.records()) == [0, 1, 2]
    assert again.statusBar().currentMessage().endswith(
        "tracking was stopped at frame 3 when the window closed (T from there continues it)")
    again.close()


def test_a_finished_run_says_why_it_ended_where_it_did(window, pair_files, synthetic, tmp_path):
    """A box drawn on frame 1 and a correction on frame 16, T from frame 1: "14 frames tracked
    (done)" and the view on frame 15, without a word on why the run ended there. It now names the
    frame it stopped before and what it holds; a run to the end of the footage adds nothing."""
    window.open_pair(*pair_files, store=str(tmp_path / "why.rgbt.sqlite"))
    window.goto(15)
    window.views.box_drawn.emit("visible", synthetic.boxes[15])
    window.goto(0)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert window.statusBar().currentMessage() == (
        "14 frames tracked (done); it stopped before frame 16, which holds a box you drew or corrected "
        "(T never replaces it)")
    window.goto(15)
    window.actions["track"].trigger()
    assert window.statusBar().currentMessage() == "8 frames tracked (done)"


def test_esc_while_playing_during_a_run_stops_the_playback_first(qtbot, pair_files, synthetic, tmp_path,
                                                                 monkeypatch):
    """T on a long run, Space to look around while it goes, then Esc to stop the playback: the run
    stopped too, and had to be started again from its last box. Esc now stops the playback alone and
    says the next Esc stops the run."""
    from tests.app.conftest import slow_track_job, window_running

    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, (1, 2, 3)), pair_files,
                            str(tmp_path / "esc.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 3, timeout=20000)
    window.transport.toggle_play()  # Space
    assert window.transport.playing
    window.actions["stop"].trigger()  # Esc
    assert not window.transport.playing and window.tracking.busy
    assert not window.tracking.runner.cancel_event.is_set()  # the run was not asked to stop
    assert window.statusBar().currentMessage() == "playback stopped; Esc again stops the tracking run"
    window.actions["stop"].trigger()  # Esc again
    qtbot.waitUntil(lambda: not window.tracking.busy, timeout=20000)
    assert window.statusBar().currentMessage().startswith("3 frames tracked (stopped)")
    window.close()


def test_t_during_a_run_says_a_run_is_going_on(qtbot, pair_files, synthetic, tmp_path, monkeypatch):
    """T pressed again while a run goes on did nothing without a word; it says a run is going on and
    how to stop it, and the run goes on."""
    from tests.app.conftest import slow_track_job, window_running

    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, (1, 2)), pair_files,
                            str(tmp_path / "tt.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 2, timeout=20000)
    window.actions["track"].trigger()  # T again
    assert window.statusBar().currentMessage() == ("a tracking run is going on: Esc stops it, then T tracks from "
                                                   "the frame shown")
    assert window.tracking.busy and not window.tracking.runner.cancel_event.is_set()
    window.actions["stop"].trigger()
    qtbot.waitUntil(lambda: not window.tracking.busy, timeout=20000)
    window.close()


def test_stop_seen_by_the_tracking_job_itself_says_stopped(window, pair_files, synthetic, tmp_path, monkeypatch):
    """Esc while the tracker works on a frame: the real job sees Stop itself before the next batch
    and ended as a finished run, so the status bar said "106 frames tracked (done)" of a run stopped
    at frame 107 of 560 (walkthrough on real footage); it says "(stopped)"."""
    import app.jobs as jobs

    real = jobs.track_sequence

    def stopped_on_the_way(*args, **kwargs):
        for step, item in enumerate(real(*args, **kwargs)):
            if step == 3:
                window.tracking.stop()  # Esc while the tracker worked on this frame
            yield item

    monkeypatch.setattr(jobs, "track_sequence", stopped_on_the_way)
    window.settings.models.tracker = "csrt"
    window.open_pair(*pair_files, store=str(tmp_path / "seen.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert not window.tracking.busy
    assert window.tracking.written == [1, 2]
    assert window.statusBar().currentMessage() == "2 frames tracked (stopped)"
