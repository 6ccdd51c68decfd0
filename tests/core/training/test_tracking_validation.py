import numpy as np
import pytest

from core.synthetic import evaluation_sequences
from core.training.tracking_validation import sequence_ious, tracking_validation


def test_tracking_validation_scores_present_frames_and_restores_the_mode(tiny_student):
    tiny_student.train()
    sequence = evaluation_sequences(frames=6, per_family=1)[0]
    ious = sequence_ious(tiny_student, sequence)
    assert ious.shape == (int((~sequence.absent[1:]).sum()),)
    assert np.all((ious >= 0) & (ious <= 1))
    numbers = tracking_validation(tiny_student, sequences=1, frames=6)
    assert set(numbers) == {"track_iou", "track_sr50"}
    assert numbers["track_iou"] == pytest.approx(float(ious.mean()))
    assert tiny_student.training


def test_tracking_validation_rejects_empty_settings(tiny_student):
    with pytest.raises(ValueError, match="sequence"):
        tracking_validation(tiny_student, sequences=0)


def test_train_job_logs_tracker_validation_and_keeps_an_old_csv_header(tmp_path, tiny_student_config):
    import csv
    import dataclasses

    from core.progress import run_to_end
    from core.training.config import with_overrides
    from core.training.trainer import train_job

    validation = dataclasses.replace(tiny_student_config.validation, track_sequences=1, track_frames=4)
    config = with_overrides(tiny_student_config, steps=1, validation=validation)
    result = run_to_end(train_job(config, tmp_path / "run"))
    rows = list(csv.DictReader(open(tmp_path / "run" / "metrics.csv", encoding="utf-8")))
    assert 0.0 <= float(rows[-1]["track_iou"]) <= 1.0 and "track_sr50" in result.validation
    old = tmp_path / "old"
    old.mkdir()
    (old / "metrics.csv").write_text("step,loss\n1,2.0\n", encoding="utf-8")
    run_to_end(train_job(config, old))
    lines = (old / "metrics.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "step,loss" and all(len(line.split(",")) == 2 for line in lines)


def test_negative_tracking_validation_setting_is_a_config_error():
    from core.errors import ConfigError
    from core.training.config import ValidationConfig

    with pytest.raises(ConfigError, match="track_sequences"):
        ValidationConfig(track_sequences=-1)
