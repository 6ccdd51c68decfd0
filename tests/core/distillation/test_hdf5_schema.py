"""Distillation HDF5: streamed atomic writing, validation of bad files, round trip."""
from __future__ import annotations

import h5py
import numpy as np
import pytest

from core.distillation import schema
from core.distillation.reader import DistillationFile
from core.distillation.writer import DistillationWriter, FileHeader, Sample, SequenceAttrs
from core.errors import DistillationDataError

Z, X, F = 16, 32, 4


def _labels(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    boxes = rng.uniform(5, 40, (n, 4)).astype(np.float32)
    labels = {
        "box": boxes,
        "thermal_box": np.full((n, 4), np.nan, np.float32),
        "absent": np.zeros(n, bool),
        "occluded": np.zeros(n, bool),
        "provenance": np.full(n, schema.PROVENANCE_CODES["manual"], np.uint8),
        "keyframe": np.zeros(n, bool),
        "student_box": boxes + 1,
        "student_confidence": np.full(n, 0.5, np.float32),
        "teacher_box": np.full((n, 4), np.nan, np.float32),
        "teacher_confidence": np.full(n, np.nan, np.float32),
    }
    labels["absent"][3] = True
    labels["box"][3] = np.nan
    return labels


def _sample(frame: int, embedded: bool) -> Sample:
    rng = np.random.default_rng(frame)
    sample = Sample(
        frame=frame,
        template_frame=0,
        template_box=np.array([1.0, 2.0, 3.0, 4.0]),
        search_geometry=np.array([10.0, 20.0, 0.5, X]),
        score_map=rng.random((1, F, F)).astype(np.float32),
        size_map=rng.random((2, F, F)).astype(np.float32),
        offset_map=rng.random((2, F, F)).astype(np.float32),
    )
    if embedded:
        sample.template_visible = rng.integers(0, 255, (Z, Z, 3), dtype=np.uint8)
        sample.template_thermal = rng.integers(0, 255, (Z, Z), dtype=np.uint8)
        sample.search_visible = rng.integers(0, 255, (X, X, 3), dtype=np.uint8)
        sample.search_thermal = rng.integers(0, 255, (X, X), dtype=np.uint8)
    return sample


def _write(path, *, embedded: bool, n: int = 40, samples: int = 37):
    header = FileHeader("embedded" if embedded else "referenced", Z, X, F, teacher_model="teacher", teacher_sha256="ab")
    attrs = SequenceAttrs("seq`it's", "/v.mp4", "/t.mp4", 64, 48, n)
    with DistillationWriter(path, header) as writer:
        seq = writer.begin_sequence(attrs, _labels(n))
        for frame in range(1, samples + 1):
            seq.add_sample(_sample(frame, embedded))
    return path


@pytest.mark.parametrize("embedded", [False, True])
def test_round_trip(tmp_path, embedded):
    path = _write(tmp_path / "d.h5", embedded=embedded)
    with DistillationFile(path) as data:
        assert data.header["schema_version"] == schema.SCHEMA_VERSION
        assert data.frames_mode == ("embedded" if embedded else "referenced")
        assert data.sequence_names() == ["seq`it's"]
        assert data.sequence_attrs("seq`it's").num_frames == 40
        labels = data.labels("seq`it's")
        np.testing.assert_array_equal(labels["box"], _labels(40)["box"])
        assert labels["absent"][3] and np.isnan(labels["box"][3]).all()
        assert data.num_samples("seq`it's") == 37  # not a multiple of the chunk size: trimmed
        got = data.sample("seq`it's", 4)
        want = _sample(5, embedded)
        assert got.frame == 5
        np.testing.assert_allclose(got.score_map, want.score_map, atol=1e-3)  # stored as float16
        if embedded:
            np.testing.assert_array_equal(got.search_visible, want.search_visible)
        else:
            assert got.search_visible is None


def test_cancel_keeps_previous_file(tmp_path):
    path = _write(tmp_path / "d.h5", embedded=False, samples=3)
    before = path.read_bytes()

    def job():
        with DistillationWriter(path, FileHeader("referenced", Z, X, F)) as writer:
            seq = writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), _labels(40))
            for frame in range(1, 30):
                seq.add_sample(_sample(frame, False))
                yield frame

    generator = job()
    next(generator)
    next(generator)
    generator.close()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["d.h5"]  # no temporary leftovers


def test_embedded_mode_requires_crops(tmp_path):
    with pytest.raises(ValueError, match="crop"):
        with DistillationWriter(tmp_path / "d.h5", FileHeader("embedded", Z, X, F)) as writer:
            writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), _labels(40)).add_sample(_sample(1, False))
    assert not (tmp_path / "d.h5").exists()


def test_missing_file_and_non_hdf5(tmp_path):
    with pytest.raises(DistillationDataError, match="not found"):
        DistillationFile(tmp_path / "nope.h5")
    bad = tmp_path / "bad.h5"
    bad.write_text("hello")
    with pytest.raises(DistillationDataError, match="bad.h5.*HDF5"):
        DistillationFile(bad)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda f: f.attrs.__setitem__("schema_version", 99), "newer"),
        (lambda f: f.attrs.__delitem__("schema_version"), "schema_version"),
        (lambda f: f.attrs.__setitem__("format", "other"), "not a distillation file"),
        (lambda f: f.attrs.__delitem__("feature_size"), "feature_size"),
        (lambda f: f["sequences/s/labels"].__delitem__("absent"), "labels/absent"),
        (lambda f: f["sequences/s/samples"].__delitem__("score_map"), "samples/score_map"),
        (lambda f: f["sequences/s/samples/frame"].resize(3, axis=0), "different lengths"),
    ],
)
def test_validation_names_the_problem(tmp_path, damage, message):
    path = tmp_path / "d.h5"
    header = FileHeader("referenced", Z, X, F)
    with DistillationWriter(path, header) as writer:
        seq = writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), _labels(40))
        for frame in range(1, 6):
            seq.add_sample(_sample(frame, False))
    with h5py.File(path, "a") as handle:
        damage(handle)
    with pytest.raises(DistillationDataError, match=message) as info:
        DistillationFile(path)
    assert "d.h5" in str(info.value)


def test_label_shape_checked_on_write(tmp_path):
    labels = _labels(40)
    labels["box"] = labels["box"][:10]
    with pytest.raises(ValueError, match="box"):
        with DistillationWriter(tmp_path / "d.h5", FileHeader("referenced", Z, X, F)) as writer:
            writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), labels)


def test_a_file_without_labels_tracker_still_reads(tmp_path):
    """Files written before ``labels/tracker`` existed: the tracker is unknown on
    machine-tracked frames and 0 elsewhere."""
    labels = _labels(40)
    labels["provenance"][5:8] = schema.PROVENANCE_CODES["student"]
    path = tmp_path / "old.h5"
    with DistillationWriter(path, FileHeader("referenced", Z, X, F)) as writer:
        writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), labels).add_sample(_sample(1, False))
    with h5py.File(path, "r") as raw:
        assert "tracker" not in raw["sequences/s/labels"]
    with DistillationFile(path) as data:
        tracker = data.labels("s")["tracker"]
    assert tracker.dtype == np.uint8 and tracker.shape == (40,)
    assert (tracker[5:8] == schema.TRACKER_UNKNOWN).all()
    assert (np.delete(tracker, [5, 6, 7]) == schema.TRACKER_NONE).all()


def test_labels_tracker_round_trips_and_its_shape_is_checked(tmp_path):
    labels = _labels(40)
    labels["tracker"] = np.full(40, schema.TRACKER_CODES["csrt"], np.uint8)
    path = tmp_path / "d.h5"
    with DistillationWriter(path, FileHeader("referenced", Z, X, F)) as writer:
        writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), labels).add_sample(_sample(1, False))
    with DistillationFile(path) as data:
        np.testing.assert_array_equal(data.labels("s")["tracker"], labels["tracker"])
    with h5py.File(path, "a") as handle:
        del handle["sequences/s/labels/tracker"]
        handle["sequences/s/labels"].create_dataset("tracker", data=np.zeros(7, np.uint8))
    with pytest.raises(DistillationDataError, match="labels/tracker"):
        DistillationFile(path)
    labels["tracker"] = labels["tracker"][:10]
    with pytest.raises(ValueError, match="tracker"):
        with DistillationWriter(tmp_path / "e.h5", FileHeader("referenced", Z, X, F)) as writer:
            writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 40), labels)


def _small_file(path) -> None:
    with DistillationWriter(path, FileHeader("referenced", Z, X, F)) as writer:
        seq = writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 10), _labels(10))
        for frame in range(1, 6):
            seq.add_sample(_sample(frame, False))


@pytest.mark.parametrize(
    "damage, message",
    [  # each was a ValueError traceback, or passed validation and failed later
        (lambda f: f.attrs.__setitem__("schema_version", "one"), "schema_version attribute is 'one'"),
        (lambda f: f.attrs.__setitem__("search_size", "big"), "search_size attribute"),
        (lambda f: f["sequences/s"].attrs.__setitem__("num_frames", "ten"), "num_frames is 'ten'"),
        (lambda f: f["sequences/s/samples/template_frame"].__setitem__(0, 10), "samples/template_frame has frame indices"),
        (lambda f: f["sequences/s/samples/template_frame"].__setitem__(0, -1), "samples/template_frame has frame indices"),
        (lambda f: (f["sequences/s/samples"].__delitem__("frame"),
                    f["sequences/s/samples"].create_dataset("frame", data=np.full(5, 1.5))), "expected integers"),
        (lambda f: f["sequences"].create_dataset("x", data=[1]), "sequence 'x': is not a group"),
    ],
)
def test_malformed_values_give_one_error_naming_the_file(tmp_path, damage, message):
    path = tmp_path / "d.h5"
    _small_file(path)
    with h5py.File(path, "a") as handle:
        damage(handle)
    with pytest.raises(DistillationDataError, match=message) as info:
        DistillationFile(path)
    assert info.value.path == path


def test_fixed_length_string_attributes_are_read_as_text(tmp_path):
    """Other writers (MATLAB's h5writeatt, h5py with np.bytes_) store strings as bytes."""
    path = tmp_path / "d.h5"
    _small_file(path)
    with h5py.File(path, "a") as handle:
        handle.attrs["format"] = np.bytes_(schema.FORMAT_NAME.encode())
        handle.attrs["frames_mode"] = np.bytes_(b"referenced")
        handle["sequences/s"].attrs["name"] = np.bytes_("s`é".encode())
    with DistillationFile(path) as data:
        assert data.frames_mode == "referenced"
        assert data.sequence_attrs("s").name == "s`é"


@pytest.mark.parametrize("name, group", [("", "sequence"), (".", "sequence."), ("a/b", "a_b"), ("..", "..")])
def test_any_sequence_name_is_written_and_read_back(tmp_path, name, group):
    """open_sequence('.') names a sequence ''; h5py refused it (ValueError), and 'a/b'
    made nested groups the reader rejected."""
    path = tmp_path / "d.h5"
    with DistillationWriter(path, FileHeader("referenced", Z, X, F)) as writer:
        writer.begin_sequence(SequenceAttrs(name, "", "", 64, 48, 10), _labels(10)).add_sample(_sample(1, False))
    with DistillationFile(path) as data:
        assert data.sequence_names() == [group]
        assert data.sequence_attrs(group).name == name
        assert data.num_samples(group) == 1
