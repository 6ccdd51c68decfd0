"""A distillation file whose structure is damaged (a local heap or a symbol-table node of a
group: bad sectors, a bad copy) is one line naming the file: h5py's RuntimeError came out as a
traceback ('Unable to synchronously check link existence (bad datablock address)'), and its
OSError of a damaged attribute as an error line naming no file."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.distillation.dataset import load_items
from core.distillation.finetune_checks import crop_sides
from core.errors import DistillationDataError

from .test_hdf5_schema import _write


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> bytes:
    return _write(tmp_path_factory.mktemp("whole") / "d.h5", embedded=True).read_bytes()


def _damaged_copies(data: bytes, signature: bytes) -> list[bytes]:
    """Copies of ``data`` with the 8 bytes after each ``signature`` block's first 8 (a local
    heap's data size, a symbol-table node's first entry) set to 0xFF, the first block (the
    root group's) left whole."""
    starts = [i for i in range(len(data)) if data.startswith(signature, i)][1:]
    copies = []
    for start in starts:
        damaged = bytearray(data)
        damaged[start + 8:start + 16] = b"\xff" * 8
        copies.append(bytes(damaged))
    return copies


@pytest.mark.parametrize("signature", [b"HEAP", b"SNOD"])
def test_a_damaged_group_structure_is_one_line_naming_the_file(whole, tmp_path, signature):
    copies = _damaged_copies(whole, signature)
    assert copies
    for n, damaged in enumerate(copies):
        path = tmp_path / f"d{n}.h5"
        path.write_bytes(damaged)
        with pytest.raises(DistillationDataError) as error:
            crop_sides([path])
            load_items([path], holdout_fraction=0.0)
        assert Path(error.value.path) == path and str(error.value).startswith(f"{path}: ")
