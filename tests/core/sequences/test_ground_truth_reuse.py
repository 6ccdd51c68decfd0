"""The ground truth of a long sequence, asked again (each import, each track or eval of it): the
aligned records are the loaded ones where nothing changes (same frame, same thermal box), not a
copy of each (0.25 s a call on 40,000 frames). Counted, never timed."""
from __future__ import annotations

import numpy as np

from core.annotations.records import FrameAnnotation
from core.sequences.groundtruth import align_ground_truth


def _records(n: int) -> dict[int, FrameAnnotation]:
    records = {f: FrameAnnotation(f, [10 + f, 20, 30, 40], provenance="imported") for f in range(n)}
    records[3] = FrameAnnotation(3, None, absent=True, provenance="imported")
    records[5] = FrameAnnotation(5, [15, 20, 30, 40], thermal_box=[16, 21, 30, 40], provenance="imported")
    return records


def test_unchanged_records_are_kept_not_copied():
    records = _records(10)
    aligned = align_ground_truth(records, visible_start=0, offset=0, length=10)
    assert all(aligned[f] is records[f] for f in range(10))


def test_shifted_or_scaled_records_are_new_and_right():
    records = _records(10)
    shifted = align_ground_truth(records, visible_start=2, offset=0, length=8)
    assert shifted[0].frame == 0 and shifted[0] is not records[2]
    np.testing.assert_array_equal(shifted[0].box, records[2].box)
    assert shifted[1].absent and sorted(shifted) == list(range(8))
    scaled = align_ground_truth(records, visible_start=0, offset=0, length=10, thermal_scale=(2.0, 1.0))
    np.testing.assert_array_equal(scaled[5].thermal_box, [32, 21, 60, 40])
    assert scaled[4] is records[4]  # no thermal box of its own: nothing to scale
