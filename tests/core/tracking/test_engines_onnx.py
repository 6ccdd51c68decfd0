"""Engines, ONNX export parity on the bundled models, provider choice, load_tracker."""
from __future__ import annotations

import warnings

import numpy as np
import onnx
import pytest

from core.errors import CheckpointError, ConfigError
from core.models.checkpoint import save_checkpoint
from core.tracking.engines import (
    OnnxEngine,
    TorchEngine,
    choose_device,
    ort_cuda_usable,
    torch_cuda_available,
)
from core.tracking.factory import RandomWeightsWarning, load_tracker, random_model
from core.tracking.onnx_export import export_onnx


@pytest.fixture(scope="module")
def exported(tmp_path_factory, random_teacher_export):
    """Random bundled student and teacher, their checkpoints and ONNX exports (the teacher's are
    the session's, ``tests/core/conftest.py``: the same random weights, exported once, read-only)."""
    folder = tmp_path_factory.mktemp("models")
    model = random_model("student")
    pt = save_checkpoint(folder / "student.pt", model)
    out = {"student": (model, pt, export_onnx(model, folder / "student.onnx", source_checkpoint=pt))}
    out["teacher"] = (random_model("teacher"), random_teacher_export, random_teacher_export.with_suffix(".onnx"))
    return out


def _inputs(config, batch, seed=0):
    rng = np.random.default_rng(seed)
    z, x = config.template_size, config.search_size
    return [rng.standard_normal((batch, 3, s, s)).astype(np.float32) for s in (z, z, x, x)]


@pytest.mark.parametrize("name", ["student", "teacher"])
def test_onnx_matches_torch(exported, name):
    model, _, path = exported[name]
    graph = onnx.load(str(path)).graph
    assert [i.name for i in graph.input] == ["template_visible", "template_thermal", "search_visible", "search_thermal"]
    assert [o.name for o in graph.output] == ["score_map", "size_map", "offset_map", "search_feature"]
    ort_engine = OnnxEngine(path, "cpu", threads=1)
    torch_engine = TorchEngine(model, "cpu")
    assert ort_engine.metadata["factory"] == name
    for batch in (1, 2):  # dynamic batch
        inputs = _inputs(model.config, batch, seed=batch)
        got, want = ort_engine.run(*inputs), torch_engine.run(*inputs)
        assert got[0].shape == (batch, 1, model.config.feature_size, model.config.feature_size)
        assert np.abs(got[0] - want[0]).max() <= 1e-4
        for g, w in zip(got[1:], want[1:], strict=True):
            assert g.shape == w.shape and g.dtype == np.float32
            assert np.abs(g - w).max() <= 1e-3


def test_the_session_does_not_busy_wait(exported):
    """Its threads sleep between runs: spinning ones take the cores the correlation's stem, the
    crops and the studio's threads need (``docs/tracking_heuristics.md``)."""
    for threads in (None, 2):
        options = OnnxEngine(exported["student"][2], "cpu", threads=threads).session.get_session_options()
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_onnx_provider_choice_is_silent(exported, capfd):
    engine = OnnxEngine(exported["student"][2], "auto", threads=1)
    err = capfd.readouterr().err
    assert "Failed to load" not in err and "onnxruntime" not in err, err
    if ort_cuda_usable():
        assert engine.provider == "CUDAExecutionProvider" and engine.device == "cuda"
    else:
        assert engine.provider == "CPUExecutionProvider" and engine.device == "cpu"
        with pytest.raises(ConfigError):
            OnnxEngine(exported["student"][2], "cuda")


def test_device_choice():
    assert choose_device("cpu") == "cpu"
    assert choose_device("auto") == ("cuda" if torch_cuda_available() else "cpu")
    with pytest.raises(ConfigError):
        choose_device("tpu")
    if not torch_cuda_available():
        with pytest.raises(ConfigError):
            choose_device("cuda")


def test_missing_files_are_named(tmp_path):
    with pytest.raises(CheckpointError, match="student_bundled.pt|nothing.pt"):
        load_tracker("student", tmp_path / "nothing.pt")
    with pytest.raises(CheckpointError, match="missing.onnx"):
        OnnxEngine(tmp_path / "missing.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(CheckpointError, match="bad.onnx"):
        OnnxEngine(bad)


def test_load_tracker_engines(exported, tmp_path, moving_square):
    model, pt, onnx_path = exported["student"]
    seq = moving_square(num_frames=3)
    # a checkpoint alone runs on torch
    lone = tmp_path / "lone.pt"
    lone.write_bytes(pt.read_bytes())
    assert load_tracker("student", lone).engine.name == "torch"
    # with a newer .onnx beside it, "auto" picks ONNX Runtime; "torch" forces PyTorch
    auto = load_tracker("student", pt, threads=1)
    forced = load_tracker("student", pt, engine="torch")
    direct = load_tracker("student", onnx_path)
    assert (auto.engine.name, forced.engine.name, direct.engine.name) == ("onnx", "torch", "onnx")
    assert (auto.weights_path, forced.weights_path) == (str(onnx_path), str(pt))
    assert auto.model_config == model.config == direct.model_config
    steps = [t.track(seq[1], t.init(seq[0], seq.boxes[0])) for t in (auto, forced)]
    assert abs(steps[0].confidence - steps[1].confidence) < 1e-4
    np.testing.assert_allclose(steps[0].box, steps[1].box, atol=1e-2)
    # an .onnx that is not the export of the checkpoint beside it is ignored by "auto"
    import torch

    other = random_model("student")
    with torch.no_grad():
        next(other.parameters()).add_(1.0)
    stale = tmp_path / "stale"
    stale.mkdir()
    save_checkpoint(stale / "student.pt", other)
    (stale / "student.onnx").write_bytes(onnx_path.read_bytes())
    assert load_tracker("student", stale / "student.pt").engine.name == "torch"
    with pytest.raises(CheckpointError, match="not the export of student.pt"):  # never other weights
        load_tracker("student", stale / "student.pt", engine="onnx")
    assert load_tracker("student", stale / "student.onnx", engine="onnx").engine.name == "onnx"  # asked for
    with pytest.raises(CheckpointError, match="teacher"):
        load_tracker("student", exported["teacher"][1], engine="torch")
    with pytest.raises(CheckpointError, match="teacher"):
        load_tracker("student", exported["teacher"][2])
    with pytest.raises(ConfigError):
        load_tracker("student", onnx_path, engine="torch")


def test_random_weights_are_loud_and_deterministic(tmp_path, monkeypatch):
    from core.tracking import factory

    monkeypatch.setattr(factory, "MODELS_DIR", tmp_path)  # no bundled checkpoint, none named
    with pytest.warns(RandomWeightsWarning, match="RANDOM"):
        tracker = load_tracker("student", allow_random=True, device="cpu")
    assert tracker.engine.name == "torch" and tracker.weights_path == "random"
    a, b = random_model("student"), random_model("student")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert all((p == q).all() for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True))


def test_a_named_missing_weights_file_is_never_random_weights(tmp_path):
    """``load_tracker(name, missing_path, allow_random=True)`` ran RANDOM weights in place of a
    weights file the caller named (a typo, a moved checkpoint): it is a CheckpointError naming it."""
    missing = tmp_path / "absent.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RandomWeightsWarning)
        for engine in ("auto", "torch"):
            with pytest.raises(CheckpointError, match="absent.pt") as caught:
                load_tracker("student", missing, engine=engine, allow_random=True, device="cpu")
            assert str(missing) in str(caught.value) and "does not exist" in str(caught.value)
