"""The life of an annotation store's SQLite connections: open, lock, write, copy, close.

:class:`StoreConnection` is the base of ``core.annotations.store.AnnotationStore``, which
owns the tables; this module owns everything that is not a table:

- opening (:meth:`StoreConnection.open`): the writer lock first when editing
  (``core.annotations.store_lock``; a second writer gets :class:`StoreLockedError` at once),
  then the first connection, then the subclass's :meth:`StoreConnection._prepare` (schema
  check and creation). A failed open closes what it opened and removes a store file (and its
  ``-wal`` / ``-shm``) and parent folders it created;
- one connection per thread (a tracking worker writes while the GUI thread reads), in WAL mode
  with ``synchronous=FULL`` when editing, ``mode=ro`` when read-only (``immutable`` where no
  file can be made: :meth:`StoreConnection._read_only_connection`); SQLite waits
  ``OPEN_TIMEOUT_MS`` for its own lock while opening (a busy store is reported at once) and
  ``BUSY_TIMEOUT_MS`` afterwards (a reader may briefly hold it);
- :meth:`StoreConnection._write`: several statements as one transaction, so a killed process
  loses nothing that was committed; :meth:`StoreConnection.transaction`: several writes as one;
- :meth:`StoreConnection.backup_to` (SQLite's backup written atomically),
  :meth:`StoreConnection.checkpoint` (the write-ahead log emptied into the main file),
  :meth:`StoreConnection.settle` (its commits copied into the main file, waiting for no one),
  :meth:`StoreConnection.close` and the context manager.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from core.annotations.store_lock import StoreError, StoreLockedError, StoreNoSpace, WriterLock

# Waiting for SQLite's own lock: short while opening (a busy store is reported at once),
# longer for edits (a reader may briefly hold it).
OPEN_TIMEOUT_MS = 2000
BUSY_TIMEOUT_MS = 10000

__all__ = ["StoreConnection", "OPEN_TIMEOUT_MS", "BUSY_TIMEOUT_MS"]

#: SQLite's names of the errors a disk without room gives (the -shm index cannot grow: a full disk,
#: a quota, a file-size limit); before 2026-12-07 reported as "not a readable annotation database
#: (disk I/O error)", as if the project were damaged
NO_SPACE_ERRORS = frozenset({"SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"})


def _no_one_writes(folder: Path) -> bool:
    """Whether ``folder``'s mode lets no one write (``r-xr-xr-x``): read-only for root too, whom the
    system lets write anyway (a read-only look, as root, left ``-wal`` and ``-shm`` in it)."""
    try:
        return not folder.stat().st_mode & 0o222
    except OSError:
        return False


def no_space(error: BaseException) -> bool:
    """Whether the sqlite3 ``error`` says that the disk has no room (:data:`NO_SPACE_ERRORS`)."""
    return getattr(error, "sqlite_errorname", None) in NO_SPACE_ERRORS or "disk is full" in str(error)

_Store = TypeVar("_Store", bound="StoreConnection")


class StoreConnection:
    """The SQLite connections of one store file (``path``), one per thread. Open with
    :meth:`open`; subclasses define :meth:`_prepare` (the tables)."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._writer_lock: WriterLock | None = None
        self._glance = False  # read immutable while no -wal holds commits (``open(glance=True)``)

    @classmethod
    def open(cls: type[_Store], path: str | Path, *, read_only: bool = False, glance: bool = False) -> _Store:
        """Open the store at ``path`` (created if needed, unless ``read_only``).

        For editing (default) the writer lock is taken first: StoreLockedError at once
        when another writer holds it. ``read_only=True`` never locks nor writes (writes
        raise StoreError). ``glance=True`` (read-only): a look that leaves no file beside the
        store, where SQLite's read-only connection leaves an empty ``-wal`` and a ``-shm`` for
        good: the store is read ``immutable`` while no ``-wal`` holds commits (a writer that
        starts meanwhile may make the look fail with StoreError; meant for probing other
        projects, ``core.annotations.project_paths``). StoreError names the file; a store this call created is
        removed again when opening fails (no 0-byte file left behind), never one another
        opener holds the lock of.
        """
        from core.fileio import describe_os_error, make_parents, remove_empty

        read_only = read_only or glance
        store = cls(Path(path), read_only=read_only)
        store._glance = glance
        existed = store.path.exists()
        created: list[Path] = []
        if read_only and not existed:
            raise StoreError(store.path, "annotation database not found")
        if store.path.is_dir():
            raise StoreError(store.path, "is a folder, not an annotation database")
        locked = False  # files are removed only by the opener that holds the writer lock
        try:
            if not read_only:
                created = make_parents(store.path.parent)
                store._writer_lock = WriterLock(store.path)
                store._writer_lock.acquire(store.path)
                locked = True
                # looked at again under the lock: a store the lock's holder created after the first look is
                # its own (a second studio opening the same new footage removed the first one's new store,
                # which then went on writing into a file no folder listed)
                existed = store.path.exists()
            store._prepare(store._connection(open_timeout=True))
            for connection in store._connections:
                connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except BaseException as error:
            store.close()
            if not existed:
                for leftover in (store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm")) if locked else ():
                    try:
                        leftover.unlink(missing_ok=True)
                    except OSError:  # a read-only file system: nothing was left there to remove
                        pass
                remove_empty(created)
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise StoreLockedError(store.path, {}) from error
            if isinstance(error, sqlite3.Error) and no_space(error):
                what = "created" if not existed else "opened" if read_only else "opened for editing"
                raise StoreNoSpace(store.path, f"cannot be {what}: no space left on its disk for SQLite's working "
                                               f"files ({store.path.name}-wal, {store.path.name}-shm)") from error
            if isinstance(error, sqlite3.DatabaseError):
                raise StoreError(store.path, f"not a readable annotation database ({error})") from error
            if isinstance(error, OSError):
                raise StoreError(store.path, f"cannot open ({describe_os_error(error)})") from error
            raise
        return store

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Check (and, when editing, create or migrate) the schema on the first connection
        while :meth:`open` runs. Raises StoreError or sqlite3.DatabaseError when the file is
        not a store this version can read. Defined by the subclass that owns the tables."""
        raise NotImplementedError

    def _connection(self, open_timeout: bool = False) -> sqlite3.Connection:
        """This thread's connection, made on first use; StoreError when the store is closed."""
        if self._closed:
            raise StoreError(self.path, "the store is closed")
        connection = getattr(self._local, "connection", None)
        if connection is None:
            timeout_ms = OPEN_TIMEOUT_MS if open_timeout else BUSY_TIMEOUT_MS
            if self.read_only:
                connection = self._read_only_connection(timeout_ms)
            else:
                connection = sqlite3.connect(self.path, timeout=timeout_ms / 1000, isolation_level=None,
                                             check_same_thread=False)
            try:
                connection.execute(f"PRAGMA busy_timeout={timeout_ms}")
                if not self.read_only:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.execute("PRAGMA synchronous=FULL")
            except BaseException:
                connection.close()
                raise
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _read_only_connection(self, timeout_ms: int) -> sqlite3.Connection:
        """A connection that never writes (``mode=ro``). A store in WAL mode needs its shared-memory
        index ``<path>-shm``, which SQLite cannot create in a folder nobody can write (a read-only
        mount, an archive, a DVD) nor grow on a full disk: a project closed cleanly there (no
        ``-wal``) failed to open even read-only ("unable to open database file", "disk I/O error").
        Its main file then holds every commit, and no one can change it, so it is opened
        ``immutable``. A ``-wal`` left beside it, not empty (a studio killed before the file was
        made read-only) holds commits the main file lacks: StoreError saying to copy both files to
        a folder that can be written. A glance (``open(glance=True)``) reads ``immutable`` at once
        while no ``-wal`` holds commits."""
        uri = self.path.resolve().as_uri()

        def connect(options: str) -> sqlite3.Connection:
            return sqlite3.connect(f"{uri}?{options}", uri=True, timeout=timeout_ms / 1000, isolation_level=None,
                                   check_same_thread=False)

        wal = Path(f"{self.path}-wal")
        if (self._glance or _no_one_writes(self.path.parent)) and not (wal.exists() and wal.stat().st_size > 0):
            return connect("mode=ro&immutable=1")
        connection = connect("mode=ro")
        try:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return connection
        except sqlite3.OperationalError as error:
            connection.close()
            if "unable to open" not in str(error) and not no_space(error):
                raise
        if wal.exists() and wal.stat().st_size > 0:  # an empty log (SQLite's own attempt just now) holds nothing
            raise StoreError(self.path, f"cannot be read in this folder: its write-ahead log {wal.name} holds "
                                        "edits SQLite cannot read where no file can be created or grow (a "
                                        f"read-only folder, a full disk); copy {self.path.name} and {wal.name} together to a "
                                        "folder that can be written and open the copy")
        return connect("mode=ro&immutable=1")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Every write of this thread inside the ``with`` block is ONE transaction: all of them
        are kept, or, when the block raises (a write the disk refused midway), none. An undo step
        made of several writes (a group, or a revert that puts some records back and deletes
        others) left the first ones written when a later one failed: the edit "was not saved"
        while half of it was, and a killed studio kept a half-undone step. Nested blocks join the
        outer one. Raises StoreError naming the store when it is read-only, closed, or SQLite cannot
        begin or commit (the block's writes are then rolled back)."""
        if self.read_only:
            raise StoreError(self.path, "opened read-only (another window or program is editing it)")
        connection = self._connection()
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise StoreError(self.path, f"write failed ({error})") from error
        self._local.depth = 1
        try:
            yield
        except BaseException:
            self._local.depth = 0
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        self._local.depth = 0
        try:
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise StoreError(self.path, f"write failed ({error})") from error

    def _write(self, sql_rows: Iterable[tuple[str, Iterable[tuple]]]) -> None:
        """Run several executemany statements as ONE transaction (part of the enclosing one inside
        :meth:`transaction`)."""
        if self.read_only:
            raise StoreError(self.path, "opened read-only (another window or program is editing it)")
        connection = self._connection()
        if getattr(self._local, "depth", 0):  # the enclosing transaction commits, or rolls back, all
            try:
                for sql, rows in sql_rows:
                    connection.executemany(sql, rows)
            except sqlite3.Error as error:
                raise StoreError(self.path, f"write failed ({error})") from error
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            for sql, rows in sql_rows:
                connection.executemany(sql, rows)
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise StoreError(self.path, f"write failed ({error})") from error

    def backup_to(self, path: str | Path) -> Path:
        """Copy the whole database into a new SQLite file at ``path`` and return ``path``.

        The copy holds every committed write as this thread's connection sees it (also those
        still in the write-ahead log, not yet in the store's main file): SQLite's online
        backup, page by page, while the store stays open. Works on a read-only store too.
        Atomic (``core.fileio.atomic_path``): written to a temporary file beside ``path``
        (``.<name>.<pid>.<random>.tmp``, swept by the next writer when a killed run left
        one), then ``os.replace``; an existing file at ``path`` is replaced, and on any
        failure it keeps what it held and no temporary is left. Missing parent folders are
        created.

        Raises StoreError naming this store when it is closed, when ``path`` is its own file,
        or when SQLite cannot copy it; OutputError naming ``path`` when it cannot be written
        (disk full, no permission).
        """
        from core.fileio import atomic_path

        path = Path(path)
        if path.resolve() == self.path.resolve():
            raise StoreError(self.path, f"cannot be backed up to {path}: that is the store's own file")
        source = self._connection()  # StoreError when closed, before anything is written
        with atomic_path(path) as tmp:
            try:
                copy = sqlite3.connect(tmp)
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            except sqlite3.Error as error:
                raise StoreError(self.path, f"cannot be backed up to {path} ({error})") from error
        return path

    def checkpoint(self) -> bool:
        """Copy every commit from the write-ahead log (``<path>-wal``) into the store's main
        file and empty the log (SQLite's ``wal_checkpoint(TRUNCATE)``), so the main file alone
        holds the database: before the file is moved (SQLite leaves the log under the old name)
        or another file takes its name (the log would be laid over that file). The store stays
        open. Returns True when the log was emptied, False when a reader in another connection
        kept SQLite from copying all of it within the busy timeout (the rest stays in the log,
        nothing is lost).

        Raises StoreError naming this store when it is closed, opened read-only, or when
        SQLite fails.
        """
        if self.read_only:
            raise StoreError(self.path, "opened read-only (another window or program is editing it)")
        connection = self._connection()
        try:
            busy, _log_pages, _copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as error:
            raise StoreError(self.path, f"cannot checkpoint its write-ahead log ({error})") from error
        return not busy

    def settle(self) -> bool:
        """Copy the commits of the write-ahead log into the store's main file, waiting for no one
        (SQLite's ``wal_checkpoint(PASSIVE)``), so that the main file alone holds them: a studio
        open for an hour, or killed, left every edit since it opened in ``<path>-wal`` (until the log
        reached 1000 pages), and the project file itself held not even its tables: a copy of it
        (a backup, one sent to a colleague), or the file once the "leftover" ``-wal`` was deleted,
        opened as "not a readable annotation database". Cheap when the log holds nothing new.
        Returns True when the main file holds every commit, False when a reader in another
        connection kept some of them in the log (copied by a later call; nothing is lost). Nothing
        on a store opened read-only. Raises StoreError naming this store when it is closed or
        SQLite fails."""
        if self.read_only:
            return False
        connection = self._connection()
        try:
            busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as error:
            raise StoreError(self.path, f"cannot copy its write-ahead log into the file ({error})") from error
        return not busy and copied >= log_pages

    def close(self) -> None:
        """Close every thread's connection and release the writer lock; later calls raise
        StoreError ("the store is closed"). Closing twice is harmless."""
        with self._lock:
            for connection in self._connections:
                try:
                    connection.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
            self._closed = True
            if self._writer_lock is not None:
                self._writer_lock.release()
                self._writer_lock = None
        self._local = threading.local()

    def __enter__(self: _Store) -> _Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
