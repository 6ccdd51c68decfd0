"""``validation.every`` that is not a multiple of ``log_every`` validated only at their common
multiples (every 25 steps with a row every 10: steps 50, 100, ...), without a word. A validation
step now logs its row."""
from __future__ import annotations

import csv
import dataclasses

from core.progress import run_to_end
from core.training.config import with_overrides
from core.training.trainer import train_job


def test_validation_runs_at_its_own_stride(tmp_path, tiny_student_config):
    config = with_overrides(tiny_student_config, steps=7, log_every=2, checkpoint_every=7)
    config = dataclasses.replace(config, validation=dataclasses.replace(config.validation, every=3))
    run_to_end(train_job(config, tmp_path / "run", device="cpu"))
    rows = list(csv.DictReader(open(tmp_path / "run" / "metrics.csv")))
    validated = [int(row["step"]) for row in rows if row["val_iou"]]
    assert validated == [3, 6, 7], [(row["step"], row["val_iou"]) for row in rows]
    assert [int(row["step"]) for row in rows] == [2, 3, 4, 6, 7]
