"""``bench loop --reuse`` keyed the annotated sequences it reuses by the checkpoint's path: the student
retrained into the same file (a new run writing the same runs/kd/checkpoint.pt) reused the sequences the
old student had annotated, as if they were the new one's. The key holds the checkpoint's SHA-256, as
``bench loop-real``'s does for its teacher."""
from __future__ import annotations

import warnings
from argparse import Namespace

from core.bench.weights import bench_tracker
from core.progress import run_to_end


def _student_file(path, seed: int):
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(seed)
    config = student_config("bundled", pretrained_stem=False, depth=1)
    return save_checkpoint(path, build_model("student", config, pretrained_stem=False))


def test_a_checkpoint_changed_in_place_is_annotated_again(tmp_path):
    from core.bench.loop import _annotate_family

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        student = bench_tracker("student", None, True, threads=1)  # random weights, asked for
        teacher = bench_tracker("teacher", None, True, threads=1)
    named = _student_file(tmp_path / "checkpoint.pt", 0)
    args = Namespace(seed=0, annotate=1, frames=3, accept_iou=0.5, student=named, teacher=None, random_weights=True,
                     reuse=True)
    out = tmp_path / "out"
    out.mkdir()
    files, _ = run_to_end(_annotate_family(args, "crossover", student, teacher, out))
    stamp = files[0].stat().st_mtime_ns
    again, _ = run_to_end(_annotate_family(args, "crossover", student, teacher, out))
    assert again == files and files[0].stat().st_mtime_ns == stamp  # the same file: reused
    _student_file(named, 1)  # retrained into the same path
    fresh, _ = run_to_end(_annotate_family(args, "crossover", student, teacher, out))
    assert fresh == files and files[0].stat().st_mtime_ns != stamp
