"""Distillation files of an older writer within schema version 1 still fine-tune: a file
written before 2026-11-24 has no crop factors in its header (refused as 'missing root
attributes ['template_factor', 'search_factor']'), nor labels/tracker, and its
provenance_codes are a Python dict text. Made here by taking those out of a file of today's
writer, which is what the older writer left out."""
from __future__ import annotations

import h5py
import numpy as np
import pytest

from core.distillation.dataset import load_items
from core.distillation.reader import DistillationFile
from core.models.checkpoint import save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from tests.core.distillation.embedded_files import embedded_distillation_file


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("older")
    today, _teacher = embedded_distillation_file(tmp / "today.h5", 16)
    older = tmp / "older.h5"
    older.write_bytes(today.read_bytes())
    with h5py.File(older, "r+") as handle:
        del handle.attrs["template_factor"], handle.attrs["search_factor"]
        for group in handle["sequences"].values():
            del group["labels"]["tracker"]
            group["labels"].attrs["provenance_codes"] = "{'': 0, 'manual': 1, 'interpolated': 2, 'student': 3, " \
                                                       "'teacher': 4, 'imported': 5}"
    init = save_checkpoint(tmp / "student.pt", build_model("student", student_config(
        "bundled", pretrained_stem=False, depth=1)))
    return today, older, init


def test_a_file_without_crop_factors_opens_with_the_factors_it_was_cut_at(files):
    today, older, _ = files
    with DistillationFile(older) as opened:
        assert opened.header["template_factor"] == 2.0 and opened.header["search_factor"] == 4.0
    with DistillationFile(today) as opened:  # a file that has them keeps its own
        assert opened.header["template_factor"] == 2.0 and opened.header["search_factor"] == 4.0
    a, b = load_items([today]), load_items([older])
    assert len(a) == len(b) > 0
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.x_v, y.x_v)
        np.testing.assert_array_equal(x.heatmap, y.heatmap)


def test_distill_data_fine_tunes_on_an_older_file(files, tmp_path, capsys):
    from main import main

    _, older, init = files
    out = tmp_path / "ft.pt"
    code = main(["distill", "--data", str(older), "--init", str(init), "--out", str(out), "--steps", "2",
                 "--batch-size", "2", "--threads", "1"])
    assert code == 0, capsys.readouterr().err
    assert out.is_file()
