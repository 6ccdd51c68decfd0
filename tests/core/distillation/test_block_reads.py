"""Samples are read in blocks of the writer's chunk: read a row at a time, each compressed chunk
was decompressed for every row it holds (load_items of a 750-sample antiuav-7 export took 13 s,
most of it in h5py's reads; 16 rows a read, the same samples)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.distillation import schema
from core.distillation.reader import BLOCK_ROWS, DistillationFile

from .test_hdf5_schema import _write

SAMPLES = 37


@pytest.mark.parametrize("embedded", [False, True])
def test_iter_samples_reads_a_block_of_rows_at_a_time(tmp_path, monkeypatch, embedded):
    path = _write(tmp_path / "d.h5", embedded=embedded, samples=SAMPLES)
    reads = []
    real_read = DistillationFile._read

    def counted(self, group, key, where, index=Ellipsis):
        reads.append((key, index))
        return real_read(self, group, key, where, index)

    with DistillationFile(path) as data:
        (name,) = data.sequence_names()
        one_by_one = [data.sample(name, row) for row in range(SAMPLES)]
        monkeypatch.setattr(DistillationFile, "_read", counted)
        blocks = list(data.iter_samples(name))
    datasets = len(schema.SAMPLE_DATASETS) + (len(schema.EMBEDDED_DATASETS) if embedded else 0)
    assert len(reads) == datasets * math.ceil(SAMPLES / BLOCK_ROWS)  # a row at a time: datasets x 37
    assert len(blocks) == SAMPLES
    for a, b in zip(blocks, one_by_one, strict=True):
        for field in ("frame", "template_frame", "template_box", "search_geometry", "score_map", "size_map",
                      "offset_map", "template_visible", "template_thermal", "search_visible", "search_thermal"):
            x, y = getattr(a, field), getattr(b, field)
            assert (x is None) == (y is None) and (x is None or (np.array_equal(x, y) and
                                                                 np.asarray(x).dtype == np.asarray(y).dtype)), field
