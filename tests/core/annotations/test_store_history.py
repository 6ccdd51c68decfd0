"""Records, the SQLite store (durability across SIGKILL), undo/redo groups, interpolation."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.annotations.history import (
    CommandGroup,
    DeleteRecords,
    History,
    SetRecords,
    merge_tracker_results,
    next_protected_frame,
)
from core.annotations.records import FrameAnnotation, Provenance, absent
from core.annotations.store import SCHEMA_VERSION, AnnotationStore, StoreError, default_store_path
from core.sequences.base import SequenceInfo


def rec(frame, x=10.0, provenance=Provenance.MANUAL, **kw):
    return FrameAnnotation(frame, [x, 20.0, 30.0, 40.0], provenance=provenance, **kw)


@pytest.fixture
def store(tmp_path):
    with AnnotationStore.open(tmp_path / "a.rgbt.sqlite") as s:
        yield s


def test_record_validation():
    with pytest.raises(ValueError, match="absent target has no box"):
        FrameAnnotation(1, [1, 2, 3, 4], absent=True)
    with pytest.raises(ValueError, match="needs a box"):
        FrameAnnotation(1, None)
    with pytest.raises(ValueError, match="w > 0"):
        FrameAnnotation(1, [1, 2, 0, 4])
    with pytest.raises(ValueError, match="4 values"):
        FrameAnnotation(1, [1, 2, 3])
    with pytest.raises(ValueError):
        FrameAnnotation(-1, [1, 2, 3, 4])
    r = rec(3)
    assert r == rec(3) and r != rec(3, x=11)
    assert r.with_changes(keyframe=True).keyframe and not r.keyframe
    assert absent(4).absent and absent(4).box is None
    with pytest.raises(ValueError):
        r.box[0] = 5  # boxes are read-only


def test_store_round_trip_and_meta(store, tmp_path):
    records = [
        rec(0, keyframe=True),
        rec(1, provenance=Provenance.STUDENT, confidence=0.75),
        FrameAnnotation(2, [1, 2, 3, 4], thermal_box=[2, 3, 3, 4], occluded=True, provenance="teacher"),
        absent(3),
    ]
    store.put(records)
    store.set_meta("sources", {"visible": "/v.mp4", "thermal": "/t.mp4"})
    store.set_meta("frame_offset", 2)
    got = store.records()
    assert list(got) == [0, 1, 2, 3]
    assert [got[i] for i in range(4)] == records
    assert store.get(7) is None
    store.delete([1])
    assert store.get(1) is None and store.count() == 3
    assert store.get_meta("frame_offset") == 2
    assert store.meta()["sources"]["visible"] == "/v.mp4"
    assert list(store.records(2, 4)) == [2, 3]


def test_tracker_outputs_and_proposals(store):
    store.put_tracker_outputs("student", "run1", [(0, [1, 2, 3, 4], 0.9), (1, None, None)])
    store.put_tracker_outputs("student", "run2", [(1, [5, 6, 7, 8], 0.4)])
    outputs = store.tracker_outputs("student")
    np.testing.assert_array_equal(outputs[1][0], [5, 6, 7, 8])
    assert outputs[1][1] == pytest.approx(0.4)
    assert store.tracker_outputs("teacher") == {}
    store.put_proposals("t1", [(4, [1, 1, 5, 5], 0.8), (5, [2, 2, 5, 5], 0.7)])
    assert sorted(store.proposals()) == [4, 5]
    store.clear_proposals([4])
    assert sorted(store.proposals()) == [5]
    store.clear_proposals()
    assert store.proposals() == {}


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.rgbt.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="bad.rgbt.sqlite"):
        AnnotationStore.open(bad)


def test_history_undo_redo_and_groups(store):
    history = History(store)
    history.execute(SetRecords([rec(0, keyframe=True)], label="draw"))
    history.execute(SetRecords([rec(0, x=50, keyframe=True)], label="move"))
    assert store.get(0).box[0] == 50
    history.undo()
    assert store.get(0).box[0] == 10
    history.redo()
    assert store.get(0).box[0] == 50
    history.begin_group("track 5 frames")
    for frame in range(1, 6):
        history.execute(SetRecords([rec(frame, provenance=Provenance.STUDENT, confidence=0.5)]))
    history.end_group()
    assert store.count() == 6 and history.undo_label == "track 5 frames"
    history.undo()  # the whole run in one step
    assert list(store.records()) == [0]
    assert history.redo_label == "track 5 frames"
    history.redo()
    assert store.count() == 6
    history.execute(DeleteRecords([2, 3], label="delete"))
    assert store.get(2) is None
    history.undo()
    assert store.get(2) is not None
    history.execute(SetRecords([rec(9)]))
    assert not history.can_redo  # a new command clears redo
    history.begin_group("empty")
    assert history.end_group() is None and history.undo_label != "empty"


def test_command_group_reverts_in_reverse(store):
    group = CommandGroup([SetRecords([rec(1)]), SetRecords([rec(1, x=99)])], label="g")
    group.apply(store)
    assert store.get(1).box[0] == 99
    group.revert(store)
    assert store.get(1) is None


def test_tracker_never_overwrites_manual_boxes():
    existing = {0: rec(0, keyframe=True), 3: rec(3, provenance=Provenance.STUDENT), 5: rec(5), 7: rec(7, provenance=Provenance.TEACHER, keyframe=True)}
    new = [rec(f, x=1, provenance=Provenance.STUDENT) for f in range(8)]
    assert [r.frame for r in merge_tracker_results(existing, new)] == [1, 2, 3, 4, 6]
    assert next_protected_frame(existing, 0) == 5
    assert next_protected_frame(existing, 5) == 7
    assert next_protected_frame(existing, 5, step=-1) == 0
    assert next_protected_frame(existing, 7) is None


def test_committed_edits_survive_sigkill(tmp_path):
    path = tmp_path / "k.rgbt.sqlite"
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(os.getcwd())!r})
        from core.annotations.store import AnnotationStore
        from core.annotations.records import FrameAnnotation
        store = AnnotationStore.open({str(path)!r})
        for frame in range(100000):
            store.put([FrameAnnotation(frame, [frame, 1, 2, 3])])
            print(frame, flush=True)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    last = -1
    deadline = time.monotonic() + 30
    while last < 50 and time.monotonic() < deadline:
        last = int(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait()
    with AnnotationStore.open(path) as store:
        records = store.records()
    assert last >= 50
    assert all(frame in records for frame in range(last + 1))  # every acknowledged commit is there


def test_store_pragmas_and_schema_version(store):
    connection = store._connection()
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.rgbt.sqlite"
    AnnotationStore.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version"):
        AnnotationStore.open(path)


def test_gui_thread_reads_while_a_worker_writes(tmp_path):
    path = tmp_path / "c.rgbt.sqlite"
    store = AnnotationStore.open(path)
    other = AnnotationStore.open(path, read_only=True)  # a second connection, as a separate reader would hold
    errors: list[BaseException] = []

    def worker():
        try:
            for frame in range(150):
                store.put([rec(frame, provenance=Provenance.STUDENT, confidence=0.5)])
                store.set_meta("progress", frame)
                assert other.get_meta("progress") == frame
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    seen = []
    while thread.is_alive():
        records = store.records()  # the GUI thread, own connection
        seen.append(len(records))
        assert sorted(records) == list(range(len(records)))  # never a half-written state
    thread.join()
    assert not errors
    assert seen == sorted(seen)
    assert len(other.records()) == 150 and other.get_meta("progress") == 149
    store.close()
    other.close()
    with pytest.raises(StoreError, match="closed"):
        store.get(0)


def test_default_store_path(tmp_path):
    seq = tmp_path / "lasher" / "2girl"
    (seq / "visible").mkdir(parents=True)
    (seq / "infrared").mkdir()
    (tmp_path / "tir" / "horse").mkdir(parents=True)
    info = SequenceInfo("2girl", "lasher", 5, 8, 8, visible_source=seq / "visible", thermal_source=seq / "infrared")
    assert default_store_path(info) == seq / "2girl.rgbt.sqlite"
    video = SequenceInfo("walk", "video-pair", 5, 8, 8, visible_source=tmp_path / "clips" / "walk_rgb.mp4")
    assert default_store_path(video) == tmp_path / "clips" / "walk.rgbt.sqlite"
    tir = SequenceInfo("horse", "vot-tir", 5, 8, 8, thermal_source=tmp_path / "tir" / "horse", thermal_only=True)
    assert default_store_path(tir) == tmp_path / "tir" / "horse" / "horse.rgbt.sqlite"
    odd = SequenceInfo("a/b c", "video-pair", 5, 8, 8, visible_source=tmp_path / "v.mp4")
    assert default_store_path(odd) == tmp_path / "a_b_c.rgbt.sqlite"


_box = st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.floats(1e-3, 1e4), st.floats(1e-3, 1e4))


@st.composite
def _record(draw, frame):
    if draw(st.booleans()):
        return FrameAnnotation(frame, None, absent=True, occluded=draw(st.booleans()),
                               provenance=draw(st.sampled_from(Provenance)), keyframe=draw(st.booleans()))
    return FrameAnnotation(frame, draw(_box), thermal_box=draw(st.none() | _box), occluded=draw(st.booleans()),
                           provenance=draw(st.sampled_from(Provenance)),
                           confidence=draw(st.none() | st.floats(0, 1)), keyframe=draw(st.booleans()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_store_round_trips_any_records(store, data):
    frames = data.draw(st.lists(st.integers(0, 10_000), max_size=12, unique=True))
    records = {f: data.draw(_record(f)) for f in frames}
    store.delete(list(store.records()))
    store.put(records.values())
    assert store.records() == dict(sorted(records.items()))


def test_nan_confidence_means_no_score():
    assert rec(0, confidence=float("nan")).confidence is None


def test_history_labels_and_open_groups(store):
    history = History(store)
    assert not history.can_undo and history.undo() is None and history.redo() is None
    history.begin_group("track")
    with pytest.raises(RuntimeError, match="still open"):
        history.begin_group("again")
    history.execute(SetRecords([rec(1, provenance=Provenance.STUDENT)]))
    assert history.in_group and history.can_undo
    undone = history.undo()  # undo while a run streams in: the group closes and is undone whole
    assert undone.label == "track" and store.get(1) is None and not history.in_group
    assert history.can_redo and history.redo_label == "track"


def test_a_tracking_run_is_undone_in_one_write(store, monkeypatch):
    history = History(store)
    history.execute(SetRecords([rec(2, x=5, keyframe=True)]))
    history.begin_group("track")
    for frame in range(0, 6):
        history.execute(SetRecords([rec(frame, x=100 + frame, provenance=Provenance.STUDENT)]))
    history.execute(SetRecords([rec(3, x=999, provenance=Provenance.STUDENT)]))  # the same frame twice
    step = history.end_group()
    assert isinstance(step, SetRecords) and step.frames == [0, 1, 2, 3, 4, 5]
    assert store.get(3).box[0] == 999
    writes = []
    original = store._write
    monkeypatch.setattr(store, "_write", lambda batches: writes.append(1) or original(batches))
    history.undo()
    assert len(writes) <= 2  # one put + one delete, not one per frame
    assert list(store.records()) == [2] and store.get(2).box[0] == 5
    history.redo()
    assert store.get(3).box[0] == 999 and store.get(0).box[0] == 100


def test_a_large_edit_reads_its_previous_records_in_one_query_and_undoes_exactly(store, monkeypatch):
    store.put([rec(f, x=float(f)) for f in range(0, 400, 3)])  # every third frame holds a box
    before = store.records()
    gets = []
    original_get = store.get
    monkeypatch.setattr(store, "get", lambda frame: gets.append(frame) or original_get(frame))
    history = History(store)
    history.execute(SetRecords([rec(f, x=1.0, provenance=Provenance.INTERPOLATED) for f in range(50, 350)]))
    history.execute(DeleteRecords(list(range(0, 100))))
    assert gets == []  # one range query each, not 300 and 100 single-frame queries
    history.undo()
    history.undo()
    assert store.records() == before
    history.redo()
    assert store.records()[51].box[0] == 1.0 and 1 not in store.records()  # the edit again, its delete not yet


def test_a_store_that_cannot_be_created_on_a_read_only_file_system_is_a_store_error(tmp_path, monkeypatch):
    """On a read-only file system both the database and the clean-up of its leftovers fail with
    EROFS; the caller gets the one StoreError naming the file, not the clean-up's OSError."""
    import errno
    from pathlib import Path

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(AnnotationStore, "_connection", read_only)
    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(StoreError, match=r"x\.rgbt\.sqlite.*Read-only file system|read-only") as caught:
        AnnotationStore.open(tmp_path / "x.rgbt.sqlite")
    assert "x.rgbt.sqlite" in str(caught.value)
