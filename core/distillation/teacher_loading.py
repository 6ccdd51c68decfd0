"""The teacher a distillation export runs: its float32 ONNX Runtime copy where there is one.

``export-distill``, the studio's export dialog and Improve ran the teacher with PyTorch on
every sample: 10 samples/s on the 2-core VM with the bundled teacher, 22 with its float32 ONNX
export (the demo's first 40 frames, embedded crops; score maps within 3e-5 of PyTorch's, size
maps within 5e-4). The int8 copy is never used here: its maps are training targets, and int8
moves them more than the tracker's own use needs.
"""
from __future__ import annotations

from pathlib import Path

from core.distillation.export import TeacherRunner


def load_teacher_runner(weights: str | Path | None, device: str = "auto", *,
                        allow_random: bool = False) -> tuple[TeacherRunner, str]:
    """``(runner, note)`` for the teacher checkpoint ``weights`` (None: the bundled one).

    The float32 ONNX export beside the checkpoint runs it when that export was made from these
    weights and the device allows (``core.tracking.factory.load_tracker``'s engine "auto",
    precision "fp32"), else PyTorch. ``note``: what was skipped when that export is broken
    ("skipped DIR/teacher.onnx (...); running teacher.pt with PyTorch"), else "".
    ``runner.weights_path`` names the checkpoint the maps come from (the ``.pt``, or the
    ``.onnx`` given as the weights; None for random weights), whichever engine runs it; the
    export records its SHA-256. Raises ``CheckpointError`` / ``ConfigError`` as ``load_tracker``."""
    from core.tracking.factory import default_weights, load_tracker, load_with_onnx_fallback

    tracker, note = load_with_onnx_fallback(
        lambda engine: load_tracker("teacher", weights, engine, device, allow_random=allow_random,
                                    precision="fp32" if engine != "torch" else "auto"),
        weights, "auto")
    if tracker.weights_path in ("", "random"):
        checkpoint = None
    elif tracker.weights_path.endswith(".onnx") and (weights is None or Path(weights).suffix != ".onnx"):
        checkpoint = str(weights if weights is not None else default_weights("teacher"))  # the export's source
    else:
        checkpoint = tracker.weights_path
    return TeacherRunner(engine=tracker.engine, model_config=tracker.model_config, model_name="teacher",
                         weights_path=checkpoint), note
