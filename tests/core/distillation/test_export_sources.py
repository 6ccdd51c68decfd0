"""Distillation export on real frame folders: the store's frame offset, absolute sources
(relative ones in older files still read from any folder), records past the last frame."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import cv2
import h5py
import numpy as np
import pytest

from core.annotations.records import FrameAnnotation
from core.annotations.store import AnnotationStore
from core.distillation.dataset import load_items
from core.distillation.export import TeacherRunner, export_distillation, outside_frames_note, plan_samples
from core.distillation.reader import DistillationFile
from core.progress import run_to_end
from core.sequences import open_pair
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from tests.core.distillation.embedded_files import referenced_and_embedded_items

N = 8  # frames per stream


@pytest.fixture(autouse=True)
def _one_thread():
    cv2.setNumThreads(1)


class Engine:
    """A stand-in teacher: constant maps, no model."""

    def run(self, z_v, z_t, x_v, x_t):
        return np.full((1, 1, 4, 4), 0.5, np.float32), np.full((1, 2, 4, 4), 0.3, np.float32), \
            np.zeros((1, 2, 4, 4), np.float32)


GEOMETRY = SimpleNamespace(template_size=16, search_size=32, feature_size=4, template_factor=2.0, search_factor=4.0)


def thermal_level(index: int) -> int:
    return 10 * index + 5


def make_pair(root: Path) -> tuple[Path, Path]:
    """Visible and thermal frame folders of N frames; thermal frame j is uniform
    ``thermal_level(j)``, so a crop tells which thermal frame it came from."""
    visible, thermal = root / "visible", root / "thermal"
    visible.mkdir(parents=True)
    thermal.mkdir()
    for j in range(N):
        cv2.imwrite(str(visible / f"{j:04d}.png"), np.full((48, 64, 3), 100, np.uint8))
        cv2.imwrite(str(thermal / f"{j:04d}.png"), np.full((48, 64), thermal_level(j), np.uint8))
    return visible, thermal


def records(frames=range(5)):
    return [FrameAnnotation(i, [27.0, 19.0, 10.0, 10.0], keyframe=(i == 0)) for i in frames]


def fake_teacher(monkeypatch):
    import core.tracking.factory as factory

    monkeypatch.setattr(factory, "load_tracker", lambda *_args, **_kwargs: SimpleNamespace(
        engine=Engine(), model_config=GEOMETRY, weights_path=""))


def run_cli(*argv) -> int:
    from main import main

    return main(["export-distill", *map(str, argv)])


@pytest.mark.parametrize("given, expected", [(None, 2), (0, 0), (1, 1)])
def test_command_pairs_with_the_stores_frame_offset(tmp_path, monkeypatch, given, expected):
    """The store's offset (the studio's pairing) unless --frame-offset says otherwise; the
    thermal crops come from thermal frame = frame + offset and the file records it."""
    visible, thermal = make_pair(tmp_path / "pair")
    store_path = tmp_path / "s.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put(records())
        store.set_meta("frame_offset", 2)
    fake_teacher(monkeypatch)
    out = tmp_path / "d.h5"
    extra = [] if given is None else ["--frame-offset", given]
    assert run_cli(visible, thermal, "--store", store_path, "--out", out, "--embed-crops", *extra) == 0
    with DistillationFile(out) as data:
        (name,) = data.sequence_names()
        attrs = data.sequence_attrs(name)
        assert attrs.frame_offset == expected and attrs.num_frames == N - expected
        samples = list(data.iter_samples(name))
    assert [s.frame for s in samples] == [1, 2, 3, 4]
    for sample in samples:
        assert sample.search_thermal[16, 16] == thermal_level(sample.frame + expected)
        assert sample.template_thermal[8, 8] == thermal_level(sample.template_frame + expected)



def test_command_appends_h5_to_an_out_name_without_a_suffix(tmp_path, monkeypatch, capsys):
    """``--out walk-3`` wrote an HDF5 file named ``walk-3`` (the studio's export too): it is
    walk-3.h5, as the studio names it; a name given with ``.h5`` or ``.hdf5`` is kept."""
    visible, thermal = make_pair(tmp_path / "pair")
    store_path = tmp_path / "s.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put(records())
    fake_teacher(monkeypatch)
    for given, written in (("walk-3", "walk-3.h5"), ("mine.hdf5", "mine.hdf5"), ("d.h5", "d.h5")):
        assert run_cli(visible, thermal, "--store", store_path, "--out", tmp_path / given) == 0
        assert f"wrote {tmp_path / written} (4 training samples)" in capsys.readouterr().out
        with DistillationFile(tmp_path / written) as data:
            assert len(data.sequence_names()) == 1
    assert not (tmp_path / "walk-3").exists()

def test_command_refuses_an_offset_on_a_single_stream(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "seq"
    folder.mkdir()
    for j in range(N):
        cv2.imwrite(str(folder / f"{j:04d}.png"), np.full((48, 64, 3), 100, np.uint8))
    store_path = tmp_path / "s.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put(records())
        store.set_meta("frame_offset", 2)
    fake_teacher(monkeypatch)
    assert run_cli(folder, "--store", store_path, "--out", tmp_path / "d.h5") != 0
    err = capsys.readouterr().err
    assert f"{store_path}: the store's frame offset 2 does not apply" in err and "--frame-offset 0" in err
    assert "Traceback" not in err
    assert not (tmp_path / "d.h5").exists()
    assert run_cli(folder, "--store", store_path, "--out", tmp_path / "d.h5", "--frame-offset", 0) == 0
    with DistillationFile(tmp_path / "d.h5") as data:
        assert data.sequence_attrs("seq").frame_offset == 0


def test_export_stores_absolute_sources_readable_from_any_folder(tmp_path, monkeypatch):
    make_pair(tmp_path / "pair")
    monkeypatch.chdir(tmp_path)
    sequence = open_pair("pair/visible", "pair/thermal")  # opened relative, as a command line does
    try:
        out = run_to_end(export_distillation(sequence, {r.frame: r for r in records()}, "d.h5",
                                             TeacherRunner(Engine(), GEOMETRY)))
    finally:
        sequence.close()
    with DistillationFile(out) as data:
        attrs = data.sequence_attrs(data.sequence_names()[0])
    assert Path(attrs.visible_source).is_absolute()
    assert Path(attrs.visible_source) == (tmp_path / "pair" / "visible").resolve()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    items = load_items([tmp_path / "d.h5"], holdout_fraction=0.0)
    assert len(items) == 4


def _relative_file(tmp_path, out: Path) -> Path:
    """A referenced file as older versions wrote it: sources relative to the export's folder."""
    visible, thermal = make_pair(tmp_path / "pair")
    sequence = open_pair(visible, thermal)
    try:
        run_to_end(export_distillation(sequence, {r.frame: r for r in records()}, out, TeacherRunner(Engine(), GEOMETRY)))
    finally:
        sequence.close()
    with h5py.File(out, "r+") as raw:
        (group,) = raw["sequences"].values()
        group.attrs["visible_source"] = "pair/visible"
        group.attrs["thermal_source"] = "pair/thermal"
    return out


def test_old_relative_sources_resolve_beside_the_file(tmp_path, monkeypatch):
    path = _relative_file(tmp_path, tmp_path / "d.h5")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    items = load_items([path], holdout_fraction=0.0)
    assert [item.frame for item in items] == [1, 2, 3, 4]


def test_old_relative_sources_resolve_in_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    path = _relative_file(tmp_path, tmp_path / "out" / "d.h5")  # "pair/..." is not beside the file
    monkeypatch.chdir(tmp_path)
    assert len(load_items([path], holdout_fraction=0.0)) == 4


def test_missing_relative_sources_name_the_file(tmp_path, monkeypatch):
    from core.errors import DistillationDataError

    path = _relative_file(tmp_path, tmp_path / "d.h5")
    (tmp_path / "pair" / "visible").rename(tmp_path / "pair" / "gone")
    with pytest.raises(DistillationDataError, match="not found") as error:
        load_items([path])
    assert error.value.path == path


class Short(RGBTSequence):
    """A sequence that refuses frames it does not have, as real ones do."""

    def __init__(self, n=6):
        self._n = n

    @property
    def info(self):
        return SequenceInfo("short", "test", self._n, 64, 48)

    def __len__(self):
        return self._n

    def __getitem__(self, i):
        if not 0 <= i < self._n:
            raise IndexError(f"frame {i} of {self._n}")
        return FramePair(i, np.full((48, 64, 3), 100, np.uint8), np.full((48, 64), thermal_level(i), np.uint8))


def _past_end():
    recs = {r.frame: r for r in records(range(4))}
    recs[9] = FrameAnnotation(9, [27.0, 19.0, 10.0, 10.0], keyframe=True)  # a keyframe past the end
    recs[500] = FrameAnnotation(500, [27.0, 19.0, 10.0, 10.0])
    return recs


def test_plan_leaves_out_frames_past_the_end():
    assert plan_samples(_past_end(), 6) == [(1, 0, 0), (2, 1, 1), (3, 2, 2)]
    assert (9, 3, 3) in plan_samples(_past_end())  # without the length: every record, as before
    assert outside_frames_note(_past_end(), 6).startswith("2 annotated frames outside the sequence's 6 frames")
    assert "10, 501" in outside_frames_note(_past_end(), 6)
    assert outside_frames_note(_past_end(), 501) is None


def test_export_leaves_out_records_past_the_end_and_says_so(tmp_path):
    job = export_distillation(Short(), _past_end(), tmp_path / "d.h5", TeacherRunner(Engine(), GEOMETRY),
                              frames_mode="embedded")
    first = next(job)
    assert "2 annotated frames outside" in first.message
    path = run_to_end(job)
    with DistillationFile(path) as data:
        assert data.sequence_attrs("short").num_frames == 6
        assert [s.frame for s in data.iter_samples("short")] == [1, 2, 3]
        assert data.labels("short")["keyframe"].sum() == 1


def test_command_notes_records_past_the_end(tmp_path, monkeypatch, capsys):
    visible, thermal = make_pair(tmp_path / "pair")
    store_path = tmp_path / "s.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put(records() + [FrameAnnotation(500, [27.0, 19.0, 10.0, 10.0])])
    fake_teacher(monkeypatch)
    out = tmp_path / "d.h5"
    assert run_cli(visible, thermal, "--store", store_path, "--out", out) == 0
    err = capsys.readouterr().err
    assert f"note: {store_path}: 1 annotated frame outside the sequence's {N} frames left out (frames 501)" in err
    with DistillationFile(out) as data:
        assert data.num_samples(data.sequence_names()[0]) == 4


def test_boxes_wholly_outside_the_image_are_left_out_and_said(tmp_path):
    recs = {r.frame: r for r in records(range(5))}
    recs[2] = FrameAnnotation(2, [5000.0, 5000.0, 10.0, 10.0])  # an old store's box far off the 64 x 48 frame
    recs[3] = FrameAnnotation(3, [60.0, 40.0, 10.0, 10.0])  # partly inside: a label
    note = outside_frames_note(recs, 6, (64, 48))
    assert note == "1 box wholly outside the 64x48 image left out (frames 3)"
    assert outside_frames_note(recs, 6) is None  # without the frame's size only frames are checked
    job = export_distillation(Short(), recs, tmp_path / "d.h5", TeacherRunner(Engine(), GEOMETRY),
                              frames_mode="embedded")
    assert "1 box wholly outside the 64x48 image" in next(job).message
    path = run_to_end(job)
    with DistillationFile(path) as data:
        assert [s.frame for s in data.iter_samples("short")] == [1, 3, 4]
        assert np.isnan(data.labels("short")["box"][2]).all()


def test_an_explicit_offset_must_match_the_sequence(tmp_path):
    with pytest.raises(ValueError, match="differs"):
        run_to_end(export_distillation(Short(), _past_end(), tmp_path / "d.h5", TeacherRunner(Engine(), GEOMETRY),
                                       frame_offset=3))


def test_command_finds_the_bundled_demos_project_where_the_studio_keeps_it(tmp_path, monkeypatch):
    import os

    import core.annotations.project_paths as project_paths
    from core.annotations.project_paths import project_store_path
    from core.sequences import open_pair

    assets = tmp_path / "assets"
    monkeypatch.setattr(project_paths, "assets_dir", lambda: assets)
    visible, thermal = make_pair(assets / "demo")
    store_path = project_store_path(open_pair(visible, thermal).info)
    assert store_path.parent == Path(os.environ["RGBT_STUDIO_HOME"]) / "projects"  # not beside the assets
    store_path.parent.mkdir(parents=True)
    with AnnotationStore.open(store_path) as store:
        store.put(records())
    fake_teacher(monkeypatch)
    out = tmp_path / "d.h5"
    assert run_cli(visible, thermal, "--out", out) == 0  # no --store: the studio's project is found
    with DistillationFile(out) as data:
        assert data.num_samples(data.sequence_names()[0]) == 4


def test_command_says_when_its_file_alone_cannot_judge_a_fine_tune(tmp_path, monkeypatch, capsys):
    """One drawn box and then frames marked absent: the held-out part has no box to score, so a
    fine-tune on this file alone could not say whether the student got better. The export says
    so before the teacher runs (and still writes the file); labels with boxes to the end say nothing."""
    visible, thermal = make_pair(tmp_path / "pair")
    store_path = tmp_path / "s.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put([FrameAnnotation(0, [27.0, 19.0, 10.0, 10.0], keyframe=True)]
                  + [FrameAnnotation(i, None, absent=True, keyframe=True) for i in range(1, N)])
    fake_teacher(monkeypatch)
    assert run_cli(visible, thermal, "--store", store_path, "--out", tmp_path / "d.h5") == 0
    err = capsys.readouterr().err
    assert f"note: {store_path}: fine-tuning on this file alone cannot say whether the student got better" in err
    assert "--holdout 0" in err and "Traceback" not in err
    assert (tmp_path / "d.h5").is_file()
    with AnnotationStore.open(tmp_path / "t.rgbt.sqlite") as store:
        store.put(records(range(N)))
    assert run_cli(visible, thermal, "--store", tmp_path / "t.rgbt.sqlite", "--out", tmp_path / "e.h5") == 0
    assert "cannot say" not in capsys.readouterr().err


def test_referenced_frames_that_changed_since_the_export_are_refused(tmp_path):
    """A frame removed from (or added to) the sequence folder after a referenced export shifted
    every later frame: the crops were recut around each label on the wrong frame and the
    student fine-tuned on them without a word."""
    import torch

    from core.errors import DistillationDataError
    from core.models.config import student_config
    from core.models.registry import build_model
    from core.sequences import open_sequence
    from core.tracking.engines import TorchEngine
    from tests.core.safety.conftest import make_sequence

    torch.manual_seed(0)
    folder = make_sequence(tmp_path / "seq", frames=8)
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = open_sequence(folder)
    try:
        records = {f: FrameAnnotation(f, r.box, keyframe=f == 0) for f, r in sequence.ground_truth().items()
                   if not r.absent}
        path = run_to_end(export_distillation(sequence, records, tmp_path / "r.h5",
                                              TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)))
    finally:
        sequence.close()
    assert load_items([path])  # as exported: read
    for modality in ("visible", "infrared"):
        sorted((folder / modality).iterdir())[0].unlink()  # the first frame pair removed
    with pytest.raises(DistillationDataError, match=r"changed since the export: 7 frames of 96x80 now, 8 of 96x80"):
        load_items([path])


@pytest.mark.parametrize("colour", [False, True], ids=["thermal-only", "visible-only"])
def test_a_referenced_file_of_a_single_stream_sequence_reads_like_an_embedded_one(tmp_path, colour):
    """A referenced export (export-distill's default) of a thermal-only or visible-only folder
    recorded no source for the missing stream, and distill --data refused it: 'references frames
    at '' / '<folder>' that are not found'."""
    recut, stored = referenced_and_embedded_items(tmp_path, (20, 20, 24, 20), colour=colour)
    assert len(recut) == len(stored) == 5
    for a, b in zip(recut, stored, strict=True):
        assert a.frame == b.frame
        np.testing.assert_array_equal(a.x_v, b.x_v)
        np.testing.assert_array_equal(a.x_t, b.x_t)
