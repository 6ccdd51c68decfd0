"""A referenced distillation file recuts each template from the stored template box. That box
was stored as float32: a box such as 20.44, 20.37, 17.12, 11.59 (x, y, w, h; cx - side/2 =
14.5 in float64, just above it in float32) rounds the crop's corner to another pixel, so the
recut template was one pixel off the one the teacher's maps were made on (29 of the 149
samples of a 150-frame antiuav-7 export; up to 23 grey levels). It is stored as float64."""
from __future__ import annotations

import cv2
import numpy as np
import torch

from core.annotations.records import FrameAnnotation
from core.distillation.dataset import load_items
from core.distillation.export import TeacherRunner, export_distillation
from core.models.config import student_config
from core.models.registry import build_model
from core.progress import run_to_end
from core.sequences import open_sequence
from core.tracking.crop import crop_side
from core.tracking.engines import TorchEngine

BOX = (20.44, 20.37, 17.12, 11.59)


def _corner(box) -> tuple[float, int, int]:
    side = crop_side(box, 2.0)
    return side, round(box[0] + box[2] / 2 - side / 2), round(box[1] + box[3] / 2 - side / 2)


def test_the_box_is_one_whose_float32_rounding_moves_the_template():
    assert _corner(np.array(BOX)) != _corner(np.array(BOX, dtype=np.float32).astype(np.float64))


def test_a_referenced_file_recuts_the_templates_the_teacher_saw(tmp_path):
    torch.manual_seed(0)
    folder = tmp_path / "seq"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(6):
        assert cv2.imwrite(str(folder / f"{i + 1:08d}.png"), rng.integers(0, 255, (80, 96), dtype=np.uint8))
    (folder / "groundtruth.txt").write_text("".join(f"{BOX[0] + i},{BOX[1]},{BOX[2]},{BOX[3]}\n" for i in range(6)))
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    sequence = open_sequence(folder)
    try:
        records = {f: FrameAnnotation(f, r.box, keyframe=f == 0, provenance="manual" if f == 0 else "interpolated")
                   for f, r in sequence.ground_truth().items()}
        referenced = run_to_end(export_distillation(sequence, records, tmp_path / "r.h5", runner))
        embedded = run_to_end(export_distillation(sequence, records, tmp_path / "e.h5", runner,
                                                  frames_mode="embedded"))
    finally:
        sequence.close()
    recut, stored = load_items([referenced]), load_items([embedded])
    assert len(recut) == len(stored) == 5
    for a, b in zip(recut, stored, strict=True):
        np.testing.assert_array_equal(a.z_v, b.z_v)
        np.testing.assert_array_equal(a.z_t, b.z_t)
        np.testing.assert_array_equal(a.x_t, b.x_t)
