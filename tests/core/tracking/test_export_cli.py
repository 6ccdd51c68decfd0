"""``python main.py export-onnx``: checkpoint -> verified ONNX, errors named."""
from __future__ import annotations

import onnx

from core.cli import main
from core.models.checkpoint import save_checkpoint
from core.tracking.engines import OnnxEngine
from core.tracking.factory import load_tracker, random_model


def test_export_checkpoint_then_track_with_it(tmp_path, capsys):
    ckpt = save_checkpoint(tmp_path / "my_student.pt", random_model("student"))
    out = tmp_path / "onnx"
    assert main(["export-onnx", "--model", "student", "--weights", str(ckpt), "--out", str(out)]) == 0
    target = out / "my_student.onnx"
    onnx.checker.check_model(onnx.load(str(target)))
    assert "max |score, size, offset| error vs PyTorch" in capsys.readouterr().err
    assert OnnxEngine(target, "cpu").metadata["factory"] == "student"
    tracker = load_tracker("student", target, threads=1)
    assert tracker.engine.name == "onnx" and tracker.model_config == random_model("student").config


def test_export_errors(tmp_path, capsys):
    missing = tmp_path / "missing.pt"
    assert main(["export-onnx", "--model", "student", "--weights", str(missing), "--out", str(tmp_path)]) == 2
    assert "missing.pt" in capsys.readouterr().err
    assert main(["export-onnx", "--model", "both", "--weights", str(missing), "--out", str(tmp_path)]) == 2
    ckpt = save_checkpoint(tmp_path / "t.pt", random_model("teacher"))
    assert main(["export-onnx", "--model", "student", "--weights", str(ckpt), "--out", str(tmp_path)]) == 2
    assert "not a student" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.onnx"))


def test_an_opset_outside_the_exporters_range_is_one_line_before_any_work(tmp_path, capfd):
    """``--opset 3`` (or 30) ran the export, which dumped ~650 lines of Torch IR graph
    (straight to the stderr descriptor) before the error; now one line, nothing written."""
    ckpt = save_checkpoint(tmp_path / "s.pt", random_model("student"))
    for opset in ("3", "9", "99"):
        assert main(["export-onnx", "--model", "student", "--weights", str(ckpt), "--out", str(tmp_path / "o"),
                     "--opset", opset]) == 2
        err = capfd.readouterr().err
        assert err.splitlines() == [err.strip()] and f"--opset {opset} is outside 11.." in err, err
    assert not (tmp_path / "o").exists()
