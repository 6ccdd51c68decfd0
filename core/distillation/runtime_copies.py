"""The ONNX Runtime copies of a fine-tuned student, beside its checkpoint.

The bundled student runs with ONNX Runtime (engine "auto" takes ``<stem>.onnx`` beside the
``.pt``, and on a CPU its int8 copy ``<stem>.int8.onnx``: ``core.tracking.factory``). A
fine-tuned checkpoint alone runs with PyTorch: the studio's improved student tracked at 36
frames/s where the student it replaced ran at 85-90 (horse, one thread), and scored by another
engine than the one it is compared with. :func:`write_runtime_copies` writes both exports, each
checked against PyTorch as ``export-onnx`` checks it, so the improved student runs as the
bundled one does.
"""
from __future__ import annotations

from pathlib import Path

from core.errors import ExportError


def runtime_copy_paths(checkpoint: str | Path) -> list[Path]:
    """``[<stem>.onnx, <stem>.int8.onnx]`` beside ``checkpoint``."""
    from core.tracking.quantize import int8_path

    onnx_path = Path(checkpoint).with_suffix(".onnx")
    return [onnx_path, int8_path(onnx_path)]


def write_runtime_copies(checkpoint: str | Path) -> list[Path]:
    """Write the float32 ONNX export of ``checkpoint`` (a project ``.pt``) and its int8 copy
    beside it (:func:`runtime_copy_paths`, replaced if there); returns their paths. Each copy's
    score, size and offset maps are compared with PyTorch's (the tolerances of
    ``export-onnx``); ExportError naming the copy when one differs or cannot be written, and
    then neither copy is left (engine "auto" would run a wrong one)."""
    from core.commands.export_onnx import INT8_TOLERANCE, PARITY_TOLERANCE, parity_error
    from core.models.checkpoint import load_checkpoint
    from core.tracking.onnx_export import export_onnx
    from core.tracking.quantize import quantize_onnx

    checkpoint = Path(checkpoint)
    onnx_path, int8 = runtime_copy_paths(checkpoint)
    network, _ = load_checkpoint(checkpoint)
    try:
        export_onnx(network, onnx_path, source_checkpoint=checkpoint)
        quantize_onnx(onnx_path, int8)
        for path, tolerance in ((onnx_path, PARITY_TOLERANCE), (int8, INT8_TOLERANCE)):
            error = parity_error(network, path)
            if not error <= tolerance:  # NaN too
                raise ExportError(path, f"output differs from PyTorch (max |score, size, offset| error {error:.2e} "
                                        f"> {tolerance:g})")
    except BaseException:
        for path in (onnx_path, int8):
            path.unlink(missing_ok=True)
        raise
    return [onnx_path, int8]
