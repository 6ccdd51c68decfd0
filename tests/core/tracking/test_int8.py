"""Int8 weights for ONNX Runtime on the CPU (``core.tracking.quantize``): the copy is made
beside the export, carries the checkpoint's identity, tracks like the float32 export, and
``load_tracker`` takes it only where it serves (the CPU, this checkpoint, the precision asked)."""
from __future__ import annotations

import numpy as np
import pytest

import core.tracking.engines as engines
from core.cli import main
from core.errors import CheckpointError, ConfigError, ExportError
from core.models.checkpoint import save_checkpoint
from core.trackers import engine_text
from core.tracking.factory import describe, load_tracker, random_model
from core.tracking.onnx_export import export_onnx
from core.tracking.quantize import int8_path, quantize_onnx
from tests.core.cli_lines import one_error_line


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """A random bundled student: checkpoint, float32 export and int8 copy side by side."""
    folder = tmp_path_factory.mktemp("int8")
    model = random_model("student")
    pt = save_checkpoint(folder / "student.pt", model)
    onnx_path = export_onnx(model, folder / "student.onnx", source_checkpoint=pt)
    return model, pt, onnx_path, quantize_onnx(onnx_path, int8_path(onnx_path))


def _inputs(config, seed=0):
    rng = np.random.default_rng(seed)
    z, x = config.template_size, config.search_size
    return [rng.standard_normal((1, 3, s, s)).astype(np.float32) for s in (z, z, x, x)]


def test_the_int8_copy_keeps_the_identity_and_the_outputs(student):
    model, pt, onnx_path, int8 = student
    assert int8 == onnx_path.with_name("student.int8.onnx")
    assert int8.stat().st_size < 0.8 * onnx_path.stat().st_size  # MatMul weights as int8
    fp32_engine, int8_engine = engines.OnnxEngine(onnx_path, "cpu"), engines.OnnxEngine(int8, "cpu")
    assert int8_engine.metadata["precision"] == "int8" and "precision" not in fp32_engine.metadata
    assert int8_engine.metadata["source_sha256"] == fp32_engine.metadata["source_sha256"]
    assert int8_engine.metadata["config"] == fp32_engine.metadata["config"]
    inputs = _inputs(model.config)
    got, want = int8_engine.run(*inputs), fp32_engine.run(*inputs)
    assert [g.shape for g in got] == [w.shape for w in want]
    error = max(float(np.abs(g - w).max()) for g, w in zip(got[:3], want[:3], strict=True))
    assert 0 < error < 0.05  # rounded, not a copy
    import onnx

    ops = {node.op_type for node in onnx.load(str(int8)).graph.node}
    assert "MatMulInteger" in ops and "Conv" in ops  # MatMuls quantised, convolutions kept


def test_the_cpu_takes_the_int8_copy_and_the_precision_chooses(student, monkeypatch):
    _, pt, onnx_path, int8 = student
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: False)
    auto = load_tracker("student", pt, engine="auto", threads=1)
    assert auto.engine.path == int8 and auto.weights_path == str(int8)
    assert describe(auto).startswith("onnx int8 on cpu") and engine_text(auto) == "onnx int8 on cpu"
    assert load_tracker("student", pt, engine="onnx", threads=1).engine.path == int8
    assert load_tracker("student", pt, engine="onnx", precision="fp32", threads=1).engine.path == onnx_path
    assert load_tracker("student", pt, engine="onnx", precision="int8", threads=1).engine.path == int8
    assert load_tracker("student", pt, engine="torch", threads=1).engine.name == "torch"
    assert load_tracker("student", int8, engine="onnx", precision="fp32").engine.path == int8  # a file given: as is
    with pytest.raises(ConfigError, match="int8 weights run only with ONNX Runtime"):
        load_tracker("student", pt, engine="torch", precision="int8")
    with pytest.raises(ConfigError, match="unknown precision"):
        load_tracker("student", pt, precision="half")


def test_a_gpu_keeps_the_float32_export(student, monkeypatch):
    """CUDA has no kernels for MatMulInteger: on a GPU "auto" takes the float32 export."""
    _, pt, onnx_path, _int8 = student
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: True)
    from core.tracking import factory

    assert factory._onnx_files(onnx_path, "auto", "auto") == [onnx_path]
    assert factory._onnx_files(onnx_path, "auto", "cpu") == [int8_path(onnx_path), onnx_path]
    assert factory._onnx_files(onnx_path, "int8", "cuda") == [int8_path(onnx_path)]


def test_an_int8_copy_of_other_weights_is_passed_over(tmp_path, student, monkeypatch):
    """A checkpoint retrained after its int8 copy was made: the stale copy never runs for it."""
    model, _pt, _onnx, old_int8 = student
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: False)
    pt = save_checkpoint(tmp_path / "student.pt", random_model("student"))
    onnx_path = export_onnx(model, tmp_path / "student.onnx", source_checkpoint=pt)
    (tmp_path / "student.int8.onnx").write_bytes(old_int8.read_bytes())  # another checkpoint's
    assert load_tracker("student", pt, engine="auto").engine.path == onnx_path
    with pytest.raises(CheckpointError, match="is not the export of student.pt"):
        load_tracker("student", pt, engine="onnx", precision="int8")
    (tmp_path / "student.int8.onnx").unlink()
    with pytest.raises(CheckpointError, match=r"export-onnx --model student --weights \S+ --out \S+ --int8"):
        load_tracker("student", pt, engine="onnx", precision="int8")


def test_quantising_a_file_that_is_no_export_names_it(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    plain = tmp_path / "plain.onnx"
    onnx.save(helper.make_model(graph), str(plain))
    target = tmp_path / "plain.int8.onnx"
    target.write_bytes(b"kept")
    with pytest.raises(ExportError, match="carries no model metadata"):
        quantize_onnx(plain, target)
    assert target.read_bytes() == b"kept"


def test_export_onnx_int8_writes_both_files_and_tracks(tmp_path, capsys, student, monkeypatch):
    _model, pt, _onnx, _int8 = student
    out = tmp_path / "out"
    assert main(["export-onnx", "--model", "student", "--weights", str(pt), "--int8", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "student.int8.onnx" in err and "int8 weights" in err
    assert sorted(p.name for p in out.iterdir()) == ["student.int8.onnx", "student.onnx"]
    # a second export without --force refuses before writing anything, naming the file
    assert main(["export-onnx", "--model", "student", "--weights", str(pt), "--int8", "--out", str(out)]) != 0
    line = one_error_line(capsys.readouterr().err)
    assert "student.onnx" in line or "student.int8.onnx" in line
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: False)
    copied = tmp_path / "copied"
    copied.mkdir()
    for name in ("student.onnx", "student.int8.onnx"):
        (copied / name).write_bytes((out / name).read_bytes())
    (copied / "student.pt").write_bytes(pt.read_bytes())
    assert load_tracker("student", copied / "student.pt").engine.path == copied / "student.int8.onnx"


def test_int8_without_an_int8_copy_is_refused_whatever_the_engine(tmp_path, monkeypatch):
    """``track --precision int8`` (engine auto) on weights without an int8 copy ran float32 PyTorch
    without a word, where the help says "int8: only the int8 copy"; only ``--engine onnx`` refused."""
    from core.errors import CheckpointError
    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model
    from core.tracking.onnx_export import export_onnx

    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: False)
    model = random_model("student")
    pt = save_checkpoint(tmp_path / "student.pt", model)
    export_onnx(model, tmp_path / "student.onnx", source_checkpoint=pt)  # float32 only
    for engine in ("auto", "onnx"):
        with pytest.raises(CheckpointError, match=r"export-onnx --model student --weights \S+ --out \S+ --int8"):
            load_tracker("student", pt, engine=engine, precision="int8")
