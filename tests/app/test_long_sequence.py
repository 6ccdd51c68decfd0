"""A long sequence: the studio's per-edit work follows the frames an edit changed, not the
sequence's length (audit of a 25,000-frame pair: the timeline's refresh walked every record,
120-310 ms, every 200 ms of a tracking run; the worst stall of a 500-frame run was 1.8 s).
Work is counted, never timed (speed: ``python main.py bench studio``)."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation, Provenance

N = 2000


class _FakeSequence:
    """What ``Document`` needs of a sequence: a length, an info, close()."""

    def __init__(self, n: int):
        self.n = n
        self.info = type("Info", (), {"name": "long"})()

    def __len__(self) -> int:
        return self.n

    def close(self) -> None:
        pass


class _CountingRecords(dict):
    """The document's record cache, counting whole-cache reads (items, values, keys, iteration)."""

    full_reads = 0

    def _count(self):
        type(self).full_reads += 1

    def items(self):
        self._count()
        return super().items()

    def values(self):
        self._count()
        return super().values()

    def keys(self):
        self._count()
        return super().keys()

    def __iter__(self):
        self._count()
        return super().__iter__()


def _box(frame: int) -> np.ndarray:
    return np.array([10.0 + frame % 30, 20.0, 30.0, 25.0])


def _long_records(n: int) -> list[FrameAnnotation]:
    records = []
    for f in range(n):
        if f % 500 == 0:
            records.append(FrameAnnotation(f, _box(f), provenance=Provenance.MANUAL, keyframe=True))
        elif 700 <= f < 720:
            records.append(FrameAnnotation(f, None, absent=True))
        else:
            records.append(FrameAnnotation(f, _box(f), provenance=Provenance.STUDENT,
                                           confidence=0.3 if f % 300 < 10 else 0.8))
    return records


@pytest.fixture
def long_document(tmp_path, qapp):
    from app.document import Document
    from core.annotations.store import AnnotationStore

    store = AnnotationStore.open(tmp_path / "long.rgbt.sqlite")
    store.put(_long_records(N))
    store.put_tracker_outputs("teacher", "t", [(f, _box(f) + 3.0, 0.9) for f in range(1000, 1100)])
    document = Document(_FakeSequence(N), store)
    yield document
    document.close()


def _fresh_timeline(document):
    """The timeline a newly opened document builds from the store as it stands."""
    from app.document import Document
    from core.trackers import tracker_names

    store = document.store
    other = Document.__new__(Document)
    other.sequence, other.records, other.teacher, other._timeline = document.sequence, store.records(), \
        store.tracker_outputs("teacher"), None
    # whether the teacher's IoU counts on a frame (Document._teacher_current, a3ccb84): its proposals, who tracked
    other.proposals = store.proposals()
    other.tracked_by = document._tracked_by({name: store.tracker_outputs(name) for name in tracker_names()})
    return Document.timeline(other)


def _assert_same(a, b) -> None:
    for name in ("confidence", "iou", "keyframe", "absent", "annotated"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_a_tracking_batch_updates_the_timeline_at_its_frames_only(long_document):
    """Each batch of a run (note_applied) then a timeline refresh: no walk over all records."""
    from core.annotations.history import SetRecords

    document = long_document
    document.timeline()  # built once after opening
    document.records = _CountingRecords(document.records)
    _CountingRecords.full_reads = 0
    for start in range(1001, 1401, 4):  # 100 batches of 4 frames, a timeline refresh after each
        batch = [FrameAnnotation(f, _box(f) + 1.0, provenance=Provenance.STUDENT, confidence=0.35)
                 for f in range(start, start + 4)]
        command = SetRecords(batch)
        command.apply(document.store)
        document.note_applied(command)
        data = document.timeline()
    assert _CountingRecords.full_reads == 0
    assert np.all(data.confidence[1001:1401] == 0.35)
    _assert_same(data, _fresh_timeline(document))


def test_the_kept_timeline_matches_a_fresh_one_after_each_kind_of_change(long_document):
    from app import edits

    document = long_document
    document.timeline()
    # deleted boxes (one, then three), a teacher box written and re-read, new teacher outputs, undo
    changes = [
        edits.delete_frames(document.records, [1001]),
        edits.delete_frames(document.records, [1050, 1051, 1052]),
    ]
    for command in changes:
        document.execute(command)
        _assert_same(document.timeline(), _fresh_timeline(document))
    record = FrameAnnotation(1060, _box(1060) + 5.0, provenance=Provenance.TEACHER)
    document.store.put([record])
    document.reload([1060])  # one frame re-read
    _assert_same(document.timeline(), _fresh_timeline(document))
    # a refinement: the teacher's outputs and its proposals (its IoU counts where a proposal stands, a3ccb84)
    document.store.put_tracker_outputs("teacher", "t2", [(f, _box(f) + 1.0, 0.9) for f in range(1200, 1210)])
    document.store.put_proposals("t2", [(f, _box(f) + 1.0, 0.9) for f in range(1200, 1210)])
    document.reload_outputs()
    assert np.all(np.isfinite(document.timeline().iou[1200:1210]))
    _assert_same(document.timeline(), _fresh_timeline(document))
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
        _assert_same(document.timeline(), _fresh_timeline(document))


def test_timeline_returns_a_copy(long_document):
    data = long_document.timeline()
    data.confidence[:] = 0.0
    data.keyframe[:] = True
    again = long_document.timeline()
    assert np.isnan(again.confidence[0]) and not again.keyframe[1]


def _long_timeline_data(n: int):
    from app.review import TimelineData

    data = TimelineData.empty(n)
    data.confidence[:] = 0.8
    data.confidence[n // 2] = 0.1  # a one-frame dip
    data.keyframe[::500] = True
    data.absent[3000:3040] = True
    data.annotated[:] = True
    return data


@pytest.fixture
def painted(monkeypatch):
    """The curve items painted since the list was last cleared (patched before any widget is
    made: the binding looks a Python override up once per object)."""
    from pyqtgraph import PlotCurveItem

    items = []
    original = PlotCurveItem.paint

    def counting(self, *args):
        items.append(self)
        return original(self, *args)

    monkeypatch.setattr(PlotCurveItem, "paint", counting)
    return items


@pytest.fixture
def long_timeline(qtbot, painted):
    from app.views.timeline import TimelineWidget

    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(1200, 150)
    widget.show()
    widget.set_data(_long_timeline_data(25000))
    qtbot.wait(20)
    return widget


def test_the_timeline_curve_draws_per_pixel_not_per_frame(long_timeline):
    """25,000 frames in 1,200 pixels: the path holds a few points per pixel, and the
    one-frame dip is still drawn."""
    curve = long_timeline.confidence_curve.curve
    x, y = curve.getData()
    assert x.size <= 4 * 1200
    assert np.nanmin(y) == pytest.approx(0.1)


def test_moving_the_cursor_does_not_redraw_the_curves(long_timeline, painted):
    """Each step (D/F) and each live frame of a run moves the cursor: the curves' drawing is
    reused; new data draws them again."""
    long_timeline.viewport().repaint()  # (re)draws the cache once
    painted.clear()
    for frame in range(1000, 1020):
        long_timeline.set_frame(frame)
        long_timeline.viewport().repaint()
    assert long_timeline.confidence_curve.curve not in painted
    data = _long_timeline_data(25000)
    data.confidence[100:200] = 0.2
    long_timeline.set_data(data)
    long_timeline.viewport().repaint()
    assert long_timeline.confidence_curve.curve in painted


class _ReadLog:
    """Wraps the store's readers; logs (reader, start, stop) of each call."""

    def __init__(self, store, monkeypatch):
        self.calls: list[tuple] = []
        for name in ("records", "proposals"):
            self._wrap(store, name, monkeypatch, first=0)
        self._wrap(store, "tracker_outputs", monkeypatch, first=1)

    def _wrap(self, store, name, monkeypatch, first):
        method = getattr(store, name)

        def logged(*args, **kwargs):
            start = args[first] if len(args) > first else kwargs.get("start")
            stop = args[first + 1] if len(args) > first + 1 else kwargs.get("stop")
            self.calls.append((name, start, stop))
            return method(*args, **kwargs)

        monkeypatch.setattr(store, name, logged)

    def whole(self) -> list[tuple]:
        return [call for call in self.calls if call[1] is None and call[2] is None]


def _fresh_cache(document):
    from app.document import Document
    from app.undo_entry import StepCompaction

    other = Document.__new__(Document)
    other.sequence, other.store, other._timeline, other.closed = document.sequence, document.store, None, False
    other._compaction = StepCompaction()
    other.changed = type("Sink", (), {"emit": staticmethod(lambda *_a: None)})()
    Document.reload(other)
    return other


def _assert_cache_fresh(document) -> None:
    fresh = _fresh_cache(document)
    assert list(document.records) == list(fresh.records) or sorted(document.records) == sorted(fresh.records)
    assert all(document.records[f] == fresh.records[f] for f in fresh.records)
    for name in ("proposals", "teacher"):
        mine, theirs = getattr(document, name), getattr(fresh, name)
        assert sorted(mine) == sorted(theirs), name
        assert all(np.array_equal(mine[f][0], theirs[f][0]) and mine[f][1] == theirs[f][1] for f in theirs), name
    assert document.tracked_by == fresh.tracked_by
    _assert_same(document.timeline(), fresh.timeline())


def _run(document, frames, *, proposals=None, earlier=None):
    """What a tracking run leaves (``app.controllers.tracking``): its boxes, committed batch by
    batch and noted, the stale proposals it dropped, its outputs over earlier ones; one undo step."""
    from app.edits import DropProposals, ReplaceTrackerOutputs
    from core.annotations.history import CommandGroup, SetRecords, merge_set_records

    store, commands = document.store, []
    for start in range(0, len(frames), 8):
        batch = [FrameAnnotation(f, _box(f) + 7.0, provenance=Provenance.STUDENT, confidence=0.66)
                 for f in frames[start:start + 8]]
        command = SetRecords(batch, label="track")
        command.apply(store)
        store.put_tracker_outputs("student", "run", [(r.frame, r.box, 0.66) for r in batch])
        commands.append(command)
        document.note_applied(command)
    store.clear_proposals(list(proposals or {}))
    merged = CommandGroup([merge_set_records(commands, "track"), DropProposals(proposals or {}),
                           ReplaceTrackerOutputs("student", {f: ((earlier or {}).get(f), (_box(f) + 7.0, 0.66))
                                                             for f in frames})], label="track")
    document.push_applied(merged)
    document.reload(frames)


def test_undo_and_redo_of_a_long_run_reread_its_frames_only(long_document, monkeypatch):
    """Undo / redo of a 1,000-frame run on a 2,000-frame project: the run's frames are read
    again (records, proposals, outputs), never the whole store; the cache ends as a full
    re-read would leave it (boxes, which tracker made them, proposals, timeline)."""
    document = long_document
    store = document.store
    frames = list(range(501, 1000)) + list(range(1001, 1500))
    earlier = {f: (_box(f), 0.5) for f in frames[:100]}
    store.put_tracker_outputs("student", "before", [(f, b, c) for f, (b, c) in earlier.items()])
    proposals = {f: (_box(f) + 1.0, 0.7) for f in range(1010, 1020)}
    store.put_proposals("p", [(f, b, c) for f, (b, c) in proposals.items()])
    document.reload()
    log = _ReadLog(store, monkeypatch)
    _run(document, frames, proposals=proposals, earlier=earlier)
    document.undo_stack.undo()
    document.undo_stack.redo()
    document.undo_stack.undo()
    assert log.calls and log.whole() == []
    assert all(lo >= 501 and hi <= 1500 for _name, lo, hi in log.calls)
    monkeypatch.undo()
    _assert_cache_fresh(document)
    assert document.tracked_by.get(600) == "Student" and document.proposals.keys() >= proposals.keys()
    document.undo_stack.redo()
    _assert_cache_fresh(document)


def test_bench_studio_annotates_a_long_sequence(tmp_path):
    """``bench studio --annotated``: what a long sequence annotated earlier holds after the
    frames the run tracks (keyframes every 500 frames, absent stretches, tracked boxes with
    their outputs)."""
    from app.bench_studio import fill_annotated
    from core.annotations.store import AnnotationStore

    boxes = np.tile([10.0, 20.0, 30.0, 40.0], (7600, 1))
    boxes[7300] = np.nan  # the target out of view: an absent record
    assert fill_annotated(tmp_path / "b.rgbt.sqlite", boxes, 101) == 7600 - 101
    with AnnotationStore.open(tmp_path / "b.rgbt.sqlite", read_only=True) as store:
        records = store.records()
        outputs = store.tracker_outputs("student")
    assert min(records) == 101 and max(records) == 7599
    assert [f for f, r in records.items() if r.keyframe] == list(range(101, 7600, 500))
    assert {f for f, r in records.items() if r.absent} == set(range(7000, 7040)) | {7300}
    tracked = {f for f, r in records.items() if r.provenance == Provenance.STUDENT}
    assert tracked == set(outputs) and min(records[f].confidence for f in tracked) == 0.3


@pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")
def test_the_end_of_a_run_rereads_its_frames_only(window, pair_files, synthetic, tmp_path, monkeypatch):
    """A refinement's end re-reads the frames it was asked for (whole re-reads: 0.5-1.4 s each
    on a 25,000-frame project); a tracking run's end re-reads none, the cache takes what the
    run wrote (``Document.take_run``); the cache then equals a full re-read (boxes, the
    teacher's proposals and outputs, which tracker made each box)."""
    window.open_pair(*pair_files, store=str(tmp_path / "run.rgbt.sqlite"))
    document = window.document
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    reloads = []
    original = document.reload
    monkeypatch.setattr(document, "reload", lambda frames=None: (reloads.append(frames), original(frames))[1])
    window.actions["track"].trigger()
    window.review.refine(10, 16)
    assert len(reloads) == 1 and sorted(reloads[0]) == list(range(10, 16))
    assert sorted(window.tracking.written) == list(range(1, len(synthetic)))
    monkeypatch.undo()
    assert sorted(document.proposals) == list(range(10, 16))
    _assert_cache_fresh(document)


def test_opening_reads_the_project_on_the_jobs_thread_not_the_windows(window, pair_files, tmp_path, monkeypatch):
    """The open job reads the store's contents (0.4 s of a frozen window on a 25,000-frame
    project when the window's Document read them); the Document then reads nothing."""
    import threading

    from core.annotations.store import AnnotationStore

    store_path = tmp_path / "open.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put(_long_records(50))
    readers = []
    original = AnnotationStore.contents
    monkeypatch.setattr(AnnotationStore, "contents",
                        lambda self, models: (readers.append(threading.current_thread().name), original(self, models))[1])
    from app.project import OpenRequest, open_job
    from core.progress import run_to_end

    opened = run_to_end(open_job(OpenRequest("pair", tuple(map(str, pair_files)), 0, store=str(store_path))))
    assert readers == [threading.current_thread().name] and sorted(opened.contents.records) == list(range(50))
    opened.sequence.close()
    opened.store.close()
    readers.clear()
    window.open_pair(*pair_files, store=str(store_path))  # the job, then the Document from its contents
    assert len(readers) == 1 and sorted(window.document.records) == list(range(50))
    _assert_cache_fresh(window.document)
