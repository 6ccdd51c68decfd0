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
