"""Inference engines: one network forward, numpy in, numpy out.

An engine runs the forward contract of ``docs/architecture.md``::

    engine.run(z_v, z_t, x_v, x_t) -> (score (B,1,F,F), size (B,2,F,F),
                                       offset (B,2,F,F), feature (B,C,F,F))

inputs normalised float32 ``(B,3,Z,Z)`` (templates) and ``(B,3,X,X)`` (searches)
(:mod:`core.tracking.crop`), outputs float32 numpy arrays. ``engine.name`` ("torch" or
"onnx") and ``engine.device`` ("cpu" or "cuda") are shown by the UI; ``engine.provider``
names what actually runs (e.g. ``CPUExecutionProvider``).

The device is always passed in (``choose_device`` resolves "auto"); nothing in here
calls ``.cuda()`` on its own.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import CheckpointError, ConfigError, first_line

DEVICES = ("auto", "cpu", "cuda")
INPUT_NAMES = ("template_visible", "template_thermal", "search_visible", "search_thermal")
OUTPUT_NAMES = ("score_map", "size_map", "offset_map", "search_feature")
ORT_METADATA_KEY = "rgbt_studio_model"
ORT_DEFAULT_SEVERITY = 2  # ONNX Runtime's default: warnings and above


class Engine(Protocol):
    """What the tracker needs from an inference engine."""

    name: str
    device: str
    provider: str

    def run(self, z_v: np.ndarray, z_t: np.ndarray, x_v: np.ndarray, x_t: np.ndarray) -> tuple[np.ndarray, ...]:
        ...


def torch_cuda_available() -> bool:
    """True when PyTorch can use a CUDA device."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return False
    return bool(torch.cuda.is_available())


def choose_device(device: str = "auto") -> str:
    """Resolve ``"auto" | "cpu" | "cuda"`` for PyTorch to ``"cpu"`` or ``"cuda"``.

    "auto" picks CUDA when PyTorch sees a GPU. Asking for "cuda" without one raises
    ConfigError (never a silent fallback the user did not ask for).
    """
    if device not in DEVICES:
        raise ConfigError(f"unknown device {device!r}; choose one of {list(DEVICES)}")
    if device == "auto":
        return "cuda" if torch_cuda_available() else "cpu"
    if device == "cuda" and not torch_cuda_available():
        raise ConfigError("device 'cuda' requested but PyTorch sees no CUDA GPU here; choose device cpu or auto")
    return device


class TorchEngine:
    """A PyTorch model in inference mode on ``device`` (fp16 autocast on CUDA).

    model: a module with the forward contract; it is moved to ``device`` and put in eval
    mode. ``half``: autocast to float16 on CUDA (default True there; ignored on CPU).
    """

    name = "torch"

    def __init__(self, model, device: str = "cpu", *, half: bool | None = None, threads: int | None = None):
        import torch

        self.device = choose_device(device)
        self._torch = torch
        self._device = torch.device(self.device)
        self.model = model.to(self._device).eval()
        self.half = (self.device == "cuda") if half is None else (bool(half) and self.device == "cuda")
        self.provider = f"torch-{self.device}" + ("-fp16" if self.half else "")
        if threads is not None and threads > 0:
            torch.set_num_threads(int(threads))

    def run(self, z_v, z_t, x_v, x_t) -> tuple[np.ndarray, ...]:
        """numpy float32 (B,3,S,S) x 4 -> tuple of float32 numpy maps (see module doc)."""
        torch = self._torch
        inputs = [torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).to(self._device) for a in (z_v, z_t, x_v, x_t)]
        with torch.inference_mode():
            if self.half:
                with torch.autocast(device_type="cuda", dtype=torch.float16):
                    outputs = self.model(*inputs)
            else:
                outputs = self.model(*inputs)
        return tuple(o.float().cpu().numpy() for o in outputs)


def _ort():
    import onnxruntime

    return onnxruntime


def ort_cuda_usable() -> bool:
    """True when ONNX Runtime offers CUDA *and* a CUDA session actually works here.

    ``onnxruntime-gpu`` lists ``CUDAExecutionProvider`` even where the CUDA libraries
    (cuBLAS, cuDNN) are missing; creating a session then prints a long error and falls
    back to the CPU. A one-node probe session, created once with ORT's logging raised to
    "fatal only", tells the two cases apart without any output.
    """
    if "CUDAExecutionProvider" not in _ort().get_available_providers():
        return False
    return _probe_cuda()


def ort_cuda_problem() -> str:
    """Why ONNX Runtime cannot use CUDA here, in the words of what is installed: the package has
    no CUDA provider (the CPU ``onnxruntime``), or ``onnxruntime-gpu`` lists it but a CUDA session
    fails (no NVIDIA GPU or driver, or CUDA / cuDNN libraries it cannot load). "" when it can."""
    providers = _ort().get_available_providers()
    if "CUDAExecutionProvider" not in providers:
        return "the installed onnxruntime has no CUDAExecutionProvider; onnxruntime-gpu has"
    if _probe_cuda():
        return ""
    return ("onnxruntime-gpu lists CUDAExecutionProvider, but a CUDA session fails: no NVIDIA GPU or driver, "
            "or CUDA / cuDNN libraries it cannot load")


@functools.lru_cache(maxsize=1)
def _probe_cuda() -> bool:
    from onnx import TensorProto, helper

    ort = _ort()
    _quiet_preload(ort)
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "probe",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = min(model.ir_version, 9)
    options = ort.SessionOptions()
    options.log_severity_level = 4
    ort.set_default_logger_severity(4)
    try:
        session = ort.InferenceSession(model.SerializeToString(), options,
                                       providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
        session.run(None, {"x": np.ones(1, np.float32)})
        return session.get_providers()[0] == "CUDAExecutionProvider"
    except Exception:  # noqa: BLE001 - any failure means: not usable
        return False
    finally:
        ort.set_default_logger_severity(ORT_DEFAULT_SEVERITY)


def _quiet_preload(ort) -> None:
    """Let ORT load CUDA/cuDNN from the nvidia pip wheels when they are installed."""
    import contextlib
    import io

    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            ort.preload_dlls(directory="")
    except Exception:  # noqa: BLE001 - best effort: a missing wheel is not an error here
        pass


def engine_label(engine) -> str:
    """The engine's name, with "int8" for ONNX Runtime on an int8 copy (``core.tracking.quantize``):
    "torch", "onnx", "onnx int8"."""
    int8 = getattr(engine, "metadata", {}).get("precision") == "int8"
    return f"{engine.name}{' int8' if int8 else ''}"


def load_problem(path: Path, error: BaseException) -> str:
    """Why ONNX Runtime could not load the file at ``path`` (``error``: its error), in the file's
    terms where its first bytes tell: empty, a PyTorch file under an ``.onnx`` name, a text file (an
    HTML page saved by a failed download); else ONNX Runtime's first line, with what a protobuf
    that does not parse usually is (a copy cut short)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        head = None
    if head == b"":
        return "is empty (0 bytes), not an ONNX model"
    if head is not None and (head.startswith(b"PK\x03\x04") or head[:1] == b"\x80"):
        return ("is a PyTorch file (torch.save), not an ONNX model: give it under a .pt name, or export it with "
                "export-onnx")
    if head is not None and b"\x00" not in head:
        text = head.decode("utf-8", errors="ignore")  # a character cut at the 512th byte
        whole = len(text.encode("utf-8")) >= len(head) - 3
        text = text.lstrip()
        if whole and text and all(c.isprintable() or c in "\t\n\r" for c in text):  # a protobuf has control bytes
            page = " (a web page: a download that failed?)" if text[:1] == "<" else ""
            return f"is a text file{page}, not an ONNX model"
    first = first_line(error)
    hint = " (a copy cut short, or damaged?)" if "INVALID_PROTOBUF" in first else ""
    return f"ONNX Runtime cannot load it: {first}{hint}"


class OnnxEngine:
    """An exported model run by ONNX Runtime.

    path: the ``.onnx`` file (:func:`core.tracking.onnx_export.export_onnx`).
    device: "auto" (CUDA when usable, else CPU, silently), "cpu" or "cuda" (ConfigError
    when CUDA is not usable). threads: ``intra_op_num_threads`` (None = ORT's default).
    ``provider`` is the provider actually chosen; ``metadata`` the model's factory and
    config stored at export (or {}); ``fallback`` why it runs on the CPU although CUDA was
    usable (its first run failed on CUDA), else "".
    """

    name = "onnx"

    def __init__(self, path: str | Path, device: str = "auto", *, threads: int | None = None):
        ort = _ort()
        self.path = Path(path)
        self.threads = threads
        if not self.path.is_file():
            raise CheckpointError(self.path, "ONNX model file not found")
        if device not in DEVICES:
            raise ConfigError(f"unknown device {device!r}; choose one of {list(DEVICES)}")
        want_cuda = device in ("auto", "cuda")
        cuda_ok = want_cuda and ort_cuda_usable()
        if device == "cuda" and not cuda_ok:
            raise ConfigError(f"device 'cuda' requested but ONNX Runtime cannot use CUDA here ({ort_cuda_problem()}); "
                              "choose device cpu or auto")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads is not None and threads > 0:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        # No busy-waiting between runs: ORT's worker threads otherwise spin for a while after
        # each run and take the cores the rest of the frame needs (the correlation stem's
        # session on a pair, the crops, the studio's GUI and decoder threads). On the 2-core
        # VM a pair's frame took 17-27 ms with spinning and 16-21 ms without; one stream
        # 9-15 ms against a steady 11.4-11.6 ms (``docs/tracking_heuristics.md``, "ONNX Runtime without
        # busy-waiting").
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        folder = str(self.path.absolute().parent)
        if folder.encode("utf-8", errors="replace").decode("utf-8") == folder:  # else: not UTF-8, which ORT
            # cannot take (files without side data load from there all the same). Weights in a side file (an
            # .onnx saved with external data by onnx tools): the session is made of the file's bytes, which
            # name no folder, so ORT looked for model.onnx.data in the working directory
            options.add_session_config_entry("session.model_external_initializers_file_folder_path", folder)
        providers = (["CUDAExecutionProvider"] if cuda_ok else []) + ["CPUExecutionProvider"]
        try:
            self.session = self._session(ort, options, providers)
        except CheckpointError:
            raise
        except Exception as error:  # noqa: BLE001 - ORT raises its own untyped errors
            if not cuda_ok:
                raise CheckpointError(self.path, load_problem(self.path, error)) from error
            try:  # the CUDA session failed: the CPU one tells a broken file from a CUDA problem
                self.session = self._session(ort, options, ["CPUExecutionProvider"])
            except CheckpointError:
                raise
            except Exception as cpu_error:  # noqa: BLE001
                raise CheckpointError(self.path, load_problem(self.path, cpu_error)) from cpu_error
        self.provider = self.session.get_providers()[0]
        self.device = "cuda" if self.provider == "CUDAExecutionProvider" else "cpu"
        if device == "cuda" and self.device != "cuda":
            raise ConfigError("device 'cuda' requested but ONNX Runtime fell back to the CPU")
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]
        if len(self.input_names) != 4:
            raise CheckpointError(self.path, f"expected 4 inputs {list(INPUT_NAMES)}, found {self.input_names}")
        raw = self.session.get_modelmeta().custom_metadata_map.get(ORT_METADATA_KEY)
        try:
            self.metadata = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            self.metadata = {}
        #: why the engine runs on the CPU although CUDA was usable ("" when it did not fall back)
        self.fallback = ""
        if self.device == "cuda":
            self._check_cuda_run(ort, options, device)

    def _session(self, ort, options, providers: list[str]):
        """An ``InferenceSession`` of the file's BYTES: ORT takes a path as UTF-8 text, so a
        file under a folder whose name is not valid UTF-8 failed to load (the exports embed
        their weights, no external-data side file to find). CheckpointError when unreadable."""
        try:
            info = self.path.stat()
            model = self.path.read_bytes()
        except OSError as error:
            raise CheckpointError(self.path, f"cannot be read ({error.strerror or error})") from error
        self._read_as = (info.st_mtime_ns, info.st_size)  # what the file was when read (``with_threads``)
        return ort.InferenceSession(model, options, providers=providers)

    def _check_cuda_run(self, ort, options, device: str) -> None:
        """Run the CUDA session once on zeros: parts of CUDA (cuDNN) load only at the first
        convolution, so a broken install fails there, not when the session is made. On
        failure: ConfigError for ``device="cuda"``; for "auto" a CPU session, with the reason
        in :attr:`fallback`."""
        feed = {i.name: np.zeros([d if isinstance(d, int) and d > 0 else 1 for d in i.shape], np.float32)
                for i in self.session.get_inputs()}
        try:
            self.session.run(self.output_names, feed)
        except Exception as error:  # noqa: BLE001 - ORT raises its own untyped errors
            reason = first_line(error)
            if device == "cuda":
                raise ConfigError(f"device 'cuda' requested but ONNX Runtime's CUDA run failed: {reason}") from error
            self.session = self._session(ort, options, ["CPUExecutionProvider"])
            self.provider, self.device = "CPUExecutionProvider", "cpu"
            self.fallback = f"ONNX Runtime's CUDA run failed ({reason}); running on the CPU"

    def with_threads(self, threads: int) -> OnnxEngine:
        """The same model in a CPU session of ``threads`` intra-op threads: this engine when it
        already has that many, else a new engine (the caller keeps it). The tracker runs the
        network in one while the correlation of a two-stream pair runs beside it
        (``core.tracking.pair_overlap``). CheckpointError when the file is gone, or was written
        anew since this engine read it (an export-onnx --force meanwhile): the copy would run
        other weights beside this engine's, on the same run (the caller then runs this one)."""
        if self.device == "cpu" and self.threads == threads:
            return self
        try:
            info = self.path.stat()
        except OSError as error:
            raise CheckpointError(self.path, f"cannot be read ({error.strerror or error})") from error
        if (info.st_mtime_ns, info.st_size) != getattr(self, "_read_as", None):
            raise CheckpointError(self.path, "was written anew since it was loaded")
        return OnnxEngine(self.path, "cpu", threads=threads)

    def run(self, z_v, z_t, x_v, x_t) -> tuple[np.ndarray, ...]:
        """numpy float32 (B,3,S,S) x 4 -> tuple of float32 numpy maps (see module doc)."""
        feed = {
            name: np.ascontiguousarray(array, dtype=np.float32)
            for name, array in zip(self.input_names, (z_v, z_t, x_v, x_t), strict=True)
        }
        return tuple(self.session.run(self.output_names, feed))
