"""``distill --teacher`` given a student checkpoint (``student_bundled.pt`` for ``teacher_bundled.pt``)
distilled the student into a student with status 0 and no word; it is one line before any work, and
an earlier run in the run folder is left as it was (also with --force)."""
from __future__ import annotations

from pathlib import Path

from core.cli import main

CONFIGS = Path(__file__).resolve().parent / "configs"


def test_a_student_checkpoint_as_the_teacher_is_one_line_before_any_work(tmp_path, capsys):
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(0)
    student = save_checkpoint(tmp_path / "student.pt",
                              build_model("student", student_config("bundled", pretrained_stem=False, depth=1)))
    out = tmp_path / "run"
    out.mkdir()
    (out / "metrics.csv").write_text("step,loss\n1,2.0\n")  # an earlier run's rows: kept
    code = main(["distill", "--teacher", str(student), "--config", str(CONFIGS / "tiny_student.json"), "--out",
                 str(out), "--steps", "1", "--force"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"error: {student}: holds a student model, not a teacher: --teacher takes the teacher "
                               "checkpoint"), lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["metrics.csv"]
    assert (out / "metrics.csv").read_text() == "step,loss\n1,2.0\n"
