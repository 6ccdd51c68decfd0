"""VTUAV's ``init_frame.npy``: the first annotated frame of each sequence, whose box files hold
one row per :data:`VTUAV_EVERY` frames from it. Read with a restricted unpickler (never code
from the file)."""
from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np

from core.annotations.formats.numbered_rows import TOO_LARGE_FRAME
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
        return {str(k): _frame_index(path, str(k), v) for k, v in mapping.items()}
    except AnnotationFormatError:
        raise
    except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError) as error:
        raise AnnotationFormatError(path, f"not a readable VTUAV init-frame file ({error})") from None


def _frame_index(path: Path, name: str, value) -> int:
    """``value`` of sequence ``name`` in the init-frame file ``path`` as a frame index;
    AnnotationFormatError naming the file when it is not a whole number >= 0 (a negative one ended
    opening the sequence in a traceback, 7.6 started its boxes on frame 8 unsaid)."""
    number = float(value)  # a value that is no number: the caller's "not a readable" error
    if not (math.isfinite(number) and number.is_integer() and number >= 0):
        raise AnnotationFormatError(path, f"sequence {name!r} starts on frame {value}: expected a whole number >= 0")
    if number >= TOO_LARGE_FRAME:  # 1e30: records no project can store
        raise AnnotationFormatError(path, f"sequence {name!r} starts on frame {value}: too large to be a frame of "
                                          "footage")
    return int(number)


def vtuav_first_frame(folder: Path) -> int:
    """First annotated frame of the VTUAV sequence in ``folder``: from ``init_frame.npy`` in
    the folder or up to two levels above (``<root>/test_ST/<seq>``), else 0."""
    for place in (folder, folder.parent, folder.parent.parent):
        candidate = place / VTUAV_INIT_FILE
        if candidate.is_file():
            return read_vtuav_init_frames(candidate).get(folder.name, 0)
    return 0
