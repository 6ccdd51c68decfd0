"""Weights files as users give them (``track --weights``, File > Settings): each one either runs or
is one CheckpointError naming the file and what to do, before any frame is tracked."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.errors import CheckpointError


def _student(folder, name: str = "student.pt", seed: int = 0):
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import student_config
    from core.models.registry import build_model

    torch.manual_seed(seed)
    model = build_model("student", student_config("bundled", pretrained_stem=False, depth=1), pretrained_stem=False)
    return model, save_checkpoint(folder / name, model)


def _with_metadata_sizes(source, target, factor: int):
    """``source`` (an export) saved as ``target`` with its metadata's crop sizes times ``factor``."""
    import onnx

    from core.tracking.engines import ORT_METADATA_KEY

    graph = onnx.load(str(source))
    for prop in graph.metadata_props:
        if prop.key == ORT_METADATA_KEY:
            meta = json.loads(prop.value)
            meta["config"]["template_size"] *= factor
            meta["config"]["search_size"] *= factor
            prop.value = json.dumps(meta)
    onnx.save(graph, str(target))
    return target


def test_an_onnx_whose_metadata_names_other_crop_sizes_is_refused_on_load(tmp_path):
    """An .onnx whose graph takes 64x64 templates while its metadata names 128 (edited, or written
    by another tool) loaded, then failed on the first frame with ONNX Runtime's 'Got invalid
    dimensions for input' and a traceback (track, the studio's run). It is now refused on load,
    naming the input and the sizes; beside its checkpoint, engine auto runs the .pt instead."""
    from core.sequences.base import FramePair
    from core.tracking.factory import load_tracker, load_with_onnx_fallback
    from core.tracking.onnx_export import export_onnx

    model, weights = _student(tmp_path)
    export = export_onnx(model, tmp_path / "export.onnx", source_checkpoint=weights)
    edited = _with_metadata_sizes(export, tmp_path / "edited.onnx", 2)
    with pytest.raises(CheckpointError, match=r"input template_visible takes 64x64 crops but its metadata names "
                                              r"128x128") as error:
        load_tracker("student", edited, "auto", "cpu", threads=1)
    assert error.value.path == edited
    beside = _with_metadata_sizes(export, weights.with_suffix(".onnx"), 2)  # the export of student.pt, edited
    tracker, note = load_with_onnx_fallback(lambda engine: load_tracker("student", weights, engine, "cpu", threads=1),
                                            weights, "auto")
    assert tracker.engine.name == "torch" and note.startswith(f"skipped {beside} (")
    frame = FramePair(0, np.zeros((96, 128, 3), np.uint8), np.zeros((96, 128), np.uint8))
    state = tracker.init(frame, np.array([40.0, 30.0, 20.0, 20.0]))
    assert np.isfinite(tracker.track(frame, state).box).all()
    assert load_tracker("student", export, "auto", "cpu", threads=1).engine.name == "onnx"  # the export as written


@pytest.mark.parametrize("names,kind", [(("backbone.blocks.0.attn.qkv.weight", "box_head.conv5_ctr.weight"), "ostrack"),
                                        (("backbone.prompt_blocks.1.fovea.smooth", "mplt_fuse_search.0.weight"), "mplt")])
def test_an_authors_checkpoint_as_the_weights_names_the_kind_its_names_tell(tmp_path, names, kind):
    """OSTrack_ep0300.pth.tar (weights under 'net', no pickled objects) given as the weights was told
    to convert with `import-weights ... --kind mplt (--kind ostrack for OSTrack's)`: the kind its
    key names tell (MPLT's prompt blocks) is the one said."""
    import torch

    from core.tracking.factory import load_tracker

    src = tmp_path / "OSTrack_ep0300.pth.tar"
    torch.save({"epoch": 300, "net_type": "OSTrack", "net": {name: torch.zeros(2) for name in names}}, src)
    with pytest.raises(CheckpointError) as error:
        load_tracker("teacher", src, "auto", "cpu")
    assert f"--kind {kind}` and give the file it writes" in error.value.problem


def test_a_student_checkpoint_given_to_the_teacher_is_named_not_its_export(tmp_path):
    """A student's checkpoint.pt (with its export beside it) chosen as the teacher's weights: the
    error named the export, checkpoint.onnx, which the user never chose (the CLI mended the path;
    the studio said 'checkpoint.onnx: holds a student model, not a teacher')."""
    from core.tracking.factory import load_tracker
    from core.tracking.onnx_export import export_onnx

    model, weights = _student(tmp_path, "checkpoint.pt")
    export_onnx(model, weights.with_suffix(".onnx"), source_checkpoint=weights)
    for engine in ("auto", "onnx", "torch"):
        with pytest.raises(CheckpointError, match="holds a student model, not a teacher") as error:
            load_tracker("teacher", weights, engine, "cpu", threads=1)
        assert error.value.path == weights, engine


@pytest.mark.parametrize("providers,probe,said", [
    (["CPUExecutionProvider"], False, "the installed onnxruntime has no CUDAExecutionProvider; onnxruntime-gpu has"),
    (["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"], False,
     "onnxruntime-gpu lists CUDAExecutionProvider, but a CUDA session fails: no NVIDIA GPU or driver"),
])
def test_device_cuda_says_which_of_onnx_runtime_and_cuda_is_missing(monkeypatch, providers, probe, said):
    """Device cuda with the onnx engine said '(no CUDAExecutionProvider or its CUDA libraries are
    missing)' and 'use --device cpu or auto' also in the studio, which has no --device: it now says
    which one holds here (onnxruntime-gpu on a machine without CUDA lists the provider) and to choose
    device cpu or auto."""
    from types import SimpleNamespace

    from core.errors import ConfigError
    from core.tracking import engines

    fake = SimpleNamespace(get_available_providers=lambda: list(providers))
    monkeypatch.setattr(engines, "_ort", lambda: fake)
    monkeypatch.setattr(engines, "_probe_cuda", lambda: probe)
    monkeypatch.setattr(engines, "torch_cuda_available", lambda: False)
    with pytest.raises(ConfigError) as error:
        engines.OnnxEngine(engines.__file__, "cuda")  # any file: refused before it is read
    assert said in str(error.value) and str(error.value).endswith("choose device cpu or auto")
    with pytest.raises(ConfigError, match="PyTorch sees no CUDA GPU here; choose device cpu or auto$"):
        engines.choose_device("cuda")


def test_weights_problem_says_what_a_run_would_refuse(tmp_path):
    """``weights_problem``: the one line a settings dialog shows to refuse weights before they
    replace the ones that work; None for weights that run (a broken .onnx beside them included)."""
    import torch

    from core.tracking.factory import weights_problem
    from core.tracking.onnx_export import export_onnx

    model, weights = _student(tmp_path)
    assert weights_problem("student", weights) is None and weights_problem("student", "") is None
    assert weights_problem("teacher", weights) == f"{weights}: holds a student model, not a teacher (the student's weights)"
    export = export_onnx(model, tmp_path / "export.onnx", source_checkpoint=weights)
    assert weights_problem("student", export) is None
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(export.read_bytes()[:4000])
    assert weights_problem("student", cut).startswith(f"{cut}: ONNX Runtime cannot load it")
    weights.with_suffix(".onnx").write_bytes(cut.read_bytes())  # broken beside the .pt: auto runs the .pt
    assert weights_problem("student", weights) is None
    assert weights_problem("student", weights, "onnx").startswith(f"{weights.with_suffix('.onnx')}: ONNX Runtime")
    authors = tmp_path / "OSTrack_ep0300.pth.tar"
    torch.save({"net": {"backbone.blocks.0.attn.qkv.weight": torch.zeros(2)}, "net_type": "OSTrack"}, authors)
    assert "import-weights" in weights_problem("student", authors)
    assert weights_problem("student", tmp_path) == f"{tmp_path}: is a folder, not a weights file"
    assert weights_problem("student", tmp_path / "gone.pt") == f"{tmp_path / 'gone.pt'}: not found"


def test_a_training_state_given_as_the_weights_points_to_the_checkpoint_beside_it(tmp_path):
    """runs/kd/training_state.pt chosen as the weights (beside checkpoint.pt, both '.pt'): it was
    'not an RGB-T Studio model checkpoint (no 'format' marker); authors' checkpoints convert with
    import-weights', which cannot convert it. It is the run's state for --resume: the checkpoint.pt
    beside it holds the weights. (The keys are those ``core.training.checkpoint_pair.save_pair`` writes.)"""
    import torch

    from core.tracking.factory import load_tracker

    state = tmp_path / "training_state.pt"
    torch.save({"step": 40, "optimizer": {"state": {}, "param_groups": []}, "scaler": None,
                "torch_rng": torch.get_rng_state(), "extra_modules": {}}, state)
    with pytest.raises(CheckpointError) as error:
        load_tracker("student", state, "auto", "cpu")
    assert error.value.path == state and "import-weights" not in error.value.problem
    assert "training run's state (step 40" in error.value.problem and "checkpoint.pt beside it" in error.value.problem


def _edited_checkpoint(source, target, edit):
    import torch

    payload = torch.load(source, weights_only=True)
    edit(payload)
    torch.save(payload, target)
    return target


def test_weights_that_do_not_fit_say_which_names_and_shapes(tmp_path):
    """A checkpoint whose state dict lacks a name or holds another shape (edited, or saved by another
    version of the code) said only 'weights do not fit the student model: Error(s) in loading
    state_dict for OneStreamStudent: ...'; it now names an example of each mismatch."""
    import torch

    from core.models.checkpoint import load_checkpoint

    _model, weights = _student(tmp_path)
    first = next(iter(torch.load(weights, weights_only=True)["state_dict"]))
    missing = _edited_checkpoint(weights, tmp_path / "missing.pt", lambda p: p["state_dict"].pop(first))
    with pytest.raises(CheckpointError, match=rf"1 missing \(e\.g\. {first}\)"):
        load_checkpoint(missing)

    def grow(payload):
        payload["state_dict"][first] = torch.zeros(*[d + 1 for d in payload["state_dict"][first].shape])
        payload["state_dict"]["extra.bias"] = torch.zeros(3)

    grown = _edited_checkpoint(weights, tmp_path / "grown.pt", grow)
    with pytest.raises(CheckpointError) as error:
        load_checkpoint(grown)
    assert "1 the model lacks (e.g. extra.bias)" in error.value.problem
    shape = tuple(torch.load(weights, weights_only=True)["state_dict"][first].shape)
    grown_shape = tuple(d + 1 for d in shape)
    assert f"1 of another shape (e.g. {first}: {grown_shape} in the file, {shape} in the model)" in error.value.problem


def test_an_unknown_config_key_names_the_file_once(tmp_path):
    """'x.pt: x.pt: unknown key(s) [...]' (the path said twice) -> 'x.pt: its config: unknown key(s)'."""
    from core.models.checkpoint import load_checkpoint

    _model, weights = _student(tmp_path)
    newer = _edited_checkpoint(weights, tmp_path / "newer.pt", lambda p: p["config"].update(brand_new_option=3))
    with pytest.raises(CheckpointError) as error:
        load_checkpoint(newer)
    assert str(error.value).startswith(f"{newer}: its config: unknown key(s) ['brand_new_option']")
    assert str(error.value).count(str(newer)) == 1


def test_engine_onnx_without_an_export_says_the_command_that_writes_it(tmp_path):
    """Engine onnx with a checkpoint that has no export beside it said 'run `python main.py
    export-onnx`', which stops at its required --out and, without --weights, exports the bundled
    checkpoints. The command it says now writes the export where the engine looks, and it runs;
    for weights whose export is of other weights, with --force."""
    import shlex

    from core.cli import main
    from core.tracking.factory import load_tracker

    folder = tmp_path / "my runs"
    folder.mkdir()
    _model, weights = _student(folder)
    with pytest.raises(CheckpointError) as error:
        load_tracker("student", weights, "onnx", "cpu", threads=1)
    command = error.value.problem.split("`")[1]
    assert command.startswith("python main.py export-onnx --model student --weights ")
    assert main(shlex.split(command)[2:]) == 0
    assert load_tracker("student", weights, "onnx", "cpu", threads=1).engine.name == "onnx"
    _student(folder, seed=1)  # trained further: the export beside it is of other weights
    with pytest.raises(CheckpointError, match="is not the export of student.pt") as error:
        load_tracker("student", weights, "onnx", "cpu", threads=1)
    command = error.value.problem.split("`")[1]
    assert command.endswith(" --force") and main(shlex.split(command)[2:]) == 0
    assert load_tracker("student", weights, "onnx", "cpu", threads=1).engine.name == "onnx"


@pytest.mark.parametrize("content,said", [
    (b"", "is empty (0 bytes), not an ONNX model"),
    (b"<!DOCTYPE html><html><body>Sign in to download</body></html>\n",
     "is a text file (a web page: a download that failed?), not an ONNX model"),
    ("résumé of the weights ".encode() * 40, "is a text file, not an ONNX model"),
    ("pt", "is a PyTorch file (torch.save), not an ONNX model"),
    ("cut", "ONNX Runtime cannot load it: [ONNXRuntimeError] : 7 : INVALID_PROTOBUF"),
])
def test_a_file_onnx_runtime_cannot_load_is_said_in_its_own_terms(tmp_path, content, said):
    """An .onnx that is not one said only ONNX Runtime's 'INVALID_PROTOBUF : Failed to load model
    because protobuf parsing failed' (or 'No graph was found in the protobuf' for an empty file):
    the web page a failed download saved, a checkpoint renamed, an empty file are now named so; a copy
    cut short keeps ONNX Runtime's line with what it usually means."""
    from core.tracking.engines import OnnxEngine
    from core.tracking.onnx_export import export_onnx

    model, weights = _student(tmp_path)
    path = tmp_path / "model.onnx"
    if content == "pt":
        content = weights.read_bytes()
    elif content == "cut":
        content = export_onnx(model, tmp_path / "whole.onnx").read_bytes()[:5000]
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as error:
        OnnxEngine(path, "cpu")
    assert error.value.path == path and error.value.problem.startswith(said)
    if content[:1] == b"\x08":
        assert error.value.problem.endswith("(a copy cut short, or damaged?)")


def test_the_threads_copy_of_an_export_written_anew_is_refused(tmp_path):
    """On a two-stream pair the tracker runs the network in a second session of the .onnx with its
    share of the threads (``with_threads``), made at the first pair frame from the file: one written
    anew since the engine loaded it (export-onnx --force meanwhile) ran other weights than the
    engine's on the same run. It is refused; the caller (``PairOverlap.network``) runs the engine."""
    import os

    from core.tracking.engines import OnnxEngine
    from core.tracking.onnx_export import export_onnx

    model, _weights = _student(tmp_path)
    path = export_onnx(model, tmp_path / "student.onnx")
    engine = OnnxEngine(path, "cpu", threads=2)
    assert engine.with_threads(1).threads == 1  # unchanged: the copy is made
    other, _ = _student(tmp_path, "other.pt", seed=1)
    export_onnx(other, path)
    later = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(later, later))
    with pytest.raises(CheckpointError, match="written anew since it was loaded"):
        engine.with_threads(1)


def test_an_authors_checkpoint_in_torchs_legacy_format_names_import_weights(tmp_path, monkeypatch):
    """MPLTTrack_ep0015.pth.tar saved by a torch older than 1.6 (not a zip; pickling their training
    code's Settings) given as the weights said 'not a safe project checkpoint (it pickles
    lib.train.admin.settings.Settings)' and no way out; the zip form named import-weights --kind
    mplt --trust-pickle. Both do now, and the conversion reads the weights."""
    import sys
    import types

    import torch

    from core.models.authors import read_authors_state_dict
    from core.tracking.factory import load_tracker

    settings = type("Settings", (), {"__module__": "lib.train.admin.settings"})
    for name in ("lib", "lib.train", "lib.train.admin", "lib.train.admin.settings"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["lib.train.admin.settings"].Settings = settings
    net = {"backbone.prompt_blocks.1.fovea.smooth": torch.zeros(1), "backbone.blocks.0.attn.qkv.weight": torch.ones(4, 2)}
    src = tmp_path / "MPLTTrack_ep0015.pth.tar"
    torch.save({"net": net, "epoch": 15, "net_type": "MPLTTrack", "settings": settings()}, src,
               _use_new_zipfile_serialization=False)
    for name in ("lib", "lib.train", "lib.train.admin", "lib.train.admin.settings"):
        monkeypatch.delitem(sys.modules, name)  # their training code is not installed here
    with pytest.raises(CheckpointError) as error:
        load_tracker("teacher", src, "auto", "cpu")
    assert "is an authors' training checkpoint" in error.value.problem
    assert "--kind mplt --trust-pickle`" in error.value.problem
    assert torch.equal(read_authors_state_dict(src, trust_pickle=True)["backbone.blocks.0.attn.qkv.weight"],
                       torch.ones(4, 2))


def test_an_onnx_with_its_weights_in_a_side_file_loads(tmp_path, monkeypatch):
    """An export saved again by onnx tools with external data (model.onnx + model.onnx.data, the
    form of large models) failed: 'External data path does not exist: "<working dir>/model.onnx.data"'
    (the session is made of the file's bytes, which name no folder). It loads, from any working
    directory."""
    import onnx

    from core.sequences.base import FramePair
    from core.tracking.factory import load_tracker
    from core.tracking.onnx_export import export_onnx

    model, _weights = _student(tmp_path)
    export = export_onnx(model, tmp_path / "export.onnx")
    folder = tmp_path / "side"
    folder.mkdir()
    onnx.save(onnx.load(str(export)), str(folder / "model.onnx"), save_as_external_data=True,
              all_tensors_to_one_file=True, location="model.onnx.data", size_threshold=1024)
    assert (folder / "model.onnx.data").stat().st_size > (folder / "model.onnx").stat().st_size
    monkeypatch.chdir(tmp_path)
    tracker = load_tracker("student", folder / "model.onnx", "auto", "cpu", threads=1)
    frame = FramePair(0, np.zeros((96, 128, 3), np.uint8), np.zeros((96, 128), np.uint8))
    state = tracker.init(frame, np.array([40.0, 30.0, 20.0, 20.0]))
    assert np.isfinite(tracker.track(frame, state).box).all()
