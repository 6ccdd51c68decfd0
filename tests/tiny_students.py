"""A small random student checkpoint (bundled scale, one block, no pretrained stem), for tests
that need weights files to load, switch or break without training anything."""
from __future__ import annotations

from pathlib import Path


def tiny_student_checkpoint(path: Path, seed: int = 0) -> Path:
    """``path`` written as a project checkpoint of a random student (``torch.manual_seed(seed)``:
    the same seed, the same weights); returns the path."""
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(seed)
    config = student_config("bundled", pretrained_stem=False, depth=1)
    return save_checkpoint(path, build_model("student", config, pretrained_stem=False))
