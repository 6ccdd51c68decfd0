"""Annotation files without frames: every format reads back, the user's data is never written over."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.annotations.formats.annotation_export import ANNOTATION_FORMATS, export_annotation_files
from core.annotations.formats.convert import read_source
from core.annotations.formats.export import EXPORT_MARKER
from core.annotations.formats.text import read_boxes
from core.annotations.records import FrameAnnotation
from core.errors import ExportError
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence, _records


class SourcedSequence(TinySequence):
    """TinySequence whose frames come from ``folder``."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    @property
    def info(self):
        return dataclasses.replace(super().info, visible_source=self.folder / "visible",
                                   thermal_source=self.folder / "infrared")


@pytest.mark.parametrize("target", ["lasher", "gtot"])
def test_rgbt_formats_read_back_both_modalities(tmp_path, target):
    out = tmp_path / "out"
    result = run_to_end(export_annotation_files(TinySequence(), _records(), out, target=target))
    assert result.path == out and result.frames == 6
    assert (out / EXPORT_MARKER).is_file()
    assert not any(p.suffix == ".jpg" for p in out.rglob("*"))  # files only, no frames
    records, count = read_source(out)
    assert count == 6
    # both formats hold whole pixels: the 12.5 px high box is rounded edge by edge, and the export says so
    np.testing.assert_allclose(records[4].box, [6, 5, 10, 13])
    np.testing.assert_allclose(records[1].thermal_box, [3, 5, 10, 10])
    assert any(w.startswith("1 box not on whole pixels") for w in result.warnings)
    assert records[2].absent and records[3].absent  # unlabelled frames are written absent
    assert any("no annotation" in w for w in result.warnings)


def test_lasher_rows_end_with_crlf_and_warn_about_the_origin(tmp_path):
    records = {0: FrameAnnotation(0, [0, 5, 10, 10])}
    result = run_to_end(export_annotation_files(TinySequence(1), records, tmp_path / "l", target="lasher"))
    assert (tmp_path / "l" / "visible.txt").read_bytes() == b"0,5,10,10\r\n"
    assert any("x = 0" in w for w in result.warnings)
    result = run_to_end(export_annotation_files(TinySequence(1), records, tmp_path / "g", target="gtot"))
    assert not any("x = 0" in w for w in result.warnings)  # only the LasHeR scorer reads such rows as absent


def test_vot_polygons_and_plain_text(tmp_path):
    run_to_end(export_annotation_files(TinySequence(), _records(), tmp_path / "v", target="vot"))
    polygons = read_boxes(tmp_path / "v" / "groundtruth.txt")
    np.testing.assert_allclose(polygons[4], [6, 5, 10, 12.5])  # 8-value rows read back as their bounding box
    run_to_end(export_annotation_files(TinySequence(), _records(), tmp_path / "p", target="xywh"))
    names = sorted(p.name for p in (tmp_path / "p").iterdir() if p.name != EXPORT_MARKER)
    assert names == ["tiny`seq-thermal.txt", "tiny`seq.txt"]
    np.testing.assert_allclose(read_boxes(tmp_path / "p" / "tiny`seq.txt")[1], [2, 5, 10, 10])
    np.testing.assert_allclose(read_boxes(tmp_path / "p" / "tiny`seq-thermal.txt")[1], [3, 5, 10, 10])


def test_never_writes_over_the_sequence_or_a_foreign_folder(tmp_path):
    seq_folder = tmp_path / "seq"
    (seq_folder / "visible").mkdir(parents=True)
    (seq_folder / "infrared").mkdir()
    own_truth = seq_folder / "visible.txt"
    own_truth.write_bytes(b"1,2,3,4\r\n")
    sequence = SourcedSequence(seq_folder)
    with pytest.raises(ExportError, match="own frames"):
        run_to_end(export_annotation_files(sequence, _records(), seq_folder, target="lasher"))
    assert own_truth.read_bytes() == b"1,2,3,4\r\n"
    foreign = tmp_path / "dataset"
    foreign.mkdir()
    (foreign / "groundTruth_v.txt").write_text("1 2 3 4\n")
    with pytest.raises(ExportError, match="not an earlier export"):
        run_to_end(export_annotation_files(sequence, _records(), foreign, target="gtot"))
    assert (foreign / "groundTruth_v.txt").read_text() == "1 2 3 4\n"
    assert sorted(p.name for p in foreign.iterdir()) == ["groundTruth_v.txt"]


def test_an_earlier_export_is_replaced_whole_and_a_cancel_keeps_it(tmp_path):
    out = tmp_path / "out"
    run_to_end(export_annotation_files(TinySequence(), _records(), out, target="xywh"))
    run_to_end(export_annotation_files(TinySequence(), _records(), out, target="gtot"))
    assert not (out / "tiny`seq.txt").exists() and (out / "groundTruth_v.txt").is_file()
    job = export_annotation_files(TinySequence(), {}, out, target="lasher")
    next(job)
    next(job)
    job.close()  # cancelled after the first file
    assert (out / "groundTruth_v.txt").is_file() and not (out / "visible.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left behind


def test_every_format_is_listed_and_an_unknown_one_is_refused(tmp_path):
    assert set(ANNOTATION_FORMATS) == {"lasher", "gtot", "vot", "xywh"}
    with pytest.raises(ValueError, match="unknown annotation format"):
        run_to_end(export_annotation_files(TinySequence(), {}, tmp_path / "x", target="got10k"))


def test_a_frame_that_cannot_be_written_is_named_in_the_export_folder_not_the_hidden_one(tmp_path, monkeypatch):
    """A full disk mid-export named '<parent>/.out.<pid>.<random>/infrared/i000002.jpg', a folder
    the user never sees; the message names the file's place in the export, and nothing changed."""
    import errno
    import os
    import pathlib

    from core.annotations.formats.export import export_rgbt_native

    calls = []
    write_bytes = pathlib.Path.write_bytes

    def full_after_three(path, data):  # the frames are encoded by OpenCV and written by Python
        calls.append(path)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write_bytes(path, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_after_three)
    out = tmp_path / "out"
    with pytest.raises(ExportError) as caught:
        run_to_end(export_rgbt_native(TinySequence(), _records(), out))
    assert caught.value.path == out / "infrared" / "i000002.jpg"
    assert "could not write the image" in str(caught.value) and "nothing was changed" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no hidden folder, no export


def test_vot_files_say_the_thermal_boxes_are_not_written(tmp_path):
    """The VOT annotation files hold one box per frame: a sequence whose thermal boxes differ from
    the visible ones lost them without a warning (the plain-text variant writes <name>-thermal.txt)."""
    result = run_to_end(export_annotation_files(TinySequence(), _records(), tmp_path / "v", target="vot"))
    dropped = [w for w in result.warnings if "thermal box differs" in w]
    assert dropped == ["the thermal box differs from the visible one on 1 frame (2); vot holds one box per frame: "
                       "only the visible boxes are written (the LasHeR, GTOT or plain-text files keep both)"]
    for target in ("lasher", "gtot", "xywh"):
        kept = run_to_end(export_annotation_files(TinySequence(), _records(), tmp_path / target, target=target))
        assert not any("thermal box differs" in w for w in kept.warnings)
