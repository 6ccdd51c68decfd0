"""A small embedded distillation file, as the closed-loop tests fine-tune from: the first
``frames`` frames of a 160x128 synthetic sequence labelled by its truth (a keyframe on frame 0),
with a random one-block student standing in for the teacher."""
from __future__ import annotations

from pathlib import Path


def embedded_distillation_file(path: Path, frames: int):
    """(``path`` written with ``frames_mode="embedded"``, the stand-in teacher). The teacher is built
    right after ``torch.manual_seed(0)``; the export draws nothing from torch's generator, so a
    model the caller builds next is the same as when it built the teacher itself."""
    import torch

    from core.annotations.records import FrameAnnotation
    from core.distillation.export import TeacherRunner, export_distillation
    from core.models.config import student_config
    from core.models.registry import build_model
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.tracking.engines import TorchEngine

    torch.manual_seed(0)
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    sequence = SyntheticSequence(SyntheticConfig(width=160, height=128, num_frames=frames), seed=5)
    records = {i: FrameAnnotation(i, sequence.boxes[i], keyframe=i == 0) for i in range(frames)
               if not sequence.absent[i]}
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    return run_to_end(export_distillation(sequence, records, path, runner, frames_mode="embedded")), teacher
