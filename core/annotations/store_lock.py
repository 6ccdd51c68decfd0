"""The annotation store's writer lock: one editor per store, across processes.

Opening a store for editing takes an exclusive, non-blocking lock on ``.<store name>.lock``
beside it (``flock``; ``msvcrt.locking`` on Windows). The system releases it when the
process dies, so a killed run never leaves a stale lock. The lock file holds a JSON
description of the holder (``pid``, ``program``, ``user``, ``host``, ``since``), which a
second opener reads to say who has the store (:class:`StoreLockedError`).
"""
from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from core.errors import FileProblem


class StoreError(FileProblem):
    """The annotation database cannot be opened or written."""


class StoreNoSpace(StoreError):
    """The store's disk has no room for the files SQLite needs to open it (``<store>-shm``,
    ``<store>-wal``): a full disk, a quota, a file-size limit. Opening it read-only may still work."""


class StoreLockedError(StoreError):
    """Another writer holds the store. ``holder``: what the lock file says about it
    (``pid``, ``program``, ``user``, ``host``, ``since``; empty when unknown)."""

    def __init__(self, path, holder: dict[str, Any]):
        self.holder = dict(holder)
        super().__init__(path, f"is open for editing by {describe_holder(self.holder)}; close it there, "
                               "or open it read-only")


def describe_holder(holder: dict[str, Any]) -> str:
    """``process 1234 (rgbt-studio studio, user ann on host lab-3, since 2025-01-01 10:00)``."""
    if not holder.get("pid"):
        return "another program"
    details = [str(holder["program"])] if holder.get("program") else []
    if holder.get("user") or holder.get("host"):
        details.append(f"user {holder.get('user', '?')} on host {holder.get('host', '?')}")
    if holder.get("since"):
        details.append(f"since {holder['since']}")
    return f"process {holder['pid']}" + (f" ({', '.join(details)})" if details else "")


def lock_path(path: str | Path) -> Path:
    """The lock file of the store at ``path``: ``.<name>.lock`` beside it, the file a symbolic
    link names, not the link (opened through a link of another name, the same project took a
    second lock and had two editors, each undoing over the other's work)."""
    path = Path(path).resolve()
    return path.with_name(f".{path.name}.lock")


class WriterLock:
    """Exclusive, non-blocking lock of one store (see the module doc)."""

    def __init__(self, store_path: Path):
        self.path = lock_path(store_path)
        self._fd: int | None = None

    def acquire(self, store_path: Path) -> None:
        for _ in range(5):  # the file may be removed by a closing holder between open and lock
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise StoreLockedError(store_path, holder)
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                _write_holder(fd)
                return
            os.close(fd)
        raise StoreError(store_path, f"cannot take the writer lock {self.path}")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still locked: no other holder can be cut off
        except OSError:
            pass
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as error:  # e.g. a file system without locks: single-writer cannot be checked
        import errno

        return error.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _write_holder(fd: int) -> None:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        user = "?"
    program = " ".join(["rgbt-studio", *sys.argv[1:2]]) if sys.argv and sys.argv[0] else "rgbt-studio"
    holder = {"pid": os.getpid(), "program": program, "user": user, "host": socket.gethostname(),
              "since": _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
    data = json.dumps(holder).encode()
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0) if hasattr(os, "pwrite") else (os.lseek(fd, 0, 0), os.write(fd, data))
    except OSError:
        pass  # the lock holds; only the description is missing


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
