"""A distillation file whose sample values cannot be a crop (written by another program, or damaged)
is one line naming the file, the sequence and the dataset, when it is opened. A NaN in
``samples/search_geometry`` reached ``int(nan)`` inside ``load_items`` and ``distill --data`` ended
in a traceback ('ValueError: cannot convert float NaN to integer'); an output size other than the
search crop's, or a scale of 0, made targets in other units or a division by zero; NaN teacher maps
made the fine-tune 'diverge' and advise a lower learning rate."""
from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from core.cli import main
from core.distillation.reader import DistillationFile
from core.errors import DistillationDataError
from core.models.checkpoint import save_checkpoint
from tests.core.cli_lines import one_error_line
from tests.core.distillation.embedded_files import embedded_distillation_file


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("values")
    path, teacher = embedded_distillation_file(tmp / "d.h5", 6)
    return path, save_checkpoint(tmp / "student.pt", teacher)


def _set(source, target, dataset, row, value):
    shutil.copy(source, target)
    with h5py.File(target, "r+") as handle:
        group = next(iter(handle["sequences"].values()))
        data = group["samples"][dataset]
        current = data[row]
        current[...] = value if np.ndim(value) else np.full_like(current, value)
        data[row] = current
    return target


@pytest.mark.parametrize("dataset,value,said", [
    ("search_geometry", [np.nan, 0, 0.5, 128], "samples/search_geometry row 1 is not finite"),
    ("search_geometry", [0, 0, 0.0, 128], "samples/search_geometry row 1 has scale 0.0, expected > 0"),
    ("search_geometry", [0, 0, 0.5, 96], "samples/search_geometry row 1 has output size 96.0, expected the search "
                                        "crop's 128"),
    ("template_box", [np.nan, 0, 10, 10], "samples/template_box row 1 is not a box (x, y, w, h finite, w and h > 0)"),
    ("score_map", np.nan, "samples/score_map holds NaN or infinite values (row 1)"),
])
def test_sample_values_that_cannot_be_a_crop_are_one_line(made, tmp_path, capsys, dataset, value, said):
    source, student = made
    path = _set(source, tmp_path / "bad.h5", dataset, 1, value)
    with pytest.raises(DistillationDataError) as caught:
        DistillationFile(path)
    assert caught.value.problem == f"sequence 'synthetic-5': {said}", caught.value.problem
    code = main(["distill", "--data", str(path), "--init", str(student), "--out", str(tmp_path / "o.pt"),
                 "--steps", "1", "--batch-size", "2", "--threads", "1"])
    assert code == 2 and not (tmp_path / "o.pt").exists()
    assert one_error_line(capsys.readouterr().err.replace("fine-tune: 0/1 loading distillation data\n", "")) == \
        f"error: {path}: sequence 'synthetic-5': {said}"


def test_the_file_as_written_opens(made):
    with DistillationFile(made[0]) as data:
        assert data.num_samples("synthetic-5") > 1


def _damage_chunk(source, target, dataset):
    """Copy ``source`` with the first compressed chunk of ``dataset`` (first sequence) overwritten."""
    shutil.copy(source, target)
    with h5py.File(target, "r") as handle:
        info = next(iter(handle["sequences"].values()))["samples"][dataset].id.get_chunk_info(0)
    with open(target, "r+b") as raw:
        raw.seek(info.byte_offset + 8)
        raw.write(bytes(b ^ 0x5A for b in range(min(200, info.size - 8))))
    return target


@pytest.mark.parametrize("dataset", ["score_map", "search_visible"])
def test_a_damaged_chunk_is_one_line_naming_the_file(made, tmp_path, capsys, dataset):
    """A damaged compressed chunk (bad sectors, a bad copy) was 'error: Can't synchronously read data
    (filter returned failure during read)', naming no file."""
    source, student = made
    path = _damage_chunk(source, tmp_path / "damaged.h5", dataset)
    code = main(["distill", "--data", str(path), "--init", str(student), "--out", str(tmp_path / "o.pt"),
                 "--steps", "1", "--batch-size", "2", "--threads", "1"])
    assert code == 2 and not (tmp_path / "o.pt").exists()
    line = one_error_line(capsys.readouterr().err.replace("fine-tune: 0/1 loading distillation data\n", ""))
    assert line.startswith(f"error: {path}: sequence 'synthetic-5': samples/{dataset} ") and \
        line.endswith("cannot be read: the file is damaged (filter returned failure during read)"), line


def test_a_file_cut_short_says_so_in_its_own_words(made, tmp_path):
    """It was 'not a readable HDF5 file (Unable to synchronously open file (truncated file: eof = 350710,
    sblock->base_addr = 0, stored_eof = 701420))', HDF5's internals."""
    source, _ = made
    data = source.read_bytes()
    path = tmp_path / "cut.h5"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DistillationDataError) as caught:
        DistillationFile(path)
    assert caught.value.problem == (f"is cut short: {len(data) // 2} of its {len(data)} bytes (a copy or download "
                                    "that stopped, or a full disk); export it again"), caught.value.problem
