"""The studio's improved student runs as the bundled one does: Improve writes the ONNX Runtime
copies beside the new checkpoint, so engine "auto" takes them (the checkpoint alone ran with
PyTorch: 36 frames/s on horse where the student it replaced ran at 85-90, one thread)."""
from __future__ import annotations

import pytest

from app.settings import studio_home
from core.distillation.runtime_copies import runtime_copy_paths
from core.tracking.engines import OnnxEngine
from core.tracking.factory import load_tracker
from tests.app.test_improve import annotate, new_files, project, student_pt  # noqa: F401 - fixtures

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


def test_the_improved_student_runs_with_onnx_runtime(project, synthetic):  # noqa: F811
    annotate(project, synthetic)
    project.actions["improve"].trigger()
    new = project.improver.dialog.result.checkpoint
    onnx_path, int8 = runtime_copy_paths(new)
    assert onnx_path.is_file() and int8.is_file() and new.parent == studio_home() / "students"
    tracker = load_tracker(model="student", weights=new, engine="auto", device="cpu", precision="fp32")
    assert isinstance(tracker.engine, OnnxEngine) and tracker.weights_path == str(onnx_path)
    assert load_tracker(model="student", weights=new, engine="auto", device="cpu").weights_path == str(int8)


def test_a_cancel_while_the_copies_are_written_leaves_no_weights(project, synthetic):  # noqa: F811
    annotate(project, synthetic)
    cancelled = []
    project.improver.cancelled.connect(lambda: cancelled.append(True))

    def cancel_at_the_copies(_g, report):
        if "ONNX Runtime copies" in report.message:
            project.improver.cancel()

    project.improver.runner.progress.connect(cancel_at_the_copies)
    project.actions["improve"].trigger()
    assert cancelled and new_files() == []
