"""Fixtures for the file-safety tests (issue 13): a tiny annotated sequence, helpers to
run the CLI in-process and to fingerprint a folder (to prove nothing was lost), and
tmpfs mounts for full-disk and read-only outputs where this machine allows them."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]


def make_sequence(folder: Path, frames: int = 8, seed: int = 3) -> Path:
    """A LasHeR-layout synthetic sequence (96x80) with an annotation store of manual boxes."""
    from core.annotations.records import Provenance
    from core.annotations.store import AnnotationStore, default_store_path
    from core.progress import run_to_end
    from core.sequences import open_sequence
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    config = SyntheticConfig(width=96, height=80, num_frames=frames)
    run_to_end(write_lasher(SyntheticSequence(config, seed, name=folder.name, cache_frames=0), folder))
    sequence = open_sequence(folder)
    try:
        gt = sequence.ground_truth()
        with AnnotationStore.open(default_store_path(sequence.info)) as store:
            store.put([r.with_changes(provenance=Provenance.MANUAL, keyframe=f == 0) for f, r in gt.items()
                       if not r.absent])
    finally:
        sequence.close()
    return folder


@pytest.fixture(scope="session")
def pristine_sequence(tmp_path_factory) -> Path:
    return make_sequence(tmp_path_factory.mktemp("pristine") / "seq")


@pytest.fixture
def seq(tmp_path, pristine_sequence) -> Path:
    """A fresh copy of the annotated sequence for one test."""
    target = tmp_path / "data" / "seq"
    shutil.copytree(pristine_sequence, target)
    return target


def fingerprint(folder: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """relative path -> SHA-256 of every file under ``folder`` (SQLite side files and
    the store's lock file excluded: they change on every open)."""
    out = {}
    skip = tuple(p.resolve() for p in skip)
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm", ".lock")):
            continue
        if any(path.resolve() == s or s in path.resolve().parents for s in skip):
            continue
        if path.suffix == ".sqlite":
            out[str(path.relative_to(folder))] = _store_digest(path)
        else:
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _store_digest(path: Path) -> str:
    """Digest of the store's content (its file bytes change with checkpoints)."""
    from core.annotations.store import AnnotationStore

    try:
        with AnnotationStore.open(path, read_only=True) as store:
            records = store.records()
            text = repr(sorted((f, r.box.tolist() if r.box is not None else None, r.absent, str(r.provenance))
                               for f, r in records.items()))
    except Exception as error:  # noqa: BLE001 - a damaged store is itself a loss
        text = f"unreadable: {error}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Outcome:
    """What one CLI call did: exit code, stderr, and the traceback if one escaped."""

    code: int | None
    err: str
    traceback: str | None = None

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("error:") or ": error:" in line]

    @property
    def clear_error(self) -> bool:
        """Exit 2 with exactly one error line and no traceback text."""
        return (self.traceback is None and self.code == 2 and len(self.error_lines) == 1
                and "Traceback" not in self.err)


def run_cli(argv: list[str]) -> Outcome:
    """``core.cli.main(argv)`` in this process, stderr captured, exceptions recorded."""
    from core.cli import main

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as stop:  # argparse
            code = stop.code if isinstance(stop.code, int) else 2
        except BaseException:  # noqa: BLE001 - the corpus counts these
            return Outcome(None, err.getvalue(), traceback.format_exc())
    return Outcome(code, err.getvalue())


def run_cli_process(argv: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    """``python main.py argv`` in a child process (to see crashes: a negative return code)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(PROJECT))
    return subprocess.run([sys.executable, str(PROJECT / "main.py"), *map(str, argv)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=str(PROJECT))


def _mount_tmpfs(folder: Path, options: str) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a 256 KiB tmpfs filled to the last block (writes fail with ENOSPC).
    Skips where tmpfs cannot be mounted (not root, not Linux)."""
    folder = tmp_path / "full"
    if not _mount_tmpfs(folder, "size=256k"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux); the ENOSPC paths are covered by "
                    "test_guarded_hdf5_file_keeps_the_first_write_error")
    try:
        with open(folder / "filler", "wb", buffering=0) as handle:
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * 4096)
        yield folder
    finally:
        _umount(folder)


@pytest.fixture
def small_disk(tmp_path):
    """A folder on an empty 256 KiB tmpfs: a probe fits, a larger output does not."""
    folder = tmp_path / "small"
    if not _mount_tmpfs(folder, "size=256k"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
    try:
        yield folder
    finally:
        _umount(folder)


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody may write to: a read-only tmpfs as root, else mode 0555."""
    folder = tmp_path / "ro"
    if os.geteuid() == 0:
        if not _mount_tmpfs(folder, "ro,size=64k"):
            pytest.skip("running as root and cannot mount a read-only tmpfs")
        try:
            yield folder
        finally:
            _umount(folder)
    else:
        folder.mkdir()
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
