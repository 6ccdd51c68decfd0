"""The tracking and refinement jobs (no Qt): commit-before-report, never overwrite a
human box (even one added while the run goes on), teacher writes proposals only."""
from __future__ import annotations

import numpy as np
import pytest

from app.studio.jobs import StudentRun, TeacherRefine, TrackerCache
from app.studio.settings import ModelChoice
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


@pytest.fixture(scope="module")
def trackers():
    return TrackerCache()


@pytest.fixture
def store(tmp_path):
    store = AnnotationStore.open(tmp_path / "jobs.rgbt.sqlite")
    yield store
    store.close()


def test_student_run_commits_before_reporting_and_stops_at_a_new_manual_box(trackers, store, tiny_sequence):
    store.put([FrameAnnotation(0, [40, 30, 24, 24], keyframe=True)])
    run = StudentRun.plan(lambda: trackers.get("student", ModelChoice()), tiny_sequence, store, store.records(), 0)
    assert run.stop is None
    job = run.job()
    next(job)  # the initial frame
    for _ in range(3):
        report = next(job)
        frame = report.payload.records[0].frame
        assert store.get(frame).provenance == Provenance.STUDENT  # committed before it was reported
    human = FrameAnnotation(6, [5, 5, 10, 10], keyframe=True)
    store.put([human])  # the user corrects frame 6 while the run goes on
    with pytest.raises(StopIteration) as stop:
        while True:
            next(job)
    assert stop.value.value is run and run.stopped_at == 6
    assert store.get(6) == human
    assert [r.frame for r in run.written] == [1, 2, 3, 4, 5]
    undo = run.command()
    undo.revert(store)
    assert sorted(store.records()) == [0, 6]
    undo.apply(store)
    assert sorted(store.records()) == [0, 1, 2, 3, 4, 5, 6]
    assert sorted(store.tracker_outputs("student")) == [1, 2, 3, 4, 5]
    assert "RANDOM" in trackers.describe("student", ModelChoice()) or not trackers.random


def test_plan_needs_a_box_and_ends_before_the_next_keyframe(trackers, store, tiny_sequence):
    with pytest.raises(ValueError, match="no box"):
        StudentRun.plan(lambda: None, tiny_sequence, store, {}, 2)
    records = {2: FrameAnnotation(2, [1, 1, 9, 9], provenance=Provenance.STUDENT, confidence=0.4),
               7: FrameAnnotation(7, [1, 1, 9, 9], keyframe=True)}
    assert StudentRun.plan(lambda: None, tiny_sequence, store, records, 2).stop == 7


def test_teacher_refine_proposes_without_touching_records(trackers, store, tiny_sequence):
    store.put([FrameAnnotation(0, [40, 30, 24, 24], keyframe=True)]
              + [FrameAnnotation(f, [40, 30, 24, 24], provenance=Provenance.STUDENT, confidence=0.3)
                 for f in range(1, 6)])
    before = store.records()
    refine = TeacherRefine(lambda: trackers.get("teacher", ModelChoice()), tiny_sequence, store, before, [3, 4])
    reports = list(_drain(refine.job()))
    assert reports[-1].done == 2 and refine.proposed == [3, 4]
    assert store.records() == before
    assert sorted(store.proposals()) == [3, 4] and sorted(store.tracker_outputs("teacher")) == [3, 4]
    box, confidence = store.proposals()[3]
    assert box.shape == (4,) and 0.0 <= confidence <= 1.0
    assert refine._anchor(3)[0] == 0  # starts from the human box, not the student's


def _drain(job):
    while True:
        try:
            yield next(job)
        except StopIteration:
            return


def test_tracker_cache_loads_once(trackers):
    choice = ModelChoice()
    assert trackers.get("student", choice) is trackers.get("student", choice)
    assert np.isfinite(len(trackers.describe("student", choice)))


def test_student_run_keeps_the_thermal_offset_of_a_misaligned_pair(trackers, store, tiny_sequence):
    store.put([FrameAnnotation(0, [40, 30, 24, 24], thermal_box=[46, 27, 24, 24], keyframe=True)])
    run = StudentRun.plan(lambda: trackers.get("student", ModelChoice()), tiny_sequence, store, store.records(), 0)
    job = run.job()
    reports = [next(job) for _ in range(4)]
    job.close()
    assert reports[-1].payload.pair.index == reports[-1].payload.records[0].frame  # the frame it read
    for record in run.written:
        np.testing.assert_allclose(record.thermal_box[:2] - record.box[:2], [6, -3])
        np.testing.assert_allclose(record.thermal_box[2:], record.box[2:])
