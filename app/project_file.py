"""The project file under a document that is open: put back when another program deletes,
replaces or moves it (``keep_file``), and the file-system facts that takes (which file a path is,
where an open file went, a copy placed without overwriting, whether the writer lock is free).

SQLite goes on writing into the file it opened, whatever happens to its name: a deleted project took
every later edit with it at close, a replaced one wrote over the replacing file's log, a moved one
left its last commits in the old name's ``-wal``. ``Document.keep_file`` calls :func:`keep_file` at
each edit, at a run's end, every few seconds from the window (``main_window``) and at close.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.annotations.store import AnnotationStore

if TYPE_CHECKING:
    from app.document import Document


def keep_file(document: Document, *, closing: bool = False) -> str | None:
    """Put the project back on disk when another program deleted or replaced its file while
    it was open. SQLite goes on writing into the file it opened: after a delete every later
    edit went into a file no folder lists, and closing the window lost all of it without a
    word; after a replace (a backup restored, a sync tool) into the file replaced. What the
    open store holds is copied (SQLite's backup) to the project's path when the file is gone,
    or beside it (``<name>-recovered-<time>.rgbt.sqlite``) when another file is there now,
    which is left alone; the document goes on in that copy. Returns the sentence saying so
    (also emitted as ``file_restored``), or None when the file is the one opened."""
    from core.annotations.project_paths import studio_home
    from core.annotations.store import StoreError
    from core.errors import RGBTError

    if document.closed or document.read_only or document.opened_file is None:
        return None
    path = Path(document.store.path)
    current = file_id(path)
    if current == document.opened_file:
        return None
    if not closing and document.store_in_use():
        # a job writes through the store it was given: closing it under the job failed the job
        # (its boxes kept in the copy only up to then); the run's end, the next edit or the close does it
        return None
    moved = moved_to(document.opened_file) if current is None else None
    if moved is not None:
        # renamed, or moved with its folder (a dataset reorganised): the same file, elsewhere. Copied,
        # the work split in two (a recovered copy went on, the moved project stopped); followed, it stays one
        try:
            # SQLite does not write its log into a moved file when closing it: left in <old name>-wal,
            # every commit since the last checkpoint was missing from the moved project
            document.store.checkpoint()
            document.store.close()
            for leftover in ("-wal", "-shm"):  # the emptied log and its index, under a name no file has
                if not path.exists():
                    Path(f"{path}{leftover}").unlink(missing_ok=True)
            document.store = AnnotationStore.open(moved)
        except (OSError, sqlite3.Error, RGBTError) as error:
            document.opened_file = None
            document.write_failed.emit(StoreError(path, f"was moved to {moved} while open, which cannot be opened "
                                                    f"for editing there ({error}): open it again"))
            return None
        document.opened_file = file_id(moved)
        text = f"{path} was moved or renamed while open, to {moved}: the studio follows it there, nothing is lost"
        document.file_restored.emit(text)
        return text
    if current is None and path.parent.is_dir():
        target, what = path, "was deleted while open"
    else:
        stem = path.name[: -len(".rgbt.sqlite")] if path.name.endswith(".rgbt.sqlite") else path.stem
        folder = path.parent if path.parent.is_dir() else studio_home() / "projects"
        target = folder / f"{stem}-recovered-{time.strftime('%Y%m%d-%H%M%S')}.rgbt.sqlite"
        what = "was replaced by another file while open" if current is not None else "was deleted with its folder"
    part = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        document.store.backup_to(part)
        # its write-ahead log is found by name (<path>-wal): left behind, SQLite laid it over
        # the file now at that path (the replacing file, the copy written again)
        document.store.checkpoint()
        place(part, target)
    except (OSError, sqlite3.Error, RGBTError) as error:
        try:  # the open store still holds everything
            part.unlink(missing_ok=True)
        except OSError:
            pass
        document.opened_file = None  # said once
        document.write_failed.emit(StoreError(path, f"{what}; writing what this window holds to {target} failed "
                                                f"({error}): keep the window open and export the annotations"))
        return None
    document.store.close()
    try:
        document.store = AnnotationStore.open(target)
    except RGBTError as error:  # the work is in target; this window can write no more
        document.opened_file = None
        document.write_failed.emit(StoreError(path, f"{what}; this window's work is in {target}, which cannot be "
                                                f"opened for editing ({error}): open it again"))
        return None
    document.opened_file = file_id(target)
    if target == path:
        text = f"{path} {what}: it was written again from this window, nothing is lost"
    else:
        text = (f"{path} {what}: the other file is left as it is; this window's work is kept in "
                f"{target} and goes on there")
    document.file_restored.emit(text)
    return text


def file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``, None when there is no such file."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def writer_lock_free(path: Path) -> bool:
    """Whether no one holds the store's writer lock now (taken and given back at once); False
    when that cannot be told (a folder no lock file can be made in)."""
    from core.annotations.store_lock import WriterLock
    from core.errors import RGBTError

    lock = WriterLock(path)
    try:
        lock.acquire(path)
    except (RGBTError, OSError):
        return False
    lock.release()
    return True


def place(part: Path, target: Path) -> None:
    """Move ``part`` to ``target``, never over a file that appeared there meanwhile: a hard link,
    or, where the file system has none (FAT, some network shares), a rename after a last look."""
    import errno

    try:
        os.link(part, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK) \
                or target.exists():
            raise
        os.replace(part, target)
        return
    part.unlink()


def moved_to(opened: tuple[int, int] | None) -> Path | None:
    """Where the file this process has open with ``opened`` (device, inode) is now, when it is still
    linked in some folder (renamed or moved, not deleted); None when it was deleted or that cannot be
    told (no ``/proc``)."""
    fds = Path("/proc/self/fd")
    if opened is None or not fds.is_dir():
        return None
    try:
        entries = list(fds.iterdir())
    except OSError:
        return None
    for entry in entries:
        try:
            status = os.stat(entry)
            if (status.st_dev, status.st_ino) != opened or status.st_nlink < 1:
                continue
            place = Path(os.readlink(entry))
        except OSError:
            continue
        if place.is_absolute() and file_id(place) == opened:
            return place
    return None
