"""Fine-tuning the student from distillation files: it learns the labels on held-out frames."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from core.annotations.records import FrameAnnotation
from core.distillation.dataset import load_items
from core.distillation.export import TeacherRunner, export_distillation
from core.distillation.finetune import FinetuneConfig, finetune_student, score_held_out
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.tracking.engines import TorchEngine


@pytest.fixture(scope="module")
def distillation_file(tmp_path_factory):
    torch.manual_seed(0)
    tmp = tmp_path_factory.mktemp("ft")
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))  # a stand-in teacher
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=24), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(24) if not sequence.absent[i]}
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    path = run_to_end(export_distillation(sequence, records, tmp / "d.h5", runner, frames_mode="embedded"))
    student = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    init = save_checkpoint(tmp / "student.pt", student)
    return path, init, tmp


def test_items_hold_out_the_end_of_each_sequence(distillation_file):
    path, _, _ = distillation_file
    items = load_items([path], holdout_fraction=0.25)
    held = [i.frame for i in items if i.held_out]
    train = [i.frame for i in items if not i.held_out]
    assert held and train and min(held) > max(train)
    first = items[0]
    assert first.x_v.shape == (3, 128, 128) and first.heatmap.shape == (1, 16, 16)
    assert np.all((first.target[:2] > 0.3) & (first.target[:2] < 0.7))  # the label sits near the crop centre


def test_finetune_trains_and_keeps_old_weights(distillation_file):
    path, init, tmp = distillation_file
    before_bytes = init.read_bytes()
    # labels only: a random stand-in teacher's soft targets would be noise
    config = FinetuneConfig(steps=20, batch_size=8, lr=2e-3, freeze_stem=False, threads=1, score=0, box_l1=0, box_giou=0)
    result = run_to_end(finetune_student(init, [path], tmp / "student-ft.pt", config))
    assert init.read_bytes() == before_bytes
    assert result.after.items == result.before.items > 0
    assert np.mean(result.losses[-5:]) < np.mean(result.losses[:5])
    model, extra = load_checkpoint(result.checkpoint)
    old = load_checkpoint(init)[0].state_dict()
    changed = [k for k, v in model.state_dict().items() if v.dtype.is_floating_point and not torch.equal(v, old[k])]
    assert any(".blocks." in k for k in changed) and any("head" in k for k in changed)
    assert extra["held_out_after"]["mean_iou"] == pytest.approx(result.after.mean_iou)
    rescored = score_held_out(model, [i for i in load_items([path]) if i.held_out])
    assert rescored.mean_iou == pytest.approx(result.after.mean_iou, abs=1e-5)


def test_distillation_terms_switch(distillation_file):
    from core.distillation.finetune import _batch, stored_teacher_loss
    from core.training.config import LossConfig

    path, init, _ = distillation_file
    model = load_checkpoint(init)[0]
    batch = _batch(load_items([path])[:4])
    outputs = model(batch["z_v"], batch["z_t"], batch["x_v"], batch["x_t"])
    full, stats = stored_teacher_loss(outputs, batch, FinetuneConfig(), LossConfig())
    task_only, _ = stored_teacher_loss(outputs, batch, FinetuneConfig(score=0, box_l1=0, box_giou=0), LossConfig())
    assert {"kd_score", "kd_box_l1", "kd_box_giou", "focal"} <= set(stats)
    assert float(full) > float(task_only) > 0


def test_referenced_file_without_sources_is_a_clear_error(tmp_path, distillation_file):
    from core.distillation.export import TeacherRunner as Runner
    from core.errors import DistillationDataError

    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=6), seed=1)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(6) if not sequence.absent[i]}
    path = run_to_end(export_distillation(sequence, records, tmp_path / "r.h5", Runner(TorchEngine(teacher, "cpu"), teacher.config)))
    with pytest.raises(DistillationDataError, match="embed"):
        load_items([path])


def test_distill_data_command(distillation_file, capsys):
    from main import main

    path, init, tmp = distillation_file
    out = tmp / "cli-ft.pt"
    code = main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "2",
                 "--batch-size", "4", "--threads", "1"])
    assert code == 0 and out.is_file()
    assert "held-out items" in capsys.readouterr().out
    assert main(["distill", "--data", str(path), "--init", str(init), "--out", str(init)]) == 2
