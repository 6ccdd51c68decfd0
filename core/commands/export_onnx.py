"""``python main.py export-onnx [--model student|teacher|both] [--weights CKPT] --out DIR``.

Exports project checkpoints to ONNX (``core.tracking.onnx_export``) as
``DIR/<checkpoint stem>.onnx`` (default checkpoints: ``assets/models/{model}_{scale}.pt``); a
training run's ``checkpoint.pt`` exported to another folder than its own is named after its run
folder (``runs/kd/checkpoint.pt`` -> ``DIR/kd.onnx``: two runs' exports in one folder never share
a name), beside its checkpoint ``checkpoint.onnx`` (what ``--engine auto`` looks for); a run
folder's name, or a stem that is not valid UTF-8, is made one safe path component
(``core.fileio.safe_component``), and a ``DIR`` that is not valid
UTF-8 is refused before any work (torch's exporter cannot write there),
then checks the export against PyTorch on random inputs (max abs error on the score,
size and offset maps, which make the box, must be <= 1e-4) before it replaces anything:
an export that fails the check leaves ``DIR`` as it was. ``--int8`` also writes the int8
copy ``DIR/<checkpoint stem>.int8.onnx`` (``core.tracking.quantize``; ONNX Runtime on the
CPU takes it), checked the same way against :data:`INT8_TOLERANCE`. ``--random-weights`` exports deterministic random weights when
no checkpoint exists (tests and demos). ``--opset`` is checked before any work against
:func:`opset_range` (outside it the exporter fails after dumping its whole graph).
"""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np

from core.commands.arguments import output_folder, shipped_file
from core.errors import CheckpointError, ConfigError, ExportError, FileProblem

PARITY_TOLERANCE = 1e-4
#: the int8 copy's bound on the same check: its weights are rounded to 1/127 of each tensor's
#: range (the bundled student: 2e-4 on the score map, 7e-3 on the offsets, on random inputs)
INT8_TOLERANCE = 0.05
#: the lowest opset both networks export at (checked: 11 works, 9 lacks an operator they use)
MIN_OPSET = 11


def register(subparsers) -> None:
    parser = subparsers.add_parser("export-onnx", help="export student/teacher checkpoints to ONNX",
                                   description="Export tracking networks to ONNX (named inputs, dynamic batch): "
                                   "DIR/<checkpoint name>.onnx (a training run's checkpoint.pt: DIR/<run folder>.onnx, "
                                   "or checkpoint.onnx beside it), checked against PyTorch before it replaces anything. "
                                   "Without --weights the bundled checkpoints are exported. An export beside its "
                                   "checkpoint (--out the checkpoint's folder) is what track, the studio and the "
                                   "benches run with --engine auto. Example: rgbt-studio export-onnx --model student "
                                   "--weights runs/kd/checkpoint.pt --out runs/kd")
    parser.add_argument("--model", choices=("student", "teacher", "both"), default="both",
                        help="which network to export (default both)")
    parser.add_argument("--weights", type=shipped_file, default=None, help="checkpoint .pt (only with one --model)")
    parser.add_argument("--scale", choices=("bundled", "paper"), default="bundled",
                        help="scale of the default checkpoints / random weights (default bundled)")
    parser.add_argument("--out", type=output_folder, required=True, metavar="DIR", help="output folder")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset version (default 17)")
    parser.add_argument("--int8", action="store_true",
                        help="also write DIR/<name>.int8.onnx, the export with int8 weights for ONNX Runtime on the "
                             "CPU (the same boxes to within rounding; the bundled student gains 4-7%% a frame on a 2-core "
                             "AVX-512 VNNI CPU: check with bench speed --engine all). The tracker "
                             "takes it on the CPU when it is beside the .onnx and --weights names the checkpoint (.pt) those "
                             "were exported from (track --precision fp32 declines it); a .onnx given as --weights "
                             "runs as it is: give the .int8.onnx itself")
    parser.add_argument("--force", action="store_true", help="replace .onnx files that exist in DIR")
    parser.add_argument("--random-weights", action="store_true",
                        help="export random weights when a checkpoint is missing (tests and demos only)")
    parser.set_defaults(func=run)


def opset_range() -> tuple[int, int]:
    """(lowest, highest) ``--opset``: :data:`MIN_OPSET` up to the newest opset the installed
    torch exporter writes."""
    try:
        from torch.onnx._constants import ONNX_MAX_OPSET as highest
    except ImportError:  # the constant moved: the default stays accepted
        from core.tracking.onnx_export import DEFAULT_OPSET as highest
    return MIN_OPSET, int(highest)


#: the outputs the box is decoded from (score, size, offset); the feature map is not used for it
BOX_MAPS = 3


def parity_error(model, path: Path, seed: int = 0) -> float:
    """Max abs difference of the score, size and offset maps between PyTorch and ONNX
    Runtime (CPU, batch 1)."""
    from core.tracking.engines import OnnxEngine, TorchEngine

    cfg = model.config
    rng = np.random.default_rng(seed)
    z, x = cfg.template_size, cfg.search_size
    inputs = [rng.standard_normal((1, 3, s, s)).astype(np.float32) for s in (z, z, x, x)]
    got = OnnxEngine(path, "cpu").run(*inputs)
    want = TorchEngine(model, "cpu").run(*inputs)
    return max(float(np.abs(g - w).max()) for g, w in zip(got[:BOX_MAPS], want[:BOX_MAPS], strict=True))


#: the checkpoint name a training run writes (``core.training.run_folder.RUN_FILES``): the same in every run
RUN_CHECKPOINT = "checkpoint.pt"


def export_stem(checkpoint: Path, out: Path) -> str:
    """The name (no suffix) of ``checkpoint``'s export in the folder ``out``: the checkpoint's stem,
    except for a training run's ``checkpoint.pt`` exported elsewhere than its own folder, named after
    its run folder (``runs/kd/checkpoint.pt`` -> ``kd``), so two runs' exports do not collide."""
    from core.fileio import not_utf8, safe_component

    checkpoint = Path(checkpoint)
    if checkpoint.name != RUN_CHECKPOINT or not checkpoint.parent.resolve().name:
        # kept as it is (beside the checkpoint, --engine auto looks for <stem>.onnx); a byte that is not
        # UTF-8 failed in torch's exporter
        return safe_component(checkpoint.stem, "checkpoint") if not_utf8(checkpoint.stem) else checkpoint.stem
    try:
        beside = Path(out).resolve() == checkpoint.parent.resolve()
    except OSError:
        beside = False
    # one safe component: a byte that is not UTF-8 failed in torch's exporter, a newline made a file name of it
    return checkpoint.stem if beside else safe_component(checkpoint.parent.resolve().name, "checkpoint")


def _load(model_name: str, weights: Path | None, scale: str, allow_random: bool, out: Path):
    from core.fileio import file_sha256
    from core.models.checkpoint import load_checkpoint
    from core.tracking.factory import default_weights, print_random_warning, random_model

    path = weights if weights is not None else default_weights(model_name, scale)
    if path.is_file():
        loaded = file_sha256(path)  # the weights the network holds (a training run may save anew meanwhile)
        network, _ = load_checkpoint(path)
        if getattr(network, "FACTORY", model_name) != model_name:
            raise CheckpointError(path, f"holds a {network.FACTORY} model, not a {model_name}")
        if file_sha256(path) != loaded:
            raise CheckpointError(path, "changed while it was read (a training run saving it anew?); nothing "
                                        "written: run export-onnx again")
        return network, export_stem(path, out), path, loaded
    if not allow_random:
        raise CheckpointError(path, f"{model_name} checkpoint not found (give --weights, or --random-weights)")
    print_random_warning(model_name)
    return random_model(model_name, scale), f"{model_name}_{scale}", None, None


def recorded_source(path: Path) -> str | None:
    """The checkpoint SHA-256 an ONNX file's metadata records (``source_sha256``), or None."""
    import json

    import onnx

    from core.tracking.engines import ORT_METADATA_KEY

    proto = onnx.load(str(path), load_external_data=False)
    for entry in proto.metadata_props:
        if entry.key == ORT_METADATA_KEY:
            try:
                return json.loads(entry.value).get("source_sha256")
            except (ValueError, AttributeError):
                return None
    return None


def _write_checked(name: str, network, target: Path, write, tolerance: float, kind: str, note: str = "",
                   source: tuple[Path, str] | None = None) -> None:
    """``write(tmp)`` the ONNX file of ``network`` to a temporary path beside ``target``, compare its
    score, size and offset maps with PyTorch's (:func:`parity_error`) and only within ``tolerance``
    let it replace ``target`` (else ExportError, nothing written); then one stderr line with its size
    (``note`` after it) and the error. ``kind`` names the file in the refusal ("ONNX", "int8").
    ``source``: (checkpoint, SHA-256 of the bytes the network was loaded from): the export, which
    records the checkpoint's SHA-256 as it writes, is refused when that is another file's (saved
    anew meanwhile: ``--engine auto`` would take the old weights for the new checkpoint's)."""
    from core.fileio import atomic_path

    with atomic_path(target, suffix=".onnx") as tmp:  # checked before it replaces the target
        try:
            write(tmp)
        except FileProblem as failed:  # it names the hidden temporary file: name the target
            if failed.path is None or Path(failed.path) != tmp:
                raise
            problem = failed.problem
            if "[Errno 28]" in problem or "no space left" in problem.lower():  # the exporters' fallback said it
                problem = "cannot write (no space left on the disk); nothing was changed"
            raise type(failed)(target, problem) from failed
        if source is not None and recorded_source(tmp) != source[1]:
            raise ExportError(target, f"{source[0]} changed while it was exported (a training run saving it anew?): "
                                      "the export would name weights it does not hold; nothing written, run "
                                      "export-onnx again")
        error = parity_error(network, tmp)
        if not error <= tolerance:  # NaN too
            raise ExportError(target, f"{kind} output differs from PyTorch (max |score, size, offset| error "
                                      f"{error:.2e} > {tolerance:g}); nothing written")
    size_mb = target.stat().st_size / 1e6
    print(f"{name}: wrote {target} ({size_mb:.1f} MB{note}), max |score, size, offset| error vs PyTorch {error:.1e}",
          file=sys.stderr)


def run(args) -> int:
    from core.commands.arguments import refuse_missing_named_weights
    from core.fileio import check_output
    from core.tracking.factory import default_weights
    from core.tracking.onnx_export import export_onnx
    from core.tracking.quantize import int8_path, quantize_onnx

    names = ("student", "teacher") if args.model == "both" else (args.model,)
    lowest, highest = opset_range()
    if not lowest <= args.opset <= highest:
        raise ConfigError(f"--opset {args.opset} is outside {lowest}..{highest} (the opsets both networks export at "
                          "with the installed torch; default 17)")
    if args.weights is not None and len(names) > 1:
        raise ExportError(args.weights, "--weights needs a single --model (student or teacher)")
    if args.weights is not None and args.weights.is_dir():  # before --out is judged against it
        raise CheckpointError(args.weights, "is a folder; give the checkpoint file (.pt) to export")
    refuse_missing_named_weights(args.random_weights, ("--weights", args.weights))
    if args.out.suffix.lower() == ".onnx" and not args.out.is_dir():  # made a folder of that name
        raise ExportError(args.out, f"--out is the folder the export goes into (as {args.out}/<checkpoint name>.onnx), "
                                    f"not the file; give its folder, e.g. --out {args.out.parent}")
    from core.fileio import not_utf8

    if not_utf8(args.out.absolute()):  # torch's exporter and ONNX Runtime take no such path
        raise ExportError(args.out, "the --out path is not valid UTF-8 text (a byte such as \\xff in a folder name), "
                                    "which the ONNX exporter cannot write to; rename the folder or give another --out")
    check_output(args.out, folder=True, option="--out")
    for name in names:  # every target checked before the first export
        weights = args.weights if args.weights is not None else default_weights(name, args.scale)
        stem = (export_stem(weights, args.out) if weights.is_file() or not args.random_weights
                else f"{name}_{args.scale}")
        targets = [args.out / f"{stem}.onnx"] + ([int8_path(args.out / f"{stem}.onnx")] if args.int8 else [])
        for target in targets:
            check_output(target, protected=[(weights, "the checkpoint to export")], force=args.force,
                         option="the ONNX file")
    for name in names:
        network, stem, source, loaded = _load(name, args.weights, args.scale, args.random_weights, args.out)
        target = args.out / f"{stem}.onnx"
        _write_checked(name, network, target, partial(export_onnx, network, opset=args.opset, source_checkpoint=source),
                       PARITY_TOLERANCE, "ONNX", source=None if source is None else (source, loaded))
        if args.int8:
            _write_checked(name, network, int8_path(target), partial(quantize_onnx, target), INT8_TOLERANCE, "int8",
                           ", int8 weights")
    return 0
