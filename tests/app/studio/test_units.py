"""Qt-free rules of the studio (edits, review, sources) and its settings file."""
from __future__ import annotations

import numpy as np
import pytest

from app.studio import edits, review
from app.studio.settings import ModelChoice, StudioSettings
from app.studio.sources import Source, source_from_paths
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.errors import ConfigError, SequenceError


def student(frame, box, conf=0.9):
    return FrameAnnotation(frame, box, provenance=Provenance.STUDENT, confidence=conf)


def manual(frame, box):
    return FrameAnnotation(frame, box, keyframe=True)


# -- edits -------------------------------------------------------------------------------
def test_set_box_makes_a_manual_keyframe_and_keeps_occlusion():
    records = {3: student(3, [1, 1, 5, 5]).with_changes(occluded=True)}
    record = edits.set_box(records, 3, [2, 2, 6, 6]).records[0]
    assert record.provenance == Provenance.MANUAL and record.keyframe and record.occluded
    np.testing.assert_allclose(record.box, [2, 2, 6, 6])


def test_thermal_box_only_in_separate_mode():
    records = {0: manual(0, [10, 10, 20, 20])}
    shared = edits.set_box(records, 0, [12, 10, 20, 20], modality="thermal").records[0]
    assert shared.thermal_box is None and shared.box[0] == 12
    own = edits.set_box(records, 0, [15, 11, 20, 20], modality="thermal", separate_thermal=True).records[0]
    np.testing.assert_allclose(own.box, [10, 10, 20, 20])
    np.testing.assert_allclose(own.thermal_box, [15, 11, 20, 20])


def test_clean_box_clips_and_rejects_tiny():
    np.testing.assert_allclose(edits.clean_box([-5, -5, 20, 20], 100, 100), [0, 0, 15, 15])
    assert edits.clean_box([10, 10, 1, 30], 100, 100) is None


def test_absent_toggle_round_trip():
    records = {4: student(4, [1, 2, 3, 4])}
    gone = edits.toggle_absent(records, 4).records[0]
    assert gone.absent and gone.box is None and gone.keyframe
    back = edits.toggle_absent({4: gone, 2: manual(2, [5, 5, 5, 5])}, 4).records[0]
    np.testing.assert_allclose(back.box, [5, 5, 5, 5])
    with pytest.raises(ValueError):
        edits.toggle_absent({4: gone}, 4)


def test_occluded_and_keyframe_need_a_box():
    with pytest.raises(ValueError):
        edits.toggle_occluded({}, 0)
    with pytest.raises(ValueError):
        edits.toggle_keyframe({}, 0)
    confirmed = edits.toggle_keyframe({1: student(1, [1, 1, 4, 4])}, 1).records[0]
    assert confirmed.provenance == Provenance.MANUAL and confirmed.keyframe and confirmed.confidence is None


def test_interpolation_fills_machine_frames_only():
    records = {0: manual(0, [0, 0, 10, 10]), 2: FrameAnnotation(2, [50, 50, 5, 5]),
               3: student(3, [9, 9, 9, 9]), 4: manual(4, [40, 0, 10, 10])}
    command = edits.interpolate_around(records, 1)
    assert command is not None
    # frame 2 (a manual box) is kept; it is also a keyframe, so 0-2 is the interval
    assert command.frames == [1]
    np.testing.assert_allclose(command.records[0].box, [25, 25, 7.5, 7.5])
    assert edits.interpolate_around(records, 4) is None
    again = edits.interpolate_around(records, 3)
    assert again.frames == [3]
    assert again.records[0].provenance == Provenance.INTERPOLATED


def test_accept_proposals_apply_and_revert(tmp_path):
    store = AnnotationStore.open(tmp_path / "s.rgbt.sqlite")
    try:
        store.put([student(5, [1, 1, 4, 4], 0.2)])
        store.put_proposals("run", [(5, np.array([2.0, 2, 4, 4]), 0.8), (6, np.array([3.0, 3, 4, 4]), 0.7)])
        command = edits.accept_proposals(store.proposals(), store.records(), [5, 6, 9])
        assert command.frames == [5, 6]
        command.apply(store)
        assert store.get(5).provenance == Provenance.TEACHER and store.get(5).confidence == pytest.approx(0.8)
        assert store.proposals() == {}
        command.revert(store)
        assert store.get(5).provenance == Provenance.STUDENT and store.get(6) is None
        assert sorted(store.proposals()) == [5, 6]
        assert edits.accept_proposals({}, {}, [1]) is None
    finally:
        store.close()


# -- review ------------------------------------------------------------------------------
def test_timeline_series_and_attention():
    records = {0: manual(0, [0, 0, 10, 10]), 1: student(1, [0, 0, 10, 10], 0.9),
               2: student(2, [0, 0, 10, 10], 0.2), 3: FrameAnnotation(3, None, absent=True, keyframe=True)}
    outputs = {"student": {1: (np.array([0.0, 0, 10, 10]), 0.9), 2: (np.array([0.0, 0, 10, 10]), 0.2)},
               "teacher": {1: (np.array([5.0, 0, 10, 10]), 0.8)}}
    series = review.timeline_series(6, records, outputs, {4: (np.array([1.0, 1, 2, 2]), 0.5)}, threshold=0.5)
    assert series.keyframes.tolist() == [True, False, False, True, False, False]
    assert series.absent[3] and series.low.tolist() == [False, False, True, False, False, False]
    assert series.agreement[1] == pytest.approx(5 * 10 / (15 * 10))
    assert np.isnan(series.agreement[2])
    assert series.unlabelled.tolist() == [False, False, False, False, True, True]
    assert review.next_attention(series, 0) == 1  # teacher disagrees (IoU 0.33)
    assert review.next_attention(series, 1) == 2  # low confidence
    assert review.next_attention(series, 2) == 4  # proposal / unlabelled
    assert review.frames_below(series, 0.5) == [2]
    assert review.runs([5, 1, 2, 3, 7, 8]) == [(1, 3), (5, 5), (7, 8)]


# -- sources -----------------------------------------------------------------------------
def test_sources(tmp_path):
    (tmp_path / "seq").mkdir()
    assert source_from_paths([tmp_path / "seq"]).kind == "sequence"
    pair = source_from_paths([tmp_path / "walk_thermal.mp4", tmp_path / "walk_rgb.mp4"])
    assert pair.paths[0].endswith("walk_rgb.mp4") and pair.paths[1].endswith("walk_thermal.mp4")
    assert Source.from_json(pair.to_json()) == pair
    with pytest.raises(ValueError):
        source_from_paths([tmp_path / "a", tmp_path / "b", tmp_path / "c"])
    with pytest.raises(ValueError):
        Source.from_dict({"kind": "pair", "paths": ["a", "b"], "colour": 1})
    with pytest.raises(SequenceError, match="missing.mp4"):
        Source.pair(tmp_path / "missing.mp4", tmp_path / "t.mp4").open()


# -- settings ----------------------------------------------------------------------------
def test_settings_live_in_the_studio_home_and_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    settings = StudioSettings()
    assert settings.path == tmp_path / "home" / "studio.ini"
    choice = ModelChoice(student_weights="/w/s.pt", engine="onnx", device="cpu", allow_random=False)
    settings.set_model(choice)
    project = tmp_path / "p.rgbt.sqlite"
    project.write_bytes(b"")
    settings.add_recent_project(project)
    settings.set_value("colormap", "magma")
    settings.sync()
    again = StudioSettings()
    assert again.model() == choice
    assert again.recent_projects() == [str(project)] and again.last_project() == str(project)
    assert again.value("colormap", "inferno") == "magma"
    assert "onnx" in (tmp_path / "home" / "studio.ini").read_text()


def test_model_choice_rejects_unknown_values():
    with pytest.raises(ConfigError):
        ModelChoice(engine="tensorrt")
    with pytest.raises(ConfigError):
        ModelChoice.from_dict({"engine": "auto", "batch": 4})
