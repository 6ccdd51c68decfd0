"""``distill --data`` writes the fine-tuned student's ONNX Runtime copies beside ``--out``, as the
studio's Improve does: the checkpoint alone ran with PyTorch in track and bench, where the
bundled student it was compared with ran its int8 ONNX export (another engine, half the speed)."""
from __future__ import annotations

import pytest

from core.models.checkpoint import save_checkpoint
from core.models.config import student_config
from core.models.registry import build_model
from core.tracking.engines import OnnxEngine
from core.tracking.factory import load_tracker
from tests.core.distillation.embedded_files import embedded_distillation_file


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("copies")
    path, _teacher = embedded_distillation_file(tmp / "d.h5", 12)
    init = save_checkpoint(tmp / "student.pt", build_model("student", student_config(
        "bundled", pretrained_stem=False, depth=1)))
    return path, init


def _distill(data, out, *more):
    from main import main

    path, init = data
    return main(["distill", "--data", str(path), "--init", str(init), "--out", str(out), "--steps", "1",
                 "--batch-size", "2", "--threads", "1", *more])


def test_distill_data_writes_the_onnx_runtime_copies(data, tmp_path, capsys):
    out = tmp_path / "ft.pt"
    assert _distill(data, out) == 0
    said = capsys.readouterr().out
    onnx_path, int8 = tmp_path / "ft.onnx", tmp_path / "ft.int8.onnx"
    assert onnx_path.is_file() and int8.is_file() and f"wrote {onnx_path} and {int8}" in said
    tracker = load_tracker(model="student", weights=out, engine="auto", device="cpu")
    assert isinstance(tracker.engine, OnnxEngine) and tracker.weights_path == str(int8)


def test_an_onnx_file_in_the_way_is_refused_before_the_fine_tune(data, tmp_path, capsys):
    out = tmp_path / "ft.pt"
    (tmp_path / "ft.onnx").write_bytes(b"another export")
    assert _distill(data, out) == 2
    assert "ft.onnx" in capsys.readouterr().err and not out.exists()
    assert _distill(data, out, "--force") == 0  # replaced, as --out is
    assert (tmp_path / "ft.onnx").read_bytes() != b"another export"
