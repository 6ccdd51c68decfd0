"""The main window's side of the long runs (a mixin of ``MainWindow``): which run drives the live
view and the progress bar, what the status bar says when a run starts, reports and ends, the
Stop action, and stopping or waiting for the runs.

The tracking run (T) and the teacher's refinement (R) may go at once, each in its own
process; the view follows the tracking run while it goes, and the refinement only when it
runs alone."""
from __future__ import annotations

from functools import partial

#: How long closing the window waits for a run to stop before it ends the run's tracking process.
CLOSE_GRACE_MS = 3000


class WindowRuns:
    """Needs the ``MainWindow`` attributes: tracking, refining, exporter, opener, transport,
    job_status, fetcher, actions, follow_live, frame, closing, document, statusBar, _show_pair,
    _update_undo_actions, refresh_timeline, refresh_boxes."""

    def _owns_display(self, run) -> bool:
        """Whether ``run`` drives the live view and the progress bar: the tracking run while
        it goes, the teacher's refinement only when it runs alone (R during T refines in
        its own process; the view keeps following the tracker)."""
        return run is self.tracking or not self.tracking.busy

    def _bar_of(self, run) -> list:
        """What the progress bar shows for ``run``: [its start text, its last (done, total, text) or None],
        kept also while the other run has the bar, for when that one ends first."""
        if getattr(self, "_bars", None) is None:
            self._bars = {}
        return self._bars.setdefault(run.kind, ["", None])

    def _run_started(self, text: str, run=None) -> None:
        self.transport.stop()
        self._update_stop_action(starting=True)
        if run is not None:
            self._bar_of(run)[:] = [text, None]
        if run is self.tracking:
            self._update_undo_actions(running=True)  # its runner is busy only once this returns
        if run is not None and not self._owns_display(run):
            self.statusBar().showMessage(f"{text} (beside the tracking run)")
            return
        self.follow_live = True
        # a refinement's live view jumps over the frames it refines (all frames below 0.40: across
        # the sequence); at its end the view goes back to where the user was. A tracking run
        # taking the view over ends that: it leaves the view where it stopped, as it always has
        self._refine_from = self.frame if run is self.refining else None
        self.job_status.begin(text)
        self.statusBar().showMessage(text)

    def _run_progress(self, run, done: int, total: int | None, text: str) -> None:
        self._bar_of(run)[1] = (done, total, text)
        if self._owns_display(run):
            self.job_status.report(done, total, text)

    def _run_live(self, update, run=None) -> None:
        if run is not None and not self._owns_display(run):
            return
        self.job_status.set_speed(update.fps, update.model, update.engine, update.feed)
        if not self.follow_live:
            return
        self.frame = update.frame
        if update.pair is not None:
            self._show_pair(update.pair)
        else:
            self.fetcher.request(update.frame)

    def _run_ended(self, summary: str, run=None) -> None:
        if run is self.refining:
            summary += self._back_from_refinement()
        elif run is self.tracking and self.follow_live and run.written and self.document is not None:
            # Stop: the batch committed as Esc came is kept but its report dropped, so the view
            # stayed a frame or two short of the run's last box (T from there re-tracked them)
            back = getattr(run, "step", 1) < 0  # a run tracking back ends on its lowest frame
            last = min(run.written[0] if back else run.written[-1], self.document.num_frames - 1)
            if last != self.frame:
                self.goto(last)
        if run is self.tracking and summary.endswith("(done)") and run.written:
            back = getattr(run, "step", 1) < 0
            summary += self._why_tracking_stopped(run.written[0] - 1 if back else run.written[-1] + 1,
                                                  "track_back" if back else "track")
        if getattr(run, "note", ""):  # its tracker skipped a broken .onnx beside the weights: said once
            summary += f"; {run.note}"
        if not (self.tracking.busy or self.refining.busy):  # the other run may still go
            self.job_status.finish()
        elif run is self.tracking:  # the refinement beside it takes the bar, which kept "frame 204 100%" and Stop
            text, report = self._bar_of(self.refining)
            self.job_status.begin(text)
            if report is not None:
                self.job_status.report(*report)
        self.statusBar().showMessage(summary, 10000)
        self.refresh_timeline()
        self.refresh_boxes()

    def _why_tracking_stopped(self, frame: int, action: str = "track") -> str:
        """The words a finished run's summary adds when it ended before ``frame`` because that frame
        holds what T never replaces ("7 frames tracked (done)" alone left the user to find out why
        the run ended there); "" at the end of the footage or of a range. ``action``: the run's key
        ("track_back": Shift+T, which a run tracking back was said with T)."""
        from app.actions import key_text
        from app.jobs import keeps_tracking_out
        from app.window_edits import protected_text
        from core.annotations.records import Provenance

        document = self.document
        record = document.record(frame) if document is not None and 0 <= frame < document.num_frames else None
        if not keeps_tracking_out(record):
            return ""
        key = partial(key_text, self.actions)
        what = ("a teacher box you accepted" if record.provenance == Provenance.TEACHER and not record.absent
                else protected_text(record, key))
        return f"; it stopped before frame {frame + 1}, which holds {what} ({key(action)} never replaces it)"

    def _back_from_refinement(self) -> str:
        """At a refinement's end: back to the frame the user was on when it started, unless the
        user went elsewhere meanwhile (the view stopped following) or a tracking run took the
        view; returns the words the status bar adds ("; back at frame 57, where you were")."""
        frame, self._refine_from = getattr(self, "_refine_from", None), None
        if frame is None or not self.follow_live or self.tracking.busy or self.document is None:
            return ""
        frame = min(frame, self.document.num_frames - 1)
        moved = frame != self.frame
        self.goto(frame)
        return f"; back at frame {frame + 1}, where you were" if moved else ""

    def _update_stop_action(self, *_args, starting: bool = False) -> None:
        """Stop (Esc, the toolbar) is enabled only while there is something to stop: a run or
        playback. A run says ``started`` before its runner is busy (``starting``); its
        runner's ``ended`` comes once the flag is cleared, so either run's end re-reads both."""
        running = starting or self.tracking.busy or self.refining.busy or self.transport.playing
        self.actions["stop"].setEnabled(running)

    def stop_key(self) -> None:
        """Stop (Esc): playback started while a run goes on (to look around meanwhile) stops alone, and
        the status bar says the next Esc stops the run; it stopped the run with it, which then had to be
        started again from its last box. Otherwise everything stops (``stop_all``)."""
        runs = [name for name, run in (("tracking run", self.tracking), ("refinement", self.refining)) if run.busy]
        if self.transport.playing and runs:
            self.transport.stop()
            from app.actions import key_text

            self.statusBar().showMessage(f"playback stopped; {key_text(self.actions, 'stop')} again stops the "
                                         f"{' and the '.join(runs)}", 8000)
            return
        self.stop_all()

    def stop_all(self) -> None:
        self.transport.stop()
        for run in (self.tracking, self.refining):
            if run.busy:
                run.stop()

    def finish_runs(self) -> None:
        """Stop the runs and wait until each has handed its commands to the undo stack. As the window
        closes (``closing``), a run still going after ``CLOSE_GRACE_MS`` has its tracking process
        ended, so its worker's wait on it ends. A child busy in one long call (or hanging) never
        read the stop: the window stayed on screen, frozen, until the child answered (for good
        when it never did: the close then waited on the lock that run held)."""
        from PySide6.QtCore import QCoreApplication

        self.stop_all()
        for run in (self.tracking, self.refining):
            if run.busy:
                if self.closing and not run.runner.wait(CLOSE_GRACE_MS):
                    run.end_process()
                run.runner.wait(30000)
                QCoreApplication.processEvents()

    def busy(self) -> bool:
        return self.tracking.busy or self.refining.busy or self.exporter.busy or self.opener.busy
