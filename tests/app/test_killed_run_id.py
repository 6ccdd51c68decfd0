"""A killed tracking run is found again by its run id, not by its tracker: reopening a project after a
run was killed mid-run walked on from the run's last note over every machine box of the same tracker,
into the boxes of an older, completed run, and said (and showed) those as the killed run's."""
from __future__ import annotations

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def _project(path, sequence) -> None:
    """Frame 0 manual; an older completed student run wrote frames 1..29; a later student run from
    frame 5 (run "new-run") wrote frames 6..12 and was killed, its note last brought up to frame 10."""
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(0, sequence.boxes[0], provenance=Provenance.MANUAL, keyframe=True)])
        old = [(f, np.asarray(sequence.boxes[f], dtype=np.float64), 0.5) for f in range(1, 30)]
        store.put([FrameAnnotation(f, b, provenance=Provenance.STUDENT, confidence=c) for f, b, c in old])
        store.put_tracker_outputs("student", "old-run", old)
        new = [(f, np.asarray(sequence.boxes[f], dtype=np.float64) + 1.0, 0.6) for f in range(6, 13)]
        store.put([FrameAnnotation(f, b, provenance=Provenance.STUDENT, confidence=c) for f, b, c in new])
        store.put_tracker_outputs("student", "new-run", new)
        store.set_meta("studio_run", {"start": 5, "tracker": "student", "last": 10, "run": "new-run"})


def test_reopening_after_a_killed_run_stops_at_its_own_boxes(window, tmp_path):
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=40), seed=7)
    path = tmp_path / "killed.rgbt.sqlite"
    _project(path, sequence)
    window.open_request(OpenRequest("object", store=str(path), sequence=sequence))
    message = window.statusBar().currentMessage()
    assert "tracking from frame 6 was cut short" in message, message
    assert "its boxes up to frame 13 are kept" in message, message  # not frame 30, the older run's
    assert window.frame == 12


def test_the_run_note_names_the_run_whose_outputs_it_wrote(tmp_path):
    """write_run keeps the run id; read_run gives it back (None for a note of an earlier version)."""
    from app.session_state import read_run_id, write_run

    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite") as store:
        write_run(store, 2, "student", 4, run_id="student-x")
        assert read_run_id(store) == "student-x"
        store.set_meta("studio_run", {"start": 2, "tracker": "student", "last": 4})
        assert read_run_id(store) is None


def test_a_tracking_run_notes_the_run_id_of_the_outputs_it_stores(window, pair_files, synthetic, tmp_path,
                                                                  monkeypatch):
    """The note written while T goes names the run id under which the run stores its raw outputs."""
    import app.controllers.tracking as tracking
    from app.jobs import TrackUpdate
    from core.annotations.history import SetRecords
    from core.progress import Progress

    ids, notes = [], []
    real = tracking.write_run

    def job(pool, settings, sequence, store, start, stop, *, applied, run_id=None, **_kw):
        ids.append(run_id)
        command = SetRecords([FrameAnnotation(1, synthetic.boxes[1], provenance="student", confidence=0.5)],
                             label="track")
        command.apply(store)
        applied.append(command)
        yield Progress(1, 3, "frame 2", TrackUpdate("Student", 1, synthetic.boxes[1], 0.5, command, None, 30.0,
                                                    "", ""))
        return 1

    def spy(store, *args, **kwargs):
        notes.append(kwargs.get("run_id"))
        return real(store, *args, **kwargs)

    monkeypatch.setattr(tracking, "track_job", job)
    monkeypatch.setattr(tracking, "write_run", spy)
    window.open_pair(*pair_files, store=str(tmp_path / "ids.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert ids and ids[0] is not None and notes and set(notes) == {ids[0]}, (ids, notes)


def test_a_studio_killed_mid_run_over_an_older_run_says_only_its_own_boxes(window, tmp_path):
    """The real thing: an older, completed student run wrote frames 1..299; the studio tracks again from
    frame 0 and is killed (SIGKILL) mid-run. Reopened, it names the killed run's last box, not frame 300."""
    import signal
    import sys

    import pytest

    if sys.platform == "win32" or not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL")
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from tests.app.test_kill import _kill_mid_tracking

    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=400), seed=7)
    path = tmp_path / "killed.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        old = [(f, np.asarray(sequence.boxes[f], dtype=np.float64) + 0.5, 0.5) for f in range(1, 300)]
        store.put([FrameAnnotation(f, b, provenance=Provenance.STUDENT, confidence=c) for f, b, c in old])
        store.put_tracker_outputs("student", "old-run", old)
    _kill_mid_tracking(path)
    with AnnotationStore.open(path, read_only=True) as store:
        runs = store.tracker_output_runs("student")
        last = max(f for f, run in runs.items() if run != "old-run")
    assert last < 298  # killed well before the older run's end
    window.open_request(OpenRequest("object", store=str(path), sequence=sequence))
    message = window.statusBar().currentMessage()
    assert f"its boxes up to frame {last + 1} are kept" in message, message
    assert window.frame == last
