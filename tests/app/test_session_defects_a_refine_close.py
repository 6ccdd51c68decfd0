"""A on a frame a person annotated, the view after refining all low-confidence frames, and
closing the window during a tracking run (found by the walkthrough of 2026-12-06)."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.records import Provenance


def _proposal(window, frame, box):
    doc = window.document
    doc.store.put_proposals("teacher-run", [(frame, np.asarray(box, float), 0.7)])
    doc.reload_outputs()


@pytest.mark.parametrize("mark, said", [
    ("draw", "frame 6 holds a box you drew or corrected, which A never replaces"),
    ("absent", "frame 6 holds an absent mark (O: out of view), which A never replaces"),
])
def test_a_on_a_frame_a_person_annotated_keeps_the_proposal_and_says_why(window, pair_files, synthetic, tmp_path,
                                                                         mark, said):
    """A dropped the teacher's proposal without a word when the frame held a manual box."""
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    doc = window.document
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])
    if mark == "absent":
        window.actions["absent"].trigger()
    before = doc.store.get(5)
    proposed = synthetic.boxes[5] + np.array([4.0, 3.0, 0.0, 0.0])
    _proposal(window, 5, proposed)
    undo_index = doc.undo_stack.index()
    window.actions["accept"].trigger()
    kept = doc.store.get(5)
    assert kept.provenance == before.provenance and kept.absent == before.absent
    assert 5 in doc.store.proposals() and 5 in doc.proposals  # still shown, to compare or take
    assert doc.undo_stack.index() == undo_index  # no empty undo step
    message = window.statusBar().currentMessage()
    assert message.startswith(f"nothing accepted: {said}") and "delete the box (Del), then A" in message
    window.actions["delete_box"].trigger()  # the way the message gives
    window.actions["accept"].trigger()
    taken = doc.store.get(5)
    assert taken.provenance == Provenance.TEACHER and np.allclose(taken.box, proposed)
    assert window.statusBar().currentMessage().startswith("accepted the teacher's box on frame 6")


def _low_confidence_run(window, synthetic, frames=range(1, 20), confidence=0.2):
    from core.annotations.records import FrameAnnotation

    doc = window.document
    doc.store.put([FrameAnnotation(f, synthetic.boxes[f], provenance=Provenance.STUDENT, confidence=confidence)
                   for f in frames])
    doc.reload()
    window.refresh_timeline()


def test_refining_all_low_frames_returns_to_the_frame_the_user_was_on(window, pair_files, synthetic, tmp_path):
    """After "refine all frames below 0.40" the view was left on the last refined frame."""
    window.open_pair(*pair_files, store=str(tmp_path / "r.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    _low_confidence_run(window, synthetic)
    window.goto(7)
    frames = window.review.refine(0, window.document.num_frames, below=0.4)
    assert frames == list(range(1, 20)) and set(frames) <= set(window.document.proposals)
    assert window.frame == 7 and window.transport.slider.value() == 7 and window.timeline.cursor.value() == 7
    assert window.statusBar().currentMessage() == "19 frames refined (done); back at frame 8, where you were"


def test_a_refinement_the_user_navigated_away_from_leaves_the_view_there(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    _low_confidence_run(window, synthetic)
    window.goto(7)
    window.refining.live.connect(lambda update: window.goto(3) if update.frame == 10 else None)
    window.review.refine(0, window.document.num_frames, below=0.4)
    assert window.frame == 3 and "back at" not in window.statusBar().currentMessage()


def test_closing_the_window_during_a_tracking_run_stops_it_keeps_every_batch_and_says_where(
        qtbot, pair_files, synthetic, tmp_path, monkeypatch):
    """Closing while T runs quits without asking (as closing during an export or Improve
    cancels them): the run stops as Stop stops it, every batch it committed stays, also one
    whose report came after the close, and the reopened project is at the run's last box and
    says the run was stopped there (it said nothing: the end looked like a tracker failure)."""
    import threading
    import time

    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation
    from core.progress import Progress
    from tests.app.conftest import window_running

    closing = threading.Event()

    def job(pool, settings, sequence, store, start, stop, *, applied, **_kw):
        for first in range(1, 23, 2):
            batch = (first, first + 1)
            command = SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5)
                                  for f in batch], label="track")
            command.apply(store)  # the worker commits, then reports
            applied.append(command)
            if closing.is_set():  # the batch committed while the window closes: its report is dropped
                time.sleep(0.05)
            yield Progress(batch[-1], 23, f"frame {batch[-1] + 1}",
                           TrackUpdate("Student", batch[-1], synthetic.boxes[batch[-1]], 0.5, command, None, 30.0,
                                       "", ""))
            if batch[-1] >= 6:
                # the window closes while the run goes on, however late a busy machine shows the frames:
                # at 0.05 s a batch the run could end all 22 frames before the close (CI at -n 2)
                closing.wait(30)
            time.sleep(1.0 if closing.is_set() else 0.05)  # a batch a second once it closes (grace: 3 s)
        return 22

    store = str(tmp_path / "close.rgbt.sqlite")
    first = window_running(qtbot, monkeypatch, job, pair_files, store)
    first.views.box_drawn.emit("visible", synthetic.boxes[0])
    first.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(first.tracking.frames) >= 4, timeout=10000)
    closing.set()
    first.close()
    assert not first.tracking.busy
    written = first.tracking.written
    assert written and written == list(range(1, written[-1] + 1)) and written[-1] < 22  # stopped, not finished

    from tests.app.conftest import new_window

    second = new_window(qtbot)
    second.open_pair(*pair_files, store=store)
    records = second.document.store.records()
    assert sorted(records) == [0, *written]  # every committed batch kept
    assert second.frame == written[-1]
    assert second.statusBar().currentMessage().endswith(
        f", back at frame {written[-1] + 1} where it was left; tracking was stopped at frame {written[-1] + 1} "
        "when the window closed (T from there continues it)")
    second.close()
    third = new_window(qtbot)
    third.open_pair(*pair_files, store=store)
    assert "tracking was stopped" not in third.statusBar().currentMessage()  # said once
    third.close()


@pytest.mark.parametrize("stopped, read", [(5, 5), (None, None), (True, None), (-1, None), (24, None), ("5", None)])
def test_the_stopped_frame_reads_back_only_when_it_fits(stopped, read):
    from app.session_state import read_session
    from tests.app.conftest import NUM_FRAMES, SIZE

    class Meta:
        def get_meta(self, key, default=None):
            return {"frame": 3, "view": None, "stopped": stopped}

    assert read_session(Meta(), NUM_FRAMES, *SIZE).stopped == read
