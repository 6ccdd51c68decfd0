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


def test_a_teacher_config_for_distillation_is_one_line_before_any_work(tmp_path, capsys):
    """``distill --teacher teacher.pt --config configs/teacher_bundled.json`` distilled the teacher into a
    second teacher (status 0), where the student's config was meant."""
    from core.models.checkpoint import save_checkpoint
    from core.training.config import load_train_config
    from core.training.model_setup import build_training_model

    config = CONFIGS / "tiny_teacher.json"
    teacher = save_checkpoint(tmp_path / "teacher.pt", build_training_model(load_train_config(config).model))
    out = tmp_path / "run"
    code = main(["distill", "--teacher", str(teacher), "--config", str(config), "--out", str(out), "--steps", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines() == [
        f"error: {config}: trains a teacher (model.factory); distill trains the student from the teacher: give a "
        "student's config (e.g. configs/student_kd_bundled.json)"], err
    assert not out.exists()


def _earlier_run(out: Path) -> dict[str, bytes]:
    out.mkdir()
    files = {"checkpoint.pt": b"c", "training_state.pt": b"s", "metrics.csv": b"step,loss\n1,2.0\n"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def test_a_teacher_of_other_crops_is_one_line_and_an_earlier_run_is_kept_with_force(tmp_path, capsys):
    """A teacher whose crops differ from the student's was refused by the actor only after
    ``--force`` had removed the earlier run's training state and metrics."""
    from core.models.checkpoint import save_checkpoint
    from core.models.config import teacher_config
    from core.models.registry import build_model

    teacher = save_checkpoint(tmp_path / "teacher.pt", build_model("teacher", teacher_config(
        "bundled", stem="patch", pretrained_stem=False, template_size=48, search_size=96, dim=32, depth=1,
        num_heads=2, head_widths=(16, 8))))
    out = tmp_path / "run"
    files = _earlier_run(out)
    code = main(["distill", "--teacher", str(teacher), "--config", str(CONFIGS / "tiny_student.json"), "--out",
                 str(out), "--steps", "1", "--force"])
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines() == [
        f"error: {teacher}: distillation needs the same crop geometry: teacher template_size=48, student "
        "template_size=32"], err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files


def test_a_teacher_of_another_stride_is_one_line_not_a_traceback_at_the_first_step(tmp_path, capsys):
    """Same crops, score maps of another side (an imported MPLT at stride 16 for a stride-8 student):
    a traceback ('The size of tensor a (4) must match ...') after the run folder got its config.json."""
    from core.models.checkpoint import save_checkpoint
    from core.models.config import teacher_config
    from core.models.registry import build_model

    teacher = save_checkpoint(tmp_path / "teacher.pt", build_model("teacher", teacher_config(
        "bundled", stem="patch", pretrained_stem=False, template_size=32, search_size=64, patch_size=16, dim=32,
        depth=1, num_heads=2, head_widths=(16, 8))))
    out = tmp_path / "run"
    code = main(["distill", "--teacher", str(teacher), "--config", str(CONFIGS / "tiny_student.json"), "--out",
                 str(out), "--steps", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: {teacher}: distillation compares the score maps cell by cell, and they differ: "
                          "the teacher's is 4x4 (search 64 / stride 16), the student's 8x8 (stride 8)"), err
    assert not out.exists()
