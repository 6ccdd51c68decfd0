"""Small distillation files for tests, with a random one-block student standing in for the teacher:
- :func:`embedded_distillation_file`, as the closed-loop tests fine-tune from: the first ``frames``
  frames of a 160x128 synthetic sequence labelled by its truth (a keyframe on frame 0);
- :func:`referenced_and_embedded_items`, one folder of six 96x80 PNG frames exported twice
  (referenced, embedded) and read back, for tests that the two read alike."""
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



def referenced_and_embedded_items(tmp_path: Path, box: tuple[float, float, float, float], *, colour: bool = False,
                                  provenance=lambda frame: "manual"):
    """The items of one folder exported twice, ``(referenced, embedded)``, each a list of 5 items
    (the 6 frames less the template's). The folder ``tmp_path/seq`` holds six random 96x80 PNG
    frames (grey: a thermal-only sequence; ``colour``: visible-only) and a ``groundtruth.txt`` of
    ``box`` (x, y, w, h) moved right by a pixel a frame; the records are the ground truth, a
    keyframe on frame 0, each of ``provenance(frame)``. The teacher is built right after
    ``torch.manual_seed(0)``."""
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
    from core.tracking.engines import TorchEngine

    torch.manual_seed(0)
    folder = tmp_path / "seq"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(6):
        image = rng.integers(0, 255, (80, 96, 3) if colour else (80, 96), dtype=np.uint8)
        assert cv2.imwrite(str(folder / f"{i + 1:08d}.png"), image)
    x, y, w, h = box
    (folder / "groundtruth.txt").write_text("".join(f"{x + i},{y},{w},{h}\n" for i in range(6)))
    teacher = build_model("student", student_config("bundled", pretrained_stem=False, depth=1))
    runner = TeacherRunner(TorchEngine(teacher, "cpu"), teacher.config)
    sequence = open_sequence(folder)
    try:
        assert sequence.info.visible_only == colour and sequence.info.thermal_only == (not colour)
        records = {f: FrameAnnotation(f, r.box, keyframe=f == 0, provenance=provenance(f))
                   for f, r in sequence.ground_truth().items()}
        referenced = run_to_end(export_distillation(sequence, records, tmp_path / "r.h5", runner))
        embedded = run_to_end(export_distillation(sequence, records, tmp_path / "e.h5", runner,
                                                  frames_mode="embedded"))
    finally:
        sequence.close()
    return load_items([referenced]), load_items([embedded])
