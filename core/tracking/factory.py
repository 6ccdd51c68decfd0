"""Build a ready-to-run :class:`~core.tracking.tracker.Tracker` from a model name or file.

``load_tracker`` is what the CLI and the studio call. Weights default to the bundled
checkpoints ``assets/models/{student,teacher}_bundled.pt`` with their ONNX exports
``*.onnx`` beside them. Engine "auto" runs ONNX Runtime when the ``.onnx`` next to the
``.pt`` is its export (the SHA-256 of the ``.pt`` recorded at export matches; for
exports without it, the ``.onnx`` is at least as new), else PyTorch; on a machine where
PyTorch sees a GPU that ONNX Runtime cannot use, "auto" (with device "auto" or "cuda")
runs PyTorch on the GPU. A ``.onnx`` path can be given directly
(its factory and config are read from the ONNX metadata). A broken ``.onnx`` beside named
weights stops ``load_tracker``; :func:`load_with_onnx_fallback` (the studio; the CLI's
``track`` by the same rule) then runs the ``.pt`` with PyTorch and returns the note to say.
:func:`weights_problem` is the one line a run would refuse chosen weights with.

Precision (``precision``): where ONNX Runtime runs on the CPU, "auto" takes the int8 copy of the
export (``<stem>.int8.onnx``, ``core.tracking.quantize``) when it is there and is this
checkpoint's, else the float32 export; on a GPU "auto" is float32 (CUDA has no int8 kernels
for it). "fp32" never takes the int8 copy; "int8" takes nothing else.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

from core.assets import models_dir
from core.errors import CheckpointError, ConfigError
from core.tracking import engines
from core.tracking.engines import OnnxEngine, TorchEngine, choose_device
from core.tracking.quantize import int8_path
from core.tracking.tracker import Tracker, TrackerConfig

MODELS_DIR = models_dir()
MODELS = ("student", "teacher")
ENGINES = ("auto", "torch", "onnx")
PRECISIONS = ("auto", "fp32", "int8")
RANDOM_SEED = 0


class RandomWeightsWarning(UserWarning):
    """A tracker runs with randomly initialised weights: its boxes are meaningless."""


def default_weights(model: str, scale: str = "bundled") -> Path:
    """``assets/models/{model}_{scale}.pt``."""
    return MODELS_DIR / f"{model}_{scale}.pt"


def random_model(model: str, scale: str = "bundled"):
    """A randomly initialised ``model`` at ``scale``, deterministic (seed 0), eval mode."""
    import torch

    from core.models.config import student_config, teacher_config
    from core.models.registry import build_model

    config = student_config(scale) if model == "student" else teacher_config(scale)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(RANDOM_SEED)
        return build_model(model, config, pretrained_stem=False)


def _warn_random(model: str) -> None:
    message = (f"RANDOM WEIGHTS: the {model} tracker is randomly initialised (no trained checkpoint); "
               "its boxes are meaningless - use it only for tests and demos")
    warnings.warn(message, RandomWeightsWarning, stacklevel=3)


def _onnx_config(engine: OnnxEngine):
    from core.models.registry import config_from_dict

    factory, config = engine.metadata.get("factory"), engine.metadata.get("config")
    if not factory or config is None:
        raise CheckpointError(engine.path, "ONNX file carries no model metadata (factory, config); "
                                           "export it with `python main.py export-onnx`")
    try:
        model_config = config_from_dict(factory, config, where="its metadata's config")  # the path is the error's
    except ConfigError as error:
        raise CheckpointError(engine.path, str(error)) from error
    problem = _crop_size_problem(engine, model_config)
    if problem is not None:
        raise CheckpointError(engine.path, problem)
    return factory, model_config


def _crop_size_problem(engine: OnnxEngine, model_config) -> str | None:
    """Why the ONNX graph's inputs do not take the crops its metadata names (None when they do,
    or when its sizes are not fixed): a graph of 64x64 templates whose metadata says 128
    (edited, or exported by another tool) failed at the first frame with ONNX Runtime's
    'Got invalid dimensions for input' and a traceback. The inputs are (B,3,S,S), in the
    order of ``engines.INPUT_NAMES``."""
    wanted = (model_config.template_size,) * 2 + (model_config.search_size,) * 2
    for node, size in zip(engine.session.get_inputs(), wanted, strict=False):
        dims = [d for d in list(node.shape)[2:4] if isinstance(d, int)]
        if dims and any(d != size for d in dims):
            got = "x".join(str(d) for d in node.shape[2:4])
            return (f"its input {node.name} takes {got} crops but its metadata names {size}x{size} (a file edited "
                    "or exported by another tool); export the checkpoint again with `python main.py export-onnx`")
    return None


def _exported_from(engine: OnnxEngine, checkpoint: Path) -> bool:
    """True when the ONNX file is the export of ``checkpoint``: its metadata names the
    checkpoint's SHA-256, or (older exports without it) it is at least as new."""
    from core.fileio import file_sha256

    recorded = engine.metadata.get("source_sha256")
    if recorded:
        return recorded == file_sha256(checkpoint)
    return engine.path.stat().st_mtime >= checkpoint.stat().st_mtime


def _gpu_only_in_torch(device: str) -> bool:
    """True when ``device`` ("auto" | "cuda") can be a GPU for PyTorch but not for ONNX
    Runtime (e.g. the CPU build of onnxruntime on a CUDA workstation): engine "auto" then
    runs the checkpoint with PyTorch on the GPU rather than ONNX Runtime on the CPU. Also
    True for "cuda" where ONNX Runtime cannot use CUDA at all: PyTorch then runs it, or says
    that it sees no GPU either (ONNX Runtime's error was said also where its file was not the
    export of these weights, so that auto would have run PyTorch anyway)."""
    if device == "cuda" and not engines.ort_cuda_usable():
        return True
    return device in ("auto", "cuda") and engines.torch_cuda_available() and not engines.ort_cuda_usable()


def export_command(model: str, checkpoint: Path, int8: bool = False) -> str:
    """The command that writes ``checkpoint``'s export beside it, where engine auto looks for it
    (``<stem>.onnx``; with ``int8`` also ``<stem>.int8.onnx``), ``--force`` when one is there to
    replace. A bare `python main.py export-onnx` stopped at its required --out, and without
    --weights it exports the bundled checkpoints."""
    import shlex

    onnx = checkpoint.with_suffix(".onnx")
    force = onnx.is_file() or (int8 and int8_path(onnx).is_file())
    return (f"python main.py export-onnx --model {model} --weights {shlex.quote(str(checkpoint))} "
            f"--out {shlex.quote(str(checkpoint.parent))}{' --int8' if int8 else ''}{' --force' if force else ''}")


def _onnx_files(onnx_path: Path, precision: str, device: str) -> list[Path]:
    """The ONNX files of a checkpoint whose float32 export is ``onnx_path`` that ``precision``
    allows, in the order to try, those present only: its int8 copy first where ONNX Runtime
    runs on the CPU ("auto") or when asked for ("int8"), then the float32 export (not for "int8")."""
    on_cpu = device == "cpu" or not engines.ort_cuda_usable()
    files = ([int8_path(onnx_path)] if precision == "int8" or (precision == "auto" and on_cpu) else []) \
        + ([onnx_path] if precision != "int8" else [])
    return [file for file in files if file.is_file()]


def load_tracker(model: str = "student", weights: str | Path | None = None, engine: str = "auto",
                 device: str = "auto", config: TrackerConfig | None = None, *, threads: int | None = None,
                 allow_random: bool = False, scale: str = "bundled", precision: str = "auto") -> Tracker:
    """A Tracker for ``model`` ("student" | "teacher").

    weights: a project checkpoint ``.pt`` or an exported ``.onnx``; None = the bundled
    checkpoint. engine: "auto" | "torch" | "onnx". device: "auto" | "cpu" | "cuda".
    threads: CPU threads of the engine (None = library default). allow_random: when NO weights
    are named (``weights`` None) and the bundled checkpoint is missing, build deterministic random
    weights (with a loud RandomWeightsWarning) instead of raising CheckpointError; a named weights
    file that is missing is always a CheckpointError naming it (a typo never runs random
    weights; :func:`random_tracker` builds them on purpose). scale: model scale used for
    the default path and random weights. precision: "auto" | "fp32" | "int8", which ONNX file of
    a checkpoint runs (module docstring); a ``.onnx`` given as the weights runs as it is.
    """
    if precision not in PRECISIONS:
        raise ConfigError(f"unknown precision {precision!r}; choose one of {list(PRECISIONS)}")
    if precision == "int8" and engine == "torch":
        raise ConfigError("int8 weights run only with ONNX Runtime (engine onnx or auto), not with torch")
    if precision == "int8":
        engine = "onnx"  # only the int8 copy: auto ran float32 PyTorch without a word when there was none
    if model not in MODELS:
        raise ConfigError(f"unknown model {model!r}; choose one of {list(MODELS)}")
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {list(ENGINES)}")
    path = Path(weights) if weights is not None else default_weights(model, scale)

    if path.suffix == ".onnx":
        if engine == "torch":
            raise ConfigError(f"{path}: an ONNX file runs only with the onnx engine")
        if not path.is_file():
            raise CheckpointError(path, "ONNX model file not found")
        onnx_engine = OnnxEngine(path, device, threads=threads)
        factory, model_config = _onnx_config(onnx_engine)
        if factory != model:
            raise CheckpointError(path, f"holds a {factory} model, not a {model}")
        return Tracker(onnx_engine, model_config, config, weights_path=str(path))

    onnx_path = path.with_suffix(".onnx")
    if path.is_dir():
        raise CheckpointError(path, f"is a folder; give the {model} checkpoint file (.pt or .onnx) in it")
    if not path.is_file():
        if weights is not None:
            raise CheckpointError(path, f"{model} checkpoint not found (the weights file named does not exist; "
                                        "fix the path, or name none to run the bundled checkpoint)")
        if not allow_random:
            raise CheckpointError(path, f"{model} checkpoint not found (train it with `python main.py train`, "
                                        "give --weights, or use --random-weights for a demo)")
        if engine == "onnx":
            raise CheckpointError(onnx_path, "no ONNX export of random weights; use the torch engine")
        _warn_random(model)
        return random_tracker(model, device, config, threads=threads, scale=scale)

    wanted = onnx_path if precision != "int8" else int8_path(onnx_path)
    files = _onnx_files(onnx_path, precision, device) if engine != "torch" else []
    if engine == "onnx" and not files:
        what = "int8 copy of the ONNX export" if precision == "int8" else "ONNX export"  # it named the int8 file
        # 'ONNX export of ... not found' beside a float32 export that is there
        raise CheckpointError(wanted, f"{what} of {path.name} not found (run "
                                      f"`{export_command(model, path, precision == 'int8')}`)")
    if engine == "onnx" or (engine == "auto" and files and not _gpu_only_in_torch(device)):
        for file in files:
            onnx_engine = OnnxEngine(file, device, threads=threads)
            if _exported_from(onnx_engine, path):
                factory, model_config = _onnx_config(onnx_engine)
                if factory != model:
                    # the weights named, not their export beside them (the studio said 'checkpoint.onnx: holds
                    # a student model' of the checkpoint.pt chosen in Settings)
                    raise CheckpointError(path, f"holds a {factory} model, not a {model}")
                return Tracker(onnx_engine, model_config, config, weights_path=str(onnx_engine.path))
        if engine == "onnx":
            raise CheckpointError(files[-1], f"is not the export of {path.name} (other weights); run "
                                             f"`{export_command(model, path, files[-1] != onnx_path)}`, or give the .onnx "
                                             "itself as the weights")

    from core.models.checkpoint import load_checkpoint

    network, _extra = load_checkpoint(path)
    if getattr(network, "FACTORY", model) != model:
        raise CheckpointError(path, f"holds a {network.FACTORY} model, not a {model}")
    return Tracker(TorchEngine(network, choose_device(device), threads=threads), network.config, config,
                   weights_path=str(path))


def onnx_fallback_note(error: CheckpointError, weights: str | Path | None, engine: str) -> str | None:
    """What to say when ``load_tracker(weights=weights, engine=engine)`` raised ``error`` on the
    ONNX export beside the checkpoint (a broken, truncated or unreadable ``<stem>.onnx`` or
    ``<stem>.int8.onnx``) and PyTorch can run the checkpoint itself:
    ``"skipped DIR/my.onnx (its problem); running my.pt with PyTorch"``. None when no fallback
    applies: an engine other than "auto", the bundled weights (``weights`` None), a ``.onnx``
    given as the weights, an error about the checkpoint, or a checkpoint of the other network
    ("holds a teacher model, not a student": PyTorch would refuse it too). The CLI's
    ``track`` and the studio both run the checkpoint with engine "torch" after it."""
    if engine != "auto" or weights is None or Path(weights).suffix == ".onnx":
        return None
    if error.path is None or Path(error.path).suffix != ".onnx" or other_network(error):
        return None
    return f"skipped {error.path} ({error.problem}); running {Path(weights).name} with PyTorch"


def other_network(error: CheckpointError) -> str | None:
    """The network ("student" | "teacher") a CheckpointError of ``load_tracker`` says the
    weights hold when they are not the one asked for ("holds a teacher model, not a student"),
    else None."""
    import re

    found = re.fullmatch(r"holds an? (\w+) model, not an? \w+", error.problem or "")
    return found.group(1) if found else None


def load_with_onnx_fallback(load, weights: str | Path | None, engine: str):
    """``(load(engine), "")``; when that fails on the checkpoint's broken ONNX sibling
    (:func:`onnx_fallback_note`), ``(load("torch"), note)``. ``load(engine) -> tracker``
    builds the tracker with that engine; any other CheckpointError is raised as it is."""
    try:
        return load(engine), ""
    except CheckpointError as error:
        note = onnx_fallback_note(error, weights, engine)
        if note is None:
            raise
        return load("torch"), note


def weights_problem(model: str, weights: str | Path | None, engine: str = "auto") -> str | None:
    """Why ``weights`` (a ``.pt`` or ``.onnx``) cannot run as ``model`` ("student" | "teacher")
    under ``engine``, as one line naming the file; None when they load (a broken ``.onnx`` beside a
    ``.pt`` under "auto" loads: :func:`load_with_onnx_fallback`). It loads them as a run would, on
    the CPU: for a settings dialog to refuse a file before it replaces weights that work (the
    student's own .pt given as the teacher's, an authors' checkpoint not yet converted, a truncated
    ``.onnx``). None for the bundled weights (``weights`` None or "")."""
    if not weights:
        return None
    path = Path(weights)
    if not path.is_file():
        return f"{path}: {'is a folder, not a weights file' if path.is_dir() else 'not found'}"
    try:
        load_with_onnx_fallback(lambda chosen: load_tracker(model, path, chosen, "cpu", threads=1), path, engine)
    except (CheckpointError, ConfigError) as error:
        other = other_network(error) if isinstance(error, CheckpointError) else None
        return f"{error} (the {other}'s weights)" if other else str(error)
    return None


def random_tracker(model: str = "student", device: str = "auto", config: TrackerConfig | None = None, *,
                   threads: int | None = None, scale: str = "bundled") -> Tracker:
    """A PyTorch Tracker of deterministic random weights (:func:`random_model`), asked for on
    purpose (``weights_path`` "random"); no warning here: the caller says it."""
    network = random_model(model, scale)
    return Tracker(TorchEngine(network, choose_device(device), threads=threads), network.config, config,
                   weights_path="random")


def describe(tracker: Tracker) -> str:
    """One line for logs and the UI: engine (and "int8" for an int8 ONNX file), device, provider."""
    engine = tracker.engine
    fallback = getattr(engine, "fallback", "")
    return f"{engines.engine_label(engine)} on {engine.device} ({getattr(engine, 'provider', '?')})" + (f"; {fallback}" if fallback else "")


def print_random_warning(model: str, stream=None) -> None:
    """The CLI's loud banner for random weights (stderr)."""
    stream = stream or sys.stderr
    print(f"WARNING: {model} tracker uses RANDOM weights; boxes are meaningless (demo/test only)", file=stream)
