"""``pseudo-labels`` option values that cannot work are one line naming the option, before any
frame is read: a negative --seed ended in numpy's traceback, and a --min-frames longer than a
tracklet tracked every tracklet and wrote a file of none with status 0."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.mark.parametrize("options, line", [
    (["--seed", "-1"], "error: --seed must be at least 0, got -1"),
    (["--tracklets", "0"], "error: --tracklets must be at least 1, got 0"),
    (["--min-frames", "1"], "error: --min-frames must be at least 2, got 1"),
    (["--min-iou", "1.5"], "error: --min-iou must lie in (0, 1], got 1.5"),
    (["--length", "3"], "error: --min-frames 6 is more than the 4 frames a tracklet of --length 3 labels (its start "
                        "frame and 3 tracked): no tracklet could be kept; give --length 5 or more, or a smaller "
                        "--min-frames"),
], ids=["seed", "tracklets", "min-frames", "min-iou", "length"])
def test_an_option_value_that_cannot_work_is_one_line(options, line, tmp_path, capsys):
    out = tmp_path / "labels.json"
    code = main(["pseudo-labels", str(out), "--data-root", str(tmp_path / "data"), "--cache-dir",
                 str(tmp_path / "cache"), *options])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines() == [line], err
    assert not out.exists() and not (tmp_path / "cache").exists()


def test_a_teacher_that_is_missing_or_a_student_is_said_before_the_data_is_read(tmp_path, capsys):
    """``--teacher typo.pt`` said '(train it ..., give --weights, or use --random-weights for a demo)', options
    this command does not have, and only after the pairs were read; a student checkpoint was named by the
    .onnx beside it."""
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    base = ["pseudo-labels", str(tmp_path / "labels.json"), "--data-root", str(tmp_path / "data"), "--cache-dir",
            str(tmp_path / "cache")]
    missing = tmp_path / "typo.pt"
    assert main(base + ["--teacher", str(missing)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {missing}: --teacher: checkpoint not found"]
    torch.manual_seed(0)
    student = save_checkpoint(tmp_path / "student.pt", random_model("student"))
    assert main(base + ["--teacher", str(student)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {student}: --teacher holds a student model, not a teacher"]
    assert not (tmp_path / "labels.json").exists() and not (tmp_path / "cache").exists()
