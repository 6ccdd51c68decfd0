"""Track back (Shift+T): the tracker runs from the frame shown towards the first frame. Before, T
tracked only forward: a target drawn where it is clearest, or one that enters the footage late,
left the frames before the drawn box to be drawn by hand or interpolated."""
from __future__ import annotations

import numpy as np
import pytest

from app.jobs import tracking_stop
from core.annotations.records import FrameAnnotation, Provenance


def _record(frame: int, provenance=Provenance.MANUAL, **flags) -> FrameAnnotation:
    return FrameAnnotation(frame, np.array([10.0, 10.0, 20.0, 20.0]), provenance=provenance, **flags)


@pytest.mark.parametrize(
    "records, start, step, stop",
    [
        ({}, 10, -1, -1),  # back to frame 0
        ({3: _record(3)}, 10, -1, 3),  # the previous box a person drew
        ({3: _record(3), 12: _record(12)}, 10, 1, 12),
        ({3: _record(3, Provenance.STUDENT)}, 10, -1, -1),  # a tracked box is written over
        ({3: _record(3, Provenance.TEACHER)}, 10, -1, 3),  # an accepted teacher box is kept
        ({3: _record(3, Provenance.STUDENT, keyframe=True)}, 10, -1, 3),
        ({}, 10, 1, 24),
    ],
)
def test_where_a_run_stops(records, start, step, stop):
    assert tracking_stop(records, start, 24, step) == stop


def test_track_back_from_a_box_drawn_mid_sequence(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])
    window.actions["track_back"].trigger()
    assert not window.tracking.busy
    assert window.statusBar().currentMessage().startswith("10 frames tracked back (done)")
    assert all(document.record(f).provenance == Provenance.STUDENT for f in range(10))
    assert document.record(11) is None  # nothing forward
    errors = [np.abs(document.record(f).box[:2] - synthetic.boxes[f][:2]).max() for f in range(10)]
    assert np.median(errors) < 10, errors
    assert window.frame == 0  # the view follows the run to its end
    window.actions["undo"].trigger()  # one step
    assert all(document.record(f) is None for f in range(10)) and document.record(10).provenance == "manual"


def test_track_back_stops_at_the_previous_keyframe_and_says_so(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    for frame in (3, 10):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.actions["track_back"].trigger()
    assert sorted(f for f, r in document.records.items() if r.provenance == Provenance.STUDENT) == [4, 5, 6, 7, 8, 9]
    message = window.statusBar().currentMessage()
    assert message.startswith("6 frames tracked back (done); it stopped before frame 4, which holds a box you drew")
    window.goto(4)
    window.views.box_drawn.emit("visible", synthetic.boxes[4])
    window.actions["track_back"].trigger()  # frame 3 next: nothing to track
    assert window.statusBar().currentMessage().startswith(
        "nothing to track: the previous frame (4) holds a keyframe, which Shift+T never replaces")
    window.goto(0)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track_back"].trigger()
    assert window.statusBar().currentMessage() == "this is the first frame"


def test_track_back_ends_at_the_first_frame_of_the_range_shown(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    window.goto(12)
    window.views.box_drawn.emit("visible", synthetic.boxes[12])
    window.timeline.show_range(6, 16)
    window.actions["track_back"].trigger()
    assert sorted(f for f, r in document.records.items() if r.provenance == Provenance.STUDENT) == list(range(6, 12))


def test_the_tracking_process_tracks_back(pair_files, synthetic):
    """The studio's tracking process (a child process) runs the same backward run."""
    from app.track_process import Recipe, TrackerProcess
    from core.trackers import TrackerChoice

    process = TrackerProcess()
    try:
        recipe = Recipe("pair", tuple(str(p) for p in pair_files))
        out = list(process.track(recipe, TrackerChoice("kcf"), 8, 3, synthetic.boxes[8], step=-1))
        assert [f for f, *_ in out] == [8, 7, 6, 5, 4]
    finally:
        process.shutdown()


def test_a_run_tracking_back_cut_short_is_said_on_reopening(tmp_path):
    """The note a killed run leaves (``app.session_state.RUN_KEY``) keeps its direction: a run
    tracking back read as a forward run clamped its last frame to its first."""
    from app.session_state import read_run, write_run
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
        write_run(store, 20, "student", 12, -1)
        assert read_run(store, 24) == (20, "student", 12, -1)
        write_run(store, 5, "student", 9)
        assert read_run(store, 24) == (5, "student", 9, 1)


def test_a_failed_run_tracking_back_names_shift_t_to_go_on(window, pair_files, synthetic, tmp_path, monkeypatch):
    """The tracking process ended mid backward run (killed: seen in the studio): the dialog said
    "T from the last one continues", but T from the run's last frame tracks forward, over the
    frames the run had just written, up to the box it started from; Shift+T goes on back."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from app.track_process import TrackerProcessError
    from core.annotations.history import SetRecords
    from core.progress import Progress

    def job(pool, settings, sequence, store, start, stop, *, applied, step=1, **_kw):
        assert step == -1
        for batch in ((9, 8), (7, 6)):
            command = SetRecords([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5)
                                  for f in batch], label="track")
            command.apply(store)
            applied.append(command)
            yield Progress(10 - batch[-1], 10, f"frame {batch[-1] + 1}",
                           TrackUpdate("Student", batch[-1], synthetic.boxes[batch[-1]], 0.5, command, None, 30.0,
                                       "", ""))
        raise TrackerProcessError("the tracking process ended unexpectedly")

    monkeypatch.setattr(tracking, "track_job", job)
    window.open_pair(*pair_files, store=str(tmp_path / "fail.rgbt.sqlite"))
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])
    window.actions["track_back"].trigger()
    from PySide6.QtWidgets import QMessageBox

    box = window.findChild(QMessageBox, "errorDialog")
    assert box.text() == ("Tracking back failed after 4 frames; they are kept (Ctrl+Z undoes them), "
                          "and Shift+T from the last one continues.")
    assert all(window.document.record(f) is not None for f in range(6, 10))


def test_a_run_tracking_back_names_shift_t_where_it_stopped(window, pair_files, synthetic, tmp_path):
    """The end of a run tracking back said "it stopped before frame 4, which holds a box you drew
    (T never replaces it)", naming the forward key for the backward run."""
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    for frame in (3, 10):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.actions["track_back"].trigger()
    assert window.statusBar().currentMessage().endswith(
        "which holds a box you drew or corrected (Shift+T never replaces it)")
