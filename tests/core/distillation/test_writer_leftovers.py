"""A distillation export killed mid-run (the studio's Improve, export-distill) leaves no ``.h5``,
only its temporary ``.<name>.h5.<pid>.<random>.tmp``; the next export into the folder removes
the temporaries of killed writers, whatever file they were for (Improve names each run's file
anew, so sweeping the target's own name never found them)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from core.distillation import schema
from core.distillation.writer import DistillationWriter, FileHeader, SequenceAttrs
from core.fileio import CleanupNote

Z, X, F = 16, 32, 4
ROOT = Path(__file__).resolve().parents[3]


def _labels(n: int) -> dict[str, np.ndarray]:
    labels = {name: np.zeros((n,) + shape, np.float32) for name, shape in schema.LABEL_DATASETS.items()}
    for name in ("absent", "occluded", "keyframe"):
        labels[name] = np.zeros(n, bool)
    labels["provenance"] = np.full(n, schema.PROVENANCE_CODES["manual"], np.uint8)
    return labels


def _killed_export(folder: Path, name: str) -> int:
    """Run an export into ``folder / name`` in another process and kill it (SIGKILL) while the
    file is open; returns the dead process's id."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        import numpy as np
        from core.distillation import schema
        from core.distillation.writer import DistillationWriter, FileHeader, SequenceAttrs
        n = 8
        labels = {{name: np.zeros((n,) + shape, np.float32) for name, shape in schema.LABEL_DATASETS.items()}}
        for key in ("absent", "occluded", "keyframe"):
            labels[key] = np.zeros(n, bool)
        labels["provenance"] = np.full(n, schema.PROVENANCE_CODES["manual"], np.uint8)
        with DistillationWriter({str(folder / name)!r}, FileHeader("referenced", {Z}, {X}, {F})) as writer:
            writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, n), labels)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    process = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(f".{name}.")]
    assert len(leftovers) == 1, leftovers
    return int(leftovers[0].split(".")[-3])


def _export(path: Path) -> None:
    with DistillationWriter(path, FileHeader("referenced", Z, X, F)) as writer:
        writer.begin_sequence(SequenceAttrs("s", "", "", 64, 48, 8), _labels(8))


def test_a_killed_export_leaves_only_its_temporary_and_the_next_export_removes_it(tmp_path):
    folder = tmp_path / "distill"
    folder.mkdir()
    dead = _killed_export(folder, "day-20261207-081500.h5")
    leftover = next(folder.iterdir())
    assert not (folder / "day-20261207-081500.h5").exists()
    assert leftover.name.startswith(f".day-20261207-081500.h5.{dead}.") and leftover.name.endswith(".tmp")

    # what the sweep must leave: a live writer's temporary (this process), one changed after the
    # export started (another machine's writer on a shared folder), other names and other kinds
    keep = {
        f".other.h5.{os.getpid()}.abcd1234.tmp": 0,
        f".late.h5.{dead}.abcd1234.tmp": 3600,
        f".model.pt.{dead}.abcd1234.tmp": 0,
        f".day.h5.{dead}.abcd1234.part": 0,
        f"day.h5.{dead}.abcd1234.tmp": 0,
        "earlier-20261206-120000.h5": 0,
        "notes.txt": 0,
    }
    for name, ahead in keep.items():
        path = folder / name
        path.write_bytes(b"x")
        if ahead:
            os.utime(path, (time.time() + ahead, time.time() + ahead))
    with pytest.warns(CleanupNote, match="day-20261207-081500.h5"):
        _export(folder / "day-20261207-090000.h5")
    assert sorted(p.name for p in folder.iterdir()) == sorted([*keep, "day-20261207-090000.h5"])
