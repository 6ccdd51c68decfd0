"""Distillation exports (export-distill, the studio's export dialog, Improve) ran the teacher with
PyTorch on every sample, 2.2x slower on a CPU than its float32 ONNX export beside the checkpoint.
They now run that export when it was made from these weights (never the int8 copy: the maps are
training targets), record the checkpoint itself as the maps' source, and fall back to PyTorch
with a note when the export is broken."""
from __future__ import annotations

import numpy as np
import pytest

from core.distillation.teacher_loading import load_teacher_runner
from core.tracking.engines import OnnxEngine, TorchEngine


@pytest.fixture
def teacher_files(random_teacher_export):
    """A random bundled-scale teacher saved as ``teacher.pt`` with its float32 ONNX export beside it
    (the session's, ``tests/core/conftest.py``: read-only, the tests that add files copy it)."""
    return random_teacher_export


def _maps(runner):
    rng = np.random.default_rng(0)
    cfg = runner.model_config
    z = rng.standard_normal((1, 3, cfg.template_size, cfg.template_size)).astype(np.float32)
    x = rng.standard_normal((1, 3, cfg.search_size, cfg.search_size)).astype(np.float32)
    return [np.asarray(o) for o in runner.engine.run(z, z, x, x)[:3]]


def test_the_float32_onnx_export_runs_and_the_checkpoint_is_recorded(teacher_files):
    runner, note = load_teacher_runner(teacher_files, "cpu")
    assert isinstance(runner.engine, OnnxEngine) and runner.engine.path == teacher_files.with_suffix(".onnx")
    assert note == ""
    assert runner.weights_path == str(teacher_files)  # the maps' source, as with PyTorch
    from core.tracking.factory import load_tracker

    torch_maps = _maps(load_tracker("teacher", teacher_files, "torch", "cpu"))
    for onnx_map, torch_map in zip(_maps(runner), torch_maps, strict=True):
        np.testing.assert_allclose(onnx_map, torch_map, atol=1e-3)


def test_an_int8_copy_beside_it_is_not_used(teacher_files, tmp_path):
    import shutil

    weights = tmp_path / teacher_files.name
    shutil.copy(teacher_files, weights)
    shutil.copy(teacher_files.with_suffix(".onnx"), weights.with_suffix(".onnx"))
    shutil.copy(teacher_files.with_suffix(".onnx"), tmp_path / "teacher.int8.onnx")  # what the CPU's "auto" picks first
    runner, _ = load_teacher_runner(weights, "cpu")
    assert runner.engine.path == weights.with_suffix(".onnx")


def test_a_broken_export_falls_back_to_pytorch_with_a_note(teacher_files, tmp_path):
    import shutil

    weights = tmp_path / teacher_files.name
    shutil.copy(teacher_files, weights)
    weights.with_suffix(".onnx").write_bytes(b"not an onnx model")
    runner, note = load_teacher_runner(weights, "cpu")
    assert isinstance(runner.engine, TorchEngine)
    assert note.startswith(f"skipped {weights.with_suffix('.onnx')}") and note.endswith(
        "running teacher.pt with PyTorch"), note
    assert runner.weights_path == str(weights)


def test_random_weights_record_no_checkpoint(tmp_path, monkeypatch):
    import warnings

    from core.tracking import factory

    monkeypatch.setattr(factory, "default_weights", lambda model, scale="bundled": tmp_path / f"{model}.pt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runner, _ = load_teacher_runner(None, "cpu", allow_random=True)
    assert runner.weights_path is None
