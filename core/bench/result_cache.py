"""Optional cache of per-sequence tracking runs for ``bench accuracy --cache DIR``.

Re-running the benchmark after retraining one model need not re-track the others: a run
is stored under a key made of the contender's fingerprint (label, weights file SHA-256
and engine for our models, OpenCV version for the peers), the sequence (dataset, name,
frames, SHA-256 of the ground-truth rows, so a changed generator or annotation misses)
and the thread count (the stored FPS was measured with it). Entries are ``<key>.npz``
files written atomically; a corrupt entry is ignored (and overwritten), never trusted.

``get`` / ``put`` hold the synthetic benchmark's runs (boxes, seconds, tracked);
``get_arrays`` / ``put_arrays`` any named arrays (``bench accuracy --real`` adds the
per-frame confidences and the one-step boxes).
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from core.fileio import atomic_path


def run_key(fingerprint: str, dataset: str, sequence: str, ground_truth: np.ndarray, threads: int | None) -> str:
    """The cache key (hex) of one contender on one sequence."""
    gt = np.ascontiguousarray(ground_truth, dtype=np.float64)
    text = json.dumps([fingerprint, dataset, sequence, len(gt), hashlib.sha256(gt.tobytes()).hexdigest(), threads])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


#: what np.load raises on a damaged entry (cut short: not a zip; a changed byte: its CRC-32 fails; an
#: array header that no longer parses)
DAMAGED = (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile)


class ResultCache:
    """``get(key) -> (boxes (M,4) float64, seconds, tracked) | None``; ``put(key, ...)``."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: str):
        path = self.folder / f"{key}.npz"
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                boxes = np.asarray(data["boxes"], dtype=np.float64)
                seconds, tracked = float(data["seconds"]), int(data["tracked"])
        except DAMAGED:
            return None
        if boxes.ndim != 2 or boxes.shape[1] != 4 or tracked != len(boxes) - 1:
            return None
        return boxes, seconds, tracked

    def put(self, key: str, boxes: np.ndarray, seconds: float, tracked: int) -> Path:
        path = self.folder / f"{key}.npz"
        with atomic_path(path, suffix=".npz") as tmp, open(tmp, "wb") as handle:
            np.savez(handle, boxes=np.asarray(boxes, dtype=np.float64), seconds=np.float64(seconds),
                     tracked=np.int64(tracked))
        return path

    def get_arrays(self, key: str, names) -> dict[str, np.ndarray] | None:
        """The arrays ``names`` stored under ``key``, or None (absent, corrupt, or a name missing)."""
        path = self.folder / f"{key}.npz"
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                return {name: np.asarray(data[name]) for name in names}
        except DAMAGED:
            return None

    def put_arrays(self, key: str, **arrays) -> Path:
        """Store ``arrays`` (name -> array or number) under ``key`` (atomically)."""
        path = self.folder / f"{key}.npz"
        with atomic_path(path, suffix=".npz") as tmp, open(tmp, "wb") as handle:
            np.savez(handle, **{name: np.asarray(value) for name, value in arrays.items()})
        return path
