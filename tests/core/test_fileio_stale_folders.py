"""A studio killed mid-export left a hidden temporary folder of frames beside the target, swept
only by a later export to the SAME target. An export into the same parent now sweeps it when the
process that made it is gone; hidden folders that are not ours are never touched."""
from __future__ import annotations

import os
import subprocess
import sys
import warnings

from core.fileio import CleanupNote, atomic_directory

KILLED_EXPORT = """
import os, sys
from pathlib import Path
from core.fileio import atomic_directory
with atomic_directory(Path(sys.argv[1])) as tmp:
    (tmp / "v000001.jpg").write_bytes(b"frame")
    os._exit(9)  # killed midway: no clean-up runs
"""


def _killed_export(target) -> int:
    """Run an export to ``target`` in a process that dies midway; its process id."""
    process = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(target)],
                               cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert process.wait() == 9
    return process.pid


def test_a_killed_exports_folder_is_swept_by_the_next_export_into_the_parent(tmp_path):
    _killed_export(tmp_path / "walk-lasher")
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".walk-lasher.")]
    assert len(left) == 1 and (left[0] / "v000001.jpg").is_file()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with atomic_directory(tmp_path / "other-export") as tmp:
            (tmp / "a.txt").write_text("x")
    assert not left[0].exists()
    assert any(issubclass(w.category, CleanupNote) and str(left[0]) in str(w.message) for w in caught)
    assert sorted(p.name for p in (tmp_path / "other-export").iterdir()) == ["a.txt"]  # the mark is not kept


def test_hidden_folders_that_are_not_a_dead_writers_of_ours_are_kept(tmp_path):
    from core.fileio import TEMP_OWNER_FILE, stale_temporary_folders

    pid = _killed_export(tmp_path / "walk-lasher")
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".walk-lasher.")]
    assert stale_temporary_folders(tmp_path) == [(left[0], "walk-lasher")]
    not_ours = tmp_path / f".notes.{pid}.abcdefgh"  # the same shape of name, no mark of ours
    not_ours.mkdir()
    (not_ours / "keep.txt").write_text("mine")
    other_host = tmp_path / f".ship.{pid}.zyxwvuts"  # our mark, written on another machine
    other_host.mkdir()
    (other_host / TEMP_OWNER_FILE).write_text(f"rgbt-studio temporary of ship\npid: {pid}\nhost: elsewhere-42\n")
    live = tmp_path / f".boat.{os.getpid()}.qwertyui"  # a writer still running (this process)
    live.mkdir()
    (live / TEMP_OWNER_FILE).write_text(f"rgbt-studio temporary of boat\npid: {os.getpid()}\n"
                                        f"host: {__import__('socket').gethostname()}\n")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CleanupNote)
        with atomic_directory(tmp_path / "other-export") as tmp:
            (tmp / "a.txt").write_text("x")
    assert not left[0].exists()
    assert (not_ours / "keep.txt").read_text() == "mine" and other_host.is_dir() and live.is_dir()
