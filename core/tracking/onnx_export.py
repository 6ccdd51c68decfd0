"""ONNX export of a tracking network (forward contract of ``docs/architecture.md``).

The graph has four named inputs ``template_visible``, ``template_thermal`` (B,3,Z,Z),
``search_visible``, ``search_thermal`` (B,3,X,X) float32 and four named outputs
``score_map`` (B,1,F,F), ``size_map`` (B,2,F,F), ``offset_map`` (B,2,F,F),
``search_feature`` (B,C,F,F); the batch dimension ``batch`` is dynamic. The model's
factory and config are stored as JSON in the metadata key ``rgbt_studio_model`` so an
``.onnx`` file alone can rebuild the tracker's geometry.

The file is written atomically (temporary file beside the target, then ``os.replace``);
the weights are embedded in the one file (no external-data side files).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import warnings
from pathlib import Path

from core.config import to_dict
from core.errors import ExportError
from core.fileio import atomic_path, file_sha256
from core.tracking.engines import INPUT_NAMES, ORT_METADATA_KEY, OUTPUT_NAMES

DEFAULT_OPSET = 17


def _example_inputs(config, batch: int = 1):
    import torch

    g = torch.Generator().manual_seed(0)
    z, x = int(config.template_size), int(config.search_size)
    shapes = ((batch, 3, z, z), (batch, 3, z, z), (batch, 3, x, x), (batch, 3, x, x))
    return tuple(torch.randn(s, generator=g) for s in shapes)


def _factory_name(model) -> str | None:
    return getattr(model, "FACTORY", None)


def model_metadata(model, source_sha256: str | None = None) -> dict:
    """{"factory": ..., "config": {...}, "source_sha256": ...} for the ONNX metadata
    (config via core.config.to_dict; source_sha256: the checkpoint's hash or None)."""
    config = getattr(model, "config", None)
    try:
        config_dict = to_dict(config) if config is not None else {}
    except TypeError:
        config_dict = {}
    return {"factory": _factory_name(model), "config": config_dict, "source_sha256": source_sha256}


def _export_legacy(model, inputs, path: Path, opset: int) -> None:
    import torch

    dynamic_axes = {name: {0: "batch"} for name in INPUT_NAMES + OUTPUT_NAMES}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, inputs, str(path), input_names=list(INPUT_NAMES), output_names=list(OUTPUT_NAMES),
            opset_version=opset, dynamic_axes=dynamic_axes, do_constant_folding=True, dynamo=False,
        )


def _export_dynamo(model, inputs, path: Path, opset: int) -> None:
    import torch

    inputs = _example_inputs(model.config, batch=2)  # batch 1 would be specialised to a constant
    batch = torch.export.Dim("batch", max=1024)
    shapes = {name: {0: batch} for name in ("z_v", "z_t", "x_v", "x_t")}
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            model, inputs, input_names=list(INPUT_NAMES), output_names=list(OUTPUT_NAMES),
            opset_version=opset, dynamo=True, dynamic_shapes=tuple(shapes.values()), external_data=False,
        )
        program.save(str(path), external_data=False)


def export_onnx(model, path: str | Path, opset: int = DEFAULT_OPSET, *, method: str = "auto",
                source_checkpoint: str | Path | None = None) -> Path:
    """Export ``model`` (forward contract, ``model.config``) to ``path`` atomically.

    source_checkpoint: the ``.pt`` the model was loaded from; its SHA-256 goes into the
    metadata so ``load_tracker`` can tell that the ``.onnx`` beside it is its export.

    method: "legacy" (TorchScript exporter), "dynamo" (torch.export), or "auto" (legacy,
    then dynamo if the legacy exporter fails). The model is exported in eval mode on the
    CPU in float32. Raises ExportError naming ``path`` when both fail. Returns ``path``.
    """
    import onnx
    import torch

    path = Path(path)
    if method not in ("auto", "legacy", "dynamo"):
        raise ValueError(f"unknown export method {method!r}")
    model = model.to("cpu").float().eval()
    inputs = _example_inputs(model.config)
    methods = {"auto": (_export_legacy, _export_dynamo), "legacy": (_export_legacy,), "dynamo": (_export_dynamo,)}[method]
    errors = []
    with atomic_path(path, suffix=".onnx") as tmp:
        for exporter in methods:
            try:
                with torch.inference_mode(False), torch.no_grad():
                    exporter(model, inputs, tmp, opset)
                break
            except Exception as error:  # noqa: BLE001 - exporters raise many kinds
                errors.append(f"{exporter.__name__[8:]}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        else:
            raise ExportError(path, "ONNX export failed (" + "; ".join(errors) + ")")
        proto = onnx.load(str(tmp))
        entry = proto.metadata_props.add()
        entry.key, entry.value = ORT_METADATA_KEY, json.dumps(
            model_metadata(model, file_sha256(source_checkpoint) if source_checkpoint is not None else None))
        onnx.checker.check_model(proto)
        onnx.save(proto, str(tmp))
        _umask_permissions(tmp)  # mkstemp creates 0600; a shipped model must be readable
    return path


def _umask_permissions(path: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
