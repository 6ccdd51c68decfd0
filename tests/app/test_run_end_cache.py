"""A tracking run's end takes what the run wrote into the cache instead of re-reading its frames.

After a run, ``RunController._end`` re-read every written frame's records, proposals and every
tracker's outputs (1.9 s on the GUI thread after a 40,000-frame run). The cache now takes the
records the store holds (read once, also to find boxes edited during the run), the proposals
the run dropped and the run's tracker; what the views show still equals what the store holds.
"""
from __future__ import annotations

import numpy as np

from core.annotations.history import SetRecords
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.progress import Progress
from core.trackers import tracker_label, tracker_names


def _box(frame: int) -> tuple:
    return (10.0 + frame, 10.0, 20.0, 20.0)


def _same_outputs(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.allclose(a[f][0], b[f][0]) and a[f][1] == b[f][1] for f in a)


def _run(document, store, batches, *, reported, model="csrt", edit=None):
    """Write ``batches`` (lists of frames) as a tracking process would, report the first
    ``reported`` of them, run ``edit`` (a user's edit) before the reports, end the run."""
    from app.controllers.tracking import RunController
    from app.jobs import TrackerPool, TrackUpdate
    controller = RunController("track", TrackerPool(), synchronous=True)
    controller._begin(document, "test")
    controller.model = model
    stale, earlier = store.proposals(), store.tracker_outputs(model)
    updates = []
    for frames in batches:
        new = [FrameAnnotation(f, _box(f), provenance=Provenance.STUDENT, confidence=0.5) for f in frames]
        command = SetRecords(new, label="track")
        replaced = [f for f in frames if f in stale]
        with store.transaction():
            command.apply(store)
            store.put_tracker_outputs(model, "run", [(f, _box(f), 0.5) for f in frames])
            store.clear_proposals(replaced)
        controller.commands.append(command)
        controller.outputs.update({f: (earlier.get(f), (_box(f), 0.5)) for f in frames})
        controller.dropped.update({f: stale[f] for f in replaced})
        updates.append(TrackUpdate(tracker_label(model), frames[-1], _box(frames[-1]), 0.5, command, None, 30.0, "", ""))
    if edit is not None:
        edit()
    for update in updates[:reported]:  # queued reports, after the edit on the GUI thread
        controller._progress(0, Progress(update.frame, 20, "x", update))
    controller._end("stopped")
    return controller


def _same_as_store(document, store):
    assert document.records == store.records()
    assert _same_outputs(document.proposals, store.proposals())
    assert _same_outputs(document.teacher, store.tracker_outputs("teacher"))
    outputs = {name: store.tracker_outputs(name) for name in tracker_names()}
    assert document.tracked_by == document._tracked_by(outputs)
    fresh = document.timeline()
    document._timeline = None
    rebuilt = document.timeline()
    for name in ("confidence", "iou", "annotated", "absent", "keyframe"):
        assert np.array_equal(getattr(fresh, name), getattr(rebuilt, name), equal_nan=True), name


def test_run_end_takes_the_records_it_wrote(qtbot, tmp_path, synthetic, monkeypatch):
    from app.document import Document

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    store.put([FrameAnnotation(0, _box(0), provenance=Provenance.MANUAL, keyframe=True)])
    store.put_proposals("teacher-run", [(f, (5.0, 5.0, 10.0, 10.0), 0.9) for f in (3, 9, 20)])
    store.put_tracker_outputs("teacher", "t", [(f, _box(f), 0.8) for f in range(1, 12)])
    document = Document(synthetic, store)
    try:
        reads = []

        def edit():  # the user corrects frame 5 while the run goes on; from then on reads are counted
            assert document.execute(SetRecords([FrameAnnotation(5, (40.0, 40.0, 10.0, 10.0), provenance=Provenance.MANUAL)]))
            for name in ("proposals", "tracker_outputs"):
                real = getattr(store, name)
                monkeypatch.setattr(store, name, lambda *a, real=real, name=name: reads.append(name) or real(*a))

        # frames 1..11 in three batches; the last one committed but never reported (stopped)
        controller = _run(document, store, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]], reported=2, edit=edit)
        assert reads == []  # nothing but the records was read back (1.9 s after a 40,000-frame run)
        monkeypatch.undo()
        assert controller.written == list(range(1, 12))
        _same_as_store(document, store)
        assert document.record(5).provenance == Provenance.MANUAL  # the edit, not the late report
        assert document.tracked_by[11] == "OpenCV CSRT" and 9 not in document.proposals
        step = document.undo_stack.command(document.undo_stack.count() - 1).command
        run = step if isinstance(step, SetRecords) else step.commands[0]
        assert sorted(r.frame for r in run.records) == [f for f in range(1, 12) if f != 5]
        # the cache holds the step's own records, not copies read back (a second 12 MiB of a 40,000-frame run)
        assert all(document.records[r.frame] is r for r in run.records)
        assert document.undo()  # the run: its boxes go, the dropped proposals come back
        _same_as_store(document, store)
        assert 9 in document.proposals and document.record(11) is None and document.record(5) is not None
        assert document.redo()
        _same_as_store(document, store)
    finally:
        document.close()


def test_teacher_run_end_keeps_the_teacher_outputs(qtbot, tmp_path, synthetic):
    from app.document import Document

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    store.put([FrameAnnotation(0, _box(0), provenance=Provenance.MANUAL, keyframe=True)])
    document = Document(synthetic, store)
    try:
        _run(document, store, [[1, 2, 3], [4, 5]], reported=1, model="teacher")
        _same_as_store(document, store)
        assert document.tracked_by[5] == tracker_label("teacher")
    finally:
        document.close()


def test_retrack_undo_redo_read_nothing_back(qtbot, tmp_path, synthetic, monkeypatch):
    """The undo step of a re-track (its boxes, the stale proposals it dropped, the tracker's
    earlier outputs it wrote over) re-read all its frames when undone or redone (1.3-1.8 s for
    40,000 frames); the cache takes them from the step, and still equals the store."""
    from app.document import Document
    from core.annotations.history import CommandGroup

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    store.put([FrameAnnotation(0, _box(0), provenance=Provenance.MANUAL, keyframe=True)])
    earlier = [FrameAnnotation(f, (9.0, 9.0, 20.0, 20.0), provenance=Provenance.STUDENT, confidence=0.3)
               for f in range(1, 12)]
    store.put(earlier)
    store.put_tracker_outputs("csrt", "old", [(r.frame, r.box, 0.3) for r in earlier])
    store.put_proposals("teacher-run", [(f, (5.0, 5.0, 10.0, 10.0), 0.9) for f in (3, 9)])
    document = Document(synthetic, store)
    try:
        assert document.tracked_by[4] == tracker_label("csrt")
        _run(document, store, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]], reported=3)
        step = document.undo_stack.command(document.undo_stack.count() - 1).command
        assert isinstance(step, CommandGroup) and len(step.commands) == 3  # records, proposals, outputs
        _same_as_store(document, store)
        reads = []
        for name in ("records", "proposals", "tracker_outputs"):
            real = getattr(store, name)
            monkeypatch.setattr(store, name, lambda *a, real=real, name=name: reads.append(name) or real(*a))
        assert document.undo()
        assert document.redo()
        assert document.undo()
        assert reads == []
        monkeypatch.undo()
        _same_as_store(document, store)
        assert document.record(4).box.tolist() == [9.0, 9.0, 20.0, 20.0] and sorted(document.proposals) == [3, 9]
        assert document.tracked_by[4] == tracker_label("csrt")
        assert document.redo()
        _same_as_store(document, store)
        assert document.record(4).box.tolist() == list(_box(4)) and document.proposals == {}
    finally:
        document.close()
