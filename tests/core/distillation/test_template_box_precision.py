"""A referenced distillation file recuts each template from the stored template box. That box
was stored as float32: a box such as 20.44, 20.37, 17.12, 11.59 (x, y, w, h; cx - side/2 =
14.5 in float64, just above it in float32) rounds the crop's corner to another pixel, so the
recut template was one pixel off the one the teacher's maps were made on (29 of the 149
samples of a 150-frame antiuav-7 export; up to 23 grey levels). It is stored as float64."""
from __future__ import annotations

import numpy as np

from core.tracking.crop import crop_side
from tests.core.distillation.embedded_files import referenced_and_embedded_items

BOX = (20.44, 20.37, 17.12, 11.59)


def _corner(box) -> tuple[float, int, int]:
    side = crop_side(box, 2.0)
    return side, round(box[0] + box[2] / 2 - side / 2), round(box[1] + box[3] / 2 - side / 2)


def test_the_box_is_one_whose_float32_rounding_moves_the_template():
    assert _corner(np.array(BOX)) != _corner(np.array(BOX, dtype=np.float32).astype(np.float64))


def test_a_referenced_file_recuts_the_templates_the_teacher_saw(tmp_path):
    recut, stored = referenced_and_embedded_items(tmp_path, BOX,
                                                  provenance=lambda f: "manual" if f == 0 else "interpolated")
    assert len(recut) == len(stored) == 5
    for a, b in zip(recut, stored, strict=True):
        np.testing.assert_array_equal(a.z_v, b.z_v)
        np.testing.assert_array_equal(a.z_t, b.z_t)
        np.testing.assert_array_equal(a.x_t, b.x_t)
