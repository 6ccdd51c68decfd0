"""VTUAV's ``init_frame.npy``: the first annotated frame of each sequence, whose box files hold
one row per :data:`VTUAV_EVERY` frames from it. Read with a restricted unpickler (never code
from the file)."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from core.errors import AnnotationFormatError

VTUAV_EVERY = 10
VTUAV_INIT_FILE = "init_frame.npy"

# What a VTUAV ``init_frame.npy`` (a pickled {sequence name: first frame} dict) may contain.
_SAFE_GLOBALS = {
    (module, name)
    for module in ("numpy.core.multiarray", "numpy._core.multiarray")
    for name in ("_reconstruct", "scalar")
} | {("numpy", "ndarray"), ("numpy", "dtype")}


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles numpy containers of plain values only: never runs code from the file."""

    def find_class(self, module: str, name: str):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in {VTUAV_INIT_FILE}")


def read_vtuav_init_frames(path: str | Path) -> dict[str, int]:
    """VTUAV ``init_frame.npy`` -> {sequence name: index of its first annotated frame}.

    Read without ``allow_pickle`` (a restricted unpickler: only numpy arrays, scalars and
    plain values); anything else raises AnnotationFormatError naming the file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            _, _, dtype = reader(handle)
            if not dtype.hasobject:
                raise AnnotationFormatError(path, "expected a pickled {sequence: first frame} dict")
            value = _SafeUnpickler(handle).load()
        mapping = value.item() if isinstance(value, np.ndarray) else value
        if not isinstance(mapping, dict):
            raise AnnotationFormatError(path, f"expected a dict, found {type(mapping).__name__}")
        return {str(k): int(v) for k, v in mapping.items()}
    except AnnotationFormatError:
        raise
    except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError) as error:
        raise AnnotationFormatError(path, f"not a readable VTUAV init-frame file ({error})") from None


def vtuav_first_frame(folder: Path) -> int:
    """First annotated frame of the VTUAV sequence in ``folder``: from ``init_frame.npy`` in
    the folder or up to two levels above (``<root>/test_ST/<seq>``), else 0."""
    for place in (folder, folder.parent, folder.parent.parent):
        candidate = place / VTUAV_INIT_FILE
        if candidate.is_file():
            return read_vtuav_init_frames(candidate).get(folder.name, 0)
    return 0
