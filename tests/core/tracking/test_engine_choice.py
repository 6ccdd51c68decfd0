"""Engine and device choice as a CPU laptop and a CUDA workstation meet it.

CUDA is simulated: ``torch_cuda_available`` / ``ort_cuda_usable`` are monkeypatched, and
the PyTorch engine is replaced by a recorder so nothing is moved to a GPU here.
"""
from __future__ import annotations

import numpy as np
import pytest

import core.tracking.engines as engines
import core.tracking.factory as factory
from core.cli import main
from core.errors import CheckpointError, ConfigError
from core.models.checkpoint import save_checkpoint
from core.tracking.factory import load_tracker, random_model
from core.tracking.onnx_export import export_onnx


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """A random bundled student, its checkpoint and its ONNX export beside it."""
    folder = tmp_path_factory.mktemp("student")
    model = random_model("student")
    pt = save_checkpoint(folder / "student.pt", model)
    return model, pt, export_onnx(model, folder / "student.onnx", source_checkpoint=pt)


class _RecordingTorchEngine:
    """Stands in for TorchEngine: records the device instead of moving the model there."""

    name = "torch"

    def __init__(self, model, device="cpu", *, threads=None, half=None):
        self.device = device
        self.provider = f"torch-{device}"
        self.threads = threads


def _cuda_workstation(monkeypatch, *, torch_cuda: bool, ort_cuda: bool) -> None:
    monkeypatch.setattr(engines, "torch_cuda_available", lambda: torch_cuda)
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: ort_cuda)
    monkeypatch.setattr(factory, "TorchEngine", _RecordingTorchEngine)


@pytest.mark.parametrize("device", ["auto", "cuda"])
def test_auto_engine_uses_torch_on_the_gpu_when_onnx_runtime_has_cpu_only(student, monkeypatch, device):
    """A CUDA workstation with the CPU build of onnxruntime: ``--device cuda`` raised
    "ONNX Runtime cannot use CUDA" although PyTorch could, and ``--device auto`` ran
    ONNX Runtime on the CPU although the help promises the GPU when PyTorch sees one.
    Engine auto now runs the checkpoint with PyTorch on the GPU."""
    _, pt, _ = student
    _cuda_workstation(monkeypatch, torch_cuda=True, ort_cuda=False)
    tracker = load_tracker("student", pt, engine="auto", device=device, threads=1)
    assert (tracker.engine.name, tracker.engine.device) == ("torch", "cuda")
    assert tracker.engine.threads == 1


def test_auto_engine_keeps_onnx_where_it_serves_the_device(student, monkeypatch):
    _, pt, onnx_path = student
    _cuda_workstation(monkeypatch, torch_cuda=False, ort_cuda=False)
    laptop = load_tracker("student", pt, engine="auto", device="auto", threads=1)
    assert (laptop.engine.name, laptop.engine.device, laptop.weights_path) == ("onnx", "cpu", str(onnx_path))
    assert laptop.engine.session.get_session_options().intra_op_num_threads == 1
    with pytest.raises(ConfigError, match="cuda"):  # a laptop asked for CUDA: one typed error
        load_tracker("student", pt, engine="auto", device="cuda")
    _cuda_workstation(monkeypatch, torch_cuda=True, ort_cuda=False)
    assert load_tracker("student", pt, engine="auto", device="cpu").engine.name == "onnx"
    assert load_tracker("student", pt, engine="onnx", device="auto").engine.device == "cpu"


def test_a_broken_onnx_on_a_cuda_machine_is_a_checkpoint_error(tmp_path, monkeypatch):
    """Where ONNX Runtime can use CUDA, a session that failed was retried on the CPU
    outside the try: a corrupt ``.onnx`` raised ORT's raw InvalidProtobuf (a traceback)
    on the workstation, a CheckpointError on a laptop. Both now name the file."""
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: True)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(CheckpointError, match="bad.onnx"):
        engines.OnnxEngine(bad, "auto")


def test_track_with_device_cuda_on_a_laptop_is_one_line_and_writes_nothing(student, tmp_path, moving_square,
                                                                           capfd):
    from tests.core.tracking.test_track_cli import _write_pair

    _, pt, _ = student
    _write_pair(moving_square, tmp_path / "pair", frames=3)
    out = tmp_path / "boxes.txt"
    code = main(["track", str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init", "40,40,16,16",
                 "--weights", str(pt), "--device", "cuda", "--out", str(out)])
    err = capfd.readouterr().err
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and err.startswith("error:") and "cuda" in err, err
    assert "Traceback" not in err


def _perturb_offset(monkeypatch, amount: float) -> None:
    original = engines.OnnxEngine.run

    def run(self, *inputs):
        score, size, offset, feature = original(self, *inputs)
        return score, size, offset + np.float32(amount), feature

    monkeypatch.setattr(engines.OnnxEngine, "run", run)


def test_parity_after_export_covers_the_box_maps(student, monkeypatch):
    """The export was checked on the score map alone: an ONNX file whose offset (or size)
    map differs from PyTorch, i.e. boxes in the wrong place, passed."""
    from core.commands.export_onnx import PARITY_TOLERANCE, parity_error

    model, _, onnx_path = student
    assert parity_error(model, onnx_path) <= PARITY_TOLERANCE
    _perturb_offset(monkeypatch, 0.5)
    assert parity_error(model, onnx_path) >= 0.4


def test_a_failed_parity_check_keeps_the_previous_export(student, tmp_path, monkeypatch, capfd):
    """``export-onnx --force`` replaced the good file first, then deleted the new one when
    the parity check failed: the user was left with no export at all."""
    _, pt, onnx_path = student
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "student.onnx"
    previous.write_bytes(onnx_path.read_bytes())
    import core.commands.export_onnx as command

    monkeypatch.setattr(command, "parity_error", lambda model, path: 0.5)
    code = main(["export-onnx", "--model", "student", "--weights", str(pt), "--out", str(out), "--force"])
    err = capfd.readouterr().err
    assert code == 2 and "differs from PyTorch" in err and err.count("\n") == 1, err
    assert previous.read_bytes() == onnx_path.read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["student.onnx"]


class _CudaFailsAtFirstRun:
    """ONNX Runtime as on a workstation whose cuDNN is broken: a session with the CUDA
    provider is made, and its first run fails (cuDNN loads at the first convolution)."""

    def __init__(self, real):
        self.real = real
        self.GraphOptimizationLevel = real.GraphOptimizationLevel
        self.SessionOptions = real.SessionOptions

    def InferenceSession(self, path, options, providers):  # noqa: N802 - ORT's name
        session = self.real.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        if "CUDAExecutionProvider" not in providers:
            return session

        class Broken:
            def __getattr__(self, name):
                return getattr(session, name)

            def get_providers(self):
                return ["CUDAExecutionProvider", "CPUExecutionProvider"]

            def run(self, *args, **kwargs):
                raise RuntimeError("CUDNN_STATUS_NOT_INITIALIZED\nmore lines of ORT's own text")

        return Broken()


@pytest.mark.parametrize("device", ["auto", "cuda"])
def test_a_cuda_run_that_fails_at_once_falls_back_to_the_cpu_or_is_one_error(student, monkeypatch, device):
    _, _, onnx_path = student
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: True)
    import onnxruntime

    monkeypatch.setattr(engines, "_ort", lambda: _CudaFailsAtFirstRun(onnxruntime))
    if device == "cuda":
        with pytest.raises(ConfigError, match="CUDA run failed: CUDNN_STATUS_NOT_INITIALIZED$"):
            engines.OnnxEngine(onnx_path, device)
        return
    engine = engines.OnnxEngine(onnx_path, device)
    assert engine.device == "cpu" and engine.provider == "CPUExecutionProvider"
    assert engine.fallback == "ONNX Runtime's CUDA run failed (CUDNN_STATUS_NOT_INITIALIZED); running on the CPU"
    z = np.zeros((1, 3, 64, 64), np.float32)
    x = np.zeros((1, 3, 128, 128), np.float32)
    assert engine.run(z, z, x, x)[0].shape[-1] == 16  # the CPU session tracks


def test_cuda_asked_where_onnx_runtime_cannot_use_it_names_pytorch(tmp_path, monkeypatch):
    """``--device cuda`` on a machine without a GPU said "ONNX Runtime cannot use CUDA here" also
    where the ``.onnx`` beside the weights was not their export, so that engine auto would have
    run PyTorch. Auto now leaves ONNX Runtime out where it cannot use CUDA: PyTorch runs on the
    GPU, or says it sees none."""
    monkeypatch.setattr(engines, "torch_cuda_available", lambda: False)
    monkeypatch.setattr(engines, "ort_cuda_usable", lambda: False)
    model = random_model("student")
    pt = save_checkpoint(tmp_path / "student.pt", model)
    other = save_checkpoint(tmp_path / "other.pt", random_model("student"))
    export_onnx(model, tmp_path / "student.onnx", source_checkpoint=other)  # not the export of student.pt
    with pytest.raises(ConfigError, match="PyTorch sees no CUDA GPU"):
        load_tracker("student", pt, engine="auto", device="cuda")
