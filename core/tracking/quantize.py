"""Int8 weights for the CPU: a dynamically quantised copy of an ONNX export.

ONNX Runtime's dynamic quantisation stores the weights of every ``MatMul`` (the transformer's
projections and MLPs: most of the student's arithmetic) as int8 with one scale per tensor, and
quantises the activations on the fly per run; convolutions (the pretrained stem) and everything
else stay float32. The bundled student's boxes on the real validation split score the same SR to
within 0.002, but on the 2-core VM (AVX-512 VNNI) a frame is only 4-7 % faster,
so no int8 copy ships (``docs/models.md``, "Int8 on the CPU"). CUDA has no kernels for the quantised
``MatMulInteger``, so the int8 file is for ONNX Runtime on the CPU only
(``core.tracking.factory.load_tracker`` takes it there, beside the float32 export, when it is the
checkpoint's own).

File layout: ``<stem>.int8.onnx`` beside ``<stem>.onnx`` (:func:`int8_path`); its metadata is the
float32 export's (factory, config, the checkpoint's SHA-256, so ``load_tracker`` can tell it is
this checkpoint's) plus ``"precision": "int8"``.
"""
from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

from core.errors import ExportError
from core.fileio import atomic_path
from core.tracking.engines import ORT_METADATA_KEY

INT8_SUFFIX = ".int8.onnx"
#: the operators whose weights are quantised (convolutions keep float32: the quantiser needs
#: their bias as a constant, and the stem's early layers are where int8 costs accuracy)
QUANTISED_OPS = ("MatMul",)


def int8_path(onnx_path: str | Path) -> Path:
    """``dir/<stem>.onnx`` -> ``dir/<stem>.int8.onnx`` (the int8 copy's place)."""
    path = Path(onnx_path)
    stem = path.name[:-len(".onnx")] if path.name.endswith(".onnx") else path.stem
    return path.with_name(stem + INT8_SUFFIX)


def quantize_onnx(source: str | Path, target: str | Path) -> Path:
    """Write the int8 copy of the float32 ONNX export ``source`` to ``target`` atomically and
    return ``target``. ExportError naming ``target`` when ``source`` carries no model metadata
    (not an export of this project) or the quantiser fails; ``target`` then keeps what it had.
    The quantiser's own scratch files go to a temporary folder, never beside ``source``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source, target = Path(source), Path(target)
    proto = onnx.load(str(source), load_external_data=False)
    entries = {entry.key: entry.value for entry in proto.metadata_props}
    if ORT_METADATA_KEY not in entries:
        raise ExportError(target, f"{source} carries no model metadata ({ORT_METADATA_KEY}); quantise an "
                                  "export of `python main.py export-onnx`")
    metadata = json.loads(entries[ORT_METADATA_KEY])
    metadata["precision"] = "int8"
    with tempfile.TemporaryDirectory(prefix="rgbt-quantize-") as scratch:
        copied, staged = Path(scratch) / "float32.onnx", Path(scratch) / "int8.onnx"
        copied.write_bytes(source.read_bytes())  # the quantiser writes scratch files beside its input
        logging.disable(logging.WARNING)  # its advice to pre-process is for models it cannot parse; ours it can
        try:
            quantize_dynamic(str(copied), str(staged), weight_type=QuantType.QInt8,
                             op_types_to_quantize=list(QUANTISED_OPS))
        except Exception as error:  # noqa: BLE001 - the quantiser raises many kinds
            raise ExportError(target, f"int8 quantisation failed: {type(error).__name__}: {error}") from error
        finally:
            logging.disable(logging.NOTSET)
        quantised = onnx.load(str(staged))
    kept = [(entry.key, entry.value) for entry in quantised.metadata_props if entry.key != ORT_METADATA_KEY]
    del quantised.metadata_props[:]
    for key, value in kept + [(ORT_METADATA_KEY, json.dumps(metadata))]:
        entry = quantised.metadata_props.add()
        entry.key, entry.value = key, value
    with atomic_path(target, suffix=".onnx") as tmp:
        onnx.save(quantised, str(tmp))
    return target
