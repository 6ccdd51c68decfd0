"""A damaged ``bench accuracy --cache`` entry (cut short by a copy, a flipped bit) ended the bench in a
``zipfile.BadZipFile`` traceback ('File is not a zip file', 'Bad CRC-32 for file boxes.npy'), though the
cache promises that a corrupt entry is ignored and overwritten, never trusted."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.result_cache import ResultCache


def _damage(path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "cut":
        data = data[:len(data) // 2]
    else:
        data[60] ^= 0xFF  # inside the first array's bytes: its CRC-32 no longer matches
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["cut", "flip"])
def test_a_damaged_entry_is_a_miss_and_is_overwritten(tmp_path, how):
    cache = ResultCache(tmp_path)
    boxes = np.arange(20, dtype=np.float64).reshape(5, 4)
    _damage(cache.put("k", boxes, 1.5, 4), how)
    _damage(cache.put_arrays("a", boxes=boxes), how)
    assert cache.get("k") is None
    assert cache.get_arrays("a", ["boxes"]) is None
    cache.put("k", boxes, 1.5, 4)
    got = cache.get("k")
    assert got is not None and np.array_equal(got[0], boxes)
