"""Distillation export: labels from records, sample planning, teacher maps on recut crops."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation
from core.annotations.store import AnnotationStore
from core.distillation import schema
from core.distillation.export import TeacherRunner, export_distillation, labels_from_records, plan_samples
from core.distillation.reader import DistillationFile
from core.progress import run_to_end
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.tracking.crop import crop_square


@dataclass(frozen=True)
class Geometry:
    template_size: int = 16
    search_size: int = 32
    feature_size: int = 4
    template_factor: float = 2.0
    search_factor: float = 4.0


class RecordingEngine:
    """Returns maps derived from the search crop's mean, and remembers its inputs."""

    def __init__(self):
        self.calls = []

    def run(self, z_v, z_t, x_v, x_t):
        self.calls.append((z_v.shape, x_v.shape))
        level = float(x_v.mean())
        score = np.full((1, 1, 4, 4), 0.25, np.float32)
        score[0, 0, 1, 2] = 0.9
        return score, np.full((1, 2, 4, 4), 0.3, np.float32), np.full((1, 2, 4, 4), level, np.float32), np.zeros((1, 8, 4, 4))


class Moving(RGBTSequence):
    def __init__(self, n=12):
        self._n = n

    @property
    def info(self):
        return SequenceInfo("moving", "test", self._n, 64, 48, visible_source=None, thermal_source=None)

    def __len__(self):
        return self._n

    def __getitem__(self, i):
        visible = np.zeros((48, 64, 3), np.uint8)
        visible[10:20, 5 + 2 * i : 15 + 2 * i] = 200
        return FramePair(i, visible, visible[..., 0].copy())


def _records():
    recs = {i: FrameAnnotation(i, [5 + 2 * i, 10, 10, 10], provenance="student", confidence=0.5) for i in range(12)}
    recs[0] = FrameAnnotation(0, [5, 10, 10, 10], keyframe=True)
    recs[3] = FrameAnnotation(3, [11, 10, 10, 10], provenance="interpolated")
    recs[4] = FrameAnnotation(4, [13, 10, 10, 10], provenance="teacher", confidence=0.8)
    recs[6] = FrameAnnotation(6, None, absent=True)
    recs[7] = FrameAnnotation(7, [19, 10, 10, 10], keyframe=True)
    recs[8] = FrameAnnotation(8, [21, 10, 10, 10], provenance="manual")
    recs[10] = FrameAnnotation(10, None, absent=True, provenance="student")  # a tracker's guess, not a person's
    return recs


def test_plan_uses_only_human_checked_labels():
    plan = plan_samples(_records())
    # student boxes (1, 2, 5, 9..11) are never labels; frame 6, flagged absent by a person, is a
    # negative with its crop where the target was last seen (4) and never becomes `previous`;
    # the student's "absent" at 10 is not a label; the template switches at keyframe 7
    assert plan == [(3, 0, 0), (4, 0, 3), (6, 0, 4), (7, 0, 4), (8, 7, 7)]


def test_labels_from_records():
    labels = labels_from_records(_records(), 12, student_outputs={1: (np.array([1.0, 2, 3, 4]), 0.4)})
    assert labels["provenance"][0] == schema.PROVENANCE_CODES["manual"]
    assert labels["provenance"][1] == schema.PROVENANCE_CODES["student"]
    assert labels["absent"][6] and np.isnan(labels["box"][6]).all()
    assert labels["keyframe"][7] and labels["student_confidence"][1] == pytest.approx(0.4)
    assert np.isnan(labels["teacher_box"]).all()


def test_every_choosable_tracker_has_a_code():
    from core.trackers import tracker_names

    assert set(tracker_names()) <= set(schema.TRACKER_CODES)
    assert len(set(schema.TRACKER_CODES.values())) == len(schema.TRACKER_CODES)
    assert schema.TRACKER_NONE == 0


def test_labels_without_tracker_outputs_mark_machine_boxes_unknown():
    labels = labels_from_records(_records(), 12)
    assert labels["tracker"].dtype == np.uint8 and labels["tracker"].shape == (12,)
    assert labels["tracker"][1] == labels["tracker"][10] == schema.TRACKER_UNKNOWN  # machine-tracked
    assert labels["tracker"][0] == labels["tracker"][3] == labels["tracker"][4] == schema.TRACKER_NONE


def test_labels_refuse_a_tracker_without_a_code():
    with pytest.raises(ValueError, match="no code"):
        labels_from_records(_records(), 12, tracker_outputs={"mystery": {1: (np.array([7.0, 10, 10, 10]), 0.5)}})


def test_export_records_which_tracker_made_each_box(tmp_path):
    """CSRT- and teacher-tracked boxes (stored with provenance "student") keep their own
    tracker's code; the student's get the student's; a manual box gets 0."""
    import h5py

    from core.trackers import tracker_names

    records = _records()  # frames 1, 2, 5, 9, 11: machine-tracked boxes at x = 5 + 2 i
    with AnnotationStore.open(tmp_path / "s.rgbt.sqlite") as store:
        store.put(records.values())
        store.put_tracker_outputs("csrt", "r1", [(1, [7, 10, 10, 10], None), (2, [9, 10, 10, 10], None)])
        store.put_tracker_outputs("teacher", "r2", [(5, [15, 10, 10, 10], 0.7), (8, [21, 10, 10, 10], 0.6)])
        store.put_tracker_outputs("student", "r3", [(9, [23, 10, 10, 10], 0.4), (11, [0, 0, 5, 5], 0.1)])
        outputs = {name: store.tracker_outputs(name) for name in tracker_names()}
        path = run_to_end(
            export_distillation(Moving(), store.records(), tmp_path / "d.h5", TeacherRunner(RecordingEngine(), Geometry()),
                                tracker_outputs=outputs)
        )
    codes = schema.TRACKER_CODES
    with DistillationFile(path) as data:
        labels = data.labels("moving")
    assert labels["provenance"][1] == labels["provenance"][5] == schema.PROVENANCE_CODES["student"]
    assert labels["tracker"][1] == labels["tracker"][2] == codes["csrt"]
    assert labels["tracker"][5] == codes["teacher"]
    assert labels["tracker"][9] == codes["student"]
    assert labels["tracker"][11] == codes["unknown"]  # edited since: matches no output
    assert labels["tracker"][8] == labels["tracker"][0] == codes["none"]  # manual boxes, even where an output equals them
    assert labels["tracker"][3] == labels["tracker"][4] == codes["none"]  # interpolated, accepted teacher
    # the raw outputs come from tracker_outputs too: no separate student/teacher arguments needed
    np.testing.assert_allclose(labels["student_box"][9], [23, 10, 10, 10])
    np.testing.assert_allclose(labels["teacher_box"][5], [15, 10, 10, 10])
    assert labels["student_confidence"][9] == pytest.approx(0.4) and np.isnan(labels["student_box"][1]).all()
    with h5py.File(path, "r") as raw:  # the code table travels with the file
        import json

        assert json.loads(raw["sequences/moving/labels/tracker"].attrs["codes"]) == codes
        provenance = {"unlabelled": 0, "manual": 1, "interpolated": 2, "student": 3, "teacher": 4, "imported": 5}
        assert json.loads(raw["sequences/moving/labels/provenance"].attrs["codes"]) == provenance
        assert json.loads(raw["sequences/moving/labels"].attrs["provenance_codes"]) == provenance


@pytest.mark.parametrize("mode", ["referenced", "embedded"])
def test_export_writes_teacher_maps_on_the_search_crop(tmp_path, mode):
    engine = RecordingEngine()
    path = run_to_end(
        export_distillation(Moving(), _records(), tmp_path / "d.h5", TeacherRunner(engine, Geometry()), frames_mode=mode)
    )
    assert len(engine.calls) == 5
    assert engine.calls[0] == ((1, 3, 16, 16), (1, 3, 32, 32))
    with DistillationFile(path) as data:
        assert data.num_samples("moving") == 5
        sample = data.sample("moving", 1)  # frame 4, search centred on frame 3's label
        assert sample.frame == 4 and sample.template_frame == 0
        origin_x, origin_y, scale, size = sample.search_geometry
        crop, geometry = crop_square(Moving()[4].visible, (11 + 5, 10 + 5), size / scale, int(size))
        assert (origin_x, origin_y) == (geometry.origin_x, geometry.origin_y)
        assert sample.score_map[0, 1, 2] == pytest.approx(0.9, abs=1e-3)
        if mode == "embedded":
            np.testing.assert_array_equal(sample.search_visible, crop)


def test_export_from_store(tmp_path):
    with AnnotationStore.open(tmp_path / "s.rgbt.sqlite") as store:
        store.put(_records().values())
        store.put_tracker_outputs("student", "r1", [(2, [9, 10, 10, 10], 0.3)])
        path = run_to_end(
            export_distillation(Moving(), store.records(), tmp_path / "d.h5", TeacherRunner(RecordingEngine(), Geometry()),
                                student_outputs=store.tracker_outputs("student"))
        )
    with DistillationFile(path) as data:
        labels = data.labels("moving")
        assert labels["student_confidence"][2] == pytest.approx(0.3)


def test_export_distill_command_on_the_demo_pair(tmp_path):
    from pathlib import Path

    from core.sequences import open_pair
    from main import main

    demo = Path(__file__).resolve().parents[3] / "assets" / "demo"
    if not (demo / "visible.mp4").is_file():
        pytest.skip("the demo pair is not in assets/demo")
    sequence = open_pair(demo / "visible.mp4", demo / "thermal.mp4")
    store_path = tmp_path / "demo.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put([FrameAnnotation(0, [100, 100, 30, 30], keyframe=True), FrameAnnotation(1, [101, 100, 30, 30]),
                   FrameAnnotation(2, [102, 100, 30, 30]),
                   FrameAnnotation(3, [103, 100, 30, 30], provenance="student", confidence=0.5)])
        store.put_tracker_outputs("kcf", "r1", [(3, [103, 100, 30, 30], None)])
    sequence.close()
    out = tmp_path / "demo.h5"
    code = main(["export-distill", str(demo / "visible.mp4"), str(demo / "thermal.mp4"), "--store", str(store_path),
                 "--out", str(out), "--random-weights"])
    assert code == 0
    with DistillationFile(out) as data:
        (name,) = data.sequence_names()
        assert data.num_samples(name) == 2
        assert data.header["teacher_model"] == "teacher"
        assert data.sequence_attrs(name).visible_source.endswith("visible.mp4")
        assert data.labels(name)["tracker"][3] == schema.TRACKER_CODES["kcf"]  # the command reads every tracker's outputs
