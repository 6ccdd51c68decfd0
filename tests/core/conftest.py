"""Fixtures shared by the core tests: expensive files several modules read."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def random_teacher_export(tmp_path_factory) -> Path:
    """``teacher.pt``: the random bundled-scale teacher (``random_model("teacher")``, seed 0), with
    its float32 ONNX export ``teacher.onnx`` beside it (made from these weights). Exporting the
    teacher takes seconds; three modules did it each. Read-only: a test that changes or adds files
    beside it copies the two into its own ``tmp_path`` first."""
    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model
    from core.tracking.onnx_export import export_onnx

    folder = tmp_path_factory.mktemp("random-teacher")
    weights = save_checkpoint(folder / "teacher.pt", random_model("teacher"))
    export_onnx(random_model("teacher"), weights.with_suffix(".onnx"), source_checkpoint=weights)
    return weights
