"""An edit of records only takes its records from the command, not from the store.

After a box import (or its undo, or redo) ``Document.write`` re-read every frame it touched:
the records (each built and checked again), the proposals and the outputs of every tracker:
1.0-2.4 s frozen on the GUI thread for a 40,000-box import. Its cache now takes the records
from the command itself; what the views show still equals what the store holds, and which
tracker made each box is still known.
"""
from __future__ import annotations

import numpy as np

from core.annotations.history import CommandGroup, DeleteRecords, SetRecords
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def _tracked(frame: int) -> FrameAnnotation:
    return FrameAnnotation(frame, (10.0 + frame, 10.0, 20.0, 20.0), provenance=Provenance.STUDENT, confidence=0.5)


def _imported(frame: int) -> FrameAnnotation:
    return FrameAnnotation(frame, (30.0, 12.0, 18.0, 16.0), provenance=Provenance.IMPORTED)


def test_import_undo_redo_keep_the_view_equal_to_the_store_without_reading_it_back(qtbot, tmp_path, synthetic,
                                                                                  monkeypatch):
    from app.document import Document

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    store.put([_tracked(f) for f in range(12)])
    store.put_tracker_outputs("csrt", "run", [(f, _tracked(f).box, 0.5) for f in range(12)])
    store.put_proposals("teacher-run", [(20, (5.0, 5.0, 10.0, 10.0), 0.9)])
    document = Document(synthetic, store)
    try:
        assert document.tracked_by == dict.fromkeys(range(12), "OpenCV CSRT")
        reads = []
        records = store.records
        monkeypatch.setattr(store, "records", lambda *span: reads.append(span) or records(*span))
        changes = []
        document.changed.connect(changes.append)
        # an import over frames 4..15 (tracked boxes replaced, new frames added), and a delete, as one step
        edit = CommandGroup([SetRecords([_imported(f) for f in range(4, 16)], label="import"),
                             DeleteRecords([0, 1])], label="import boxes")

        def same_as_store():
            assert document.records == records()
            timeline = document.timeline()
            assert timeline.annotated.tolist() == [f in document.records for f in range(len(synthetic))]

        assert document.execute(edit)
        same_as_store()
        assert document.tracked_by == {2: "OpenCV CSRT", 3: "OpenCV CSRT"}
        assert document.timeline().imported[4:16].all() and np.isnan(document.timeline().confidence[4:12]).all()
        assert document.proposals and 20 in document.proposals  # untouched by an edit of records
        assert document.undo()
        same_as_store()
        assert document.tracked_by == dict.fromkeys(range(12), "OpenCV CSRT")
        assert document.timeline().confidence[:12].tolist() == [0.5] * 12
        assert document.redo()
        same_as_store()
        assert document.tracked_by == {2: "OpenCV CSRT", 3: "OpenCV CSRT"}
        assert reads == []  # the store's records were not read back (1-2 s of a 40,000-box import)
        assert sorted(changes[0]) == [0, 1, *range(4, 16)]  # the frames the edit touched
    finally:
        document.close()


def test_an_edit_that_is_not_only_records_is_still_read_back(qtbot, tmp_path, synthetic):
    from app.document import Document
    from app.edits import AcceptProposals

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    store.put_proposals("teacher-run", [(3, (5.0, 5.0, 10.0, 10.0), 0.9)])
    document = Document(synthetic, store)
    try:
        assert document.execute(AcceptProposals(dict(store.proposals())))
        assert document.records == store.records() and document.record(3).provenance == Provenance.TEACHER
        assert document.proposals == {}
        assert document.undo()
        assert document.records == {} and 3 in document.proposals
    finally:
        document.close()


def test_which_tracker_made_each_box_is_worked_out_where_the_contents_are_read(qtbot, tmp_path, synthetic,
                                                                             monkeypatch):
    """Opening a 100,000-frame project matched every tracked box with every tracker's outputs
    (0.4 s) on the window's thread, after the opening job had read the contents on its own."""
    from app.document import Document
    from core.trackers import tracker_names

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    store.put([_tracked(f) for f in range(6)] + [_imported(6)])
    store.put_tracker_outputs("kcf", "run", [(f, _tracked(f).box, 0.5) for f in range(3)])
    store.put_tracker_outputs("student", "run", [(f, _tracked(f).box, 0.5) for f in range(3, 5)])
    contents = store.contents(tracker_names())  # the opening job's thread
    assert contents.tracked_by == {0: "kcf", 1: "kcf", 2: "kcf", 3: "student", 4: "student"}
    matched = []
    monkeypatch.setattr(Document, "_tracked_by", lambda self, *args: matched.append(args) or {})
    document = Document(synthetic, store, contents=contents)
    try:
        assert matched == []
        assert document.tracked_by == {0: "OpenCV KCF", 1: "OpenCV KCF", 2: "OpenCV KCF", 3: "Student", 4: "Student"}
    finally:
        document.close()
