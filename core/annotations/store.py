"""The annotation store: an embedded SQLite database, one transaction per edit.

A killed process loses nothing that was committed: the database runs in WAL mode with
``synchronous=FULL`` and every public write is one transaction. Each thread gets its own
connection (a tracking worker writes while the GUI thread reads).

Tables (schema version 1):

- ``annotations(frame PRIMARY KEY, x, y, w, h, tx, ty, tw, th, absent, occluded,
  provenance, confidence, keyframe)``: the current annotation of each frame;
- ``tracker_outputs(model, frame, run_id, x, y, w, h, confidence)``: raw student /
  teacher outputs, kept even where the user's box differs (timeline, distillation);
- ``proposals(frame PRIMARY KEY, x, y, w, h, confidence, run_id)``: teacher boxes waiting
  to be accepted;
- ``meta(key PRIMARY KEY, value JSON)``: source paths, frame offset, sequence name, ...

One writer per store: opening for editing takes an exclusive lock on
``.<store name>.lock`` beside it (``core.annotations.store_lock``; released by the system
when the process dies, so a killed run never leaves a stale lock). A second opener, in this process or
another, gets :class:`StoreLockedError` at once, naming the file and the holder (process
id, program, user, host, since when); it can open the store with ``read_only=True``.

A copy of an open store (the studio's project put back when its file was deleted or
replaced): :meth:`AnnotationStore.backup_to`, SQLite's backup written atomically. The
write-ahead log emptied into the main file (before the file is moved or its name taken):
:meth:`AnnotationStore.checkpoint`.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store_lock import StoreError, StoreLockedError, WriterLock, lock_path

SCHEMA_VERSION = 1
STORE_SUFFIX = ".rgbt.sqlite"
# Waiting for SQLite's own lock: short while opening (a busy store is reported at once),
# longer for edits (a reader may briefly hold it).
OPEN_TIMEOUT_MS = 2000
BUSY_TIMEOUT_MS = 10000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS annotations (
    frame INTEGER PRIMARY KEY,
    x REAL, y REAL, w REAL, h REAL,
    tx REAL, ty REAL, tw REAL, th REAL,
    absent INTEGER NOT NULL DEFAULT 0,
    occluded INTEGER NOT NULL DEFAULT 0,
    provenance TEXT NOT NULL,
    confidence REAL,
    keyframe INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tracker_outputs (
    model TEXT NOT NULL,
    frame INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    x REAL, y REAL, w REAL, h REAL,
    confidence REAL,
    PRIMARY KEY (model, frame)
);
CREATE TABLE IF NOT EXISTS proposals (
    frame INTEGER PRIMARY KEY,
    x REAL, y REAL, w REAL, h REAL,
    confidence REAL,
    run_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Future migrations: {from_version: [sql, ...]} applied in order on open.
_MIGRATIONS: dict[int, list[str]] = {}

__all__ = ["AnnotationStore", "StoreError", "StoreLockedError", "lock_path", "default_store_path", "SCHEMA_VERSION",
           "STORE_SUFFIX"]


# Sub-folders that hold one modality's frames inside a sequence folder (dataset layouts).
_MODALITY_FOLDERS = frozenset(
    {"visible", "infrared", "v", "i", "rgb", "ir", "color", "visual", "thermal", "img", "vis", "inf", "tir"}
)


def default_store_path(info) -> Path:
    """Where a sequence's annotations live by default: ``<folder>/<name>.rgbt.sqlite``.

    ``info``: a ``SequenceInfo``. ``<folder>`` is the sequence folder for dataset layouts
    (the parent of ``visible/``, ``v/``, ``rgb/``, ... or the image folder itself when
    frames lie directly in it, as in VOT-TIR), the folder of the visible video for a
    video pair, the thermal source for thermal-only sequences, and the current folder
    for sequences with no source on disk. A user-chosen project path is simply passed
    to :meth:`AnnotationStore.open` instead.
    """
    source = info.visible_source or info.thermal_source
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(info.name)) or "sequence"
    if source is None:
        return Path.cwd() / f"{safe}{STORE_SUFFIX}"
    source = Path(source)
    if source.is_dir():
        folder = source.parent if source.name.lower() in _MODALITY_FOLDERS else source
    else:
        folder = source.parent  # beside the visible video (or the thermal one)
    return folder / f"{safe}{STORE_SUFFIX}"


def _box_columns(box) -> tuple:
    return (None,) * 4 if box is None else tuple(float(v) for v in box)


def _span(start: int | None, stop: int | None) -> tuple[int, int]:
    """``[start, stop)`` as the bounds of a frame query (None: unbounded)."""
    return (-2**62 if start is None else int(start)), (2**62 if stop is None else int(stop))


def _box_from(row: tuple) -> np.ndarray | None:
    return None if row[0] is None else np.array(row, dtype=np.float64)


@dataclass(frozen=True)
class StoreContents:
    """A store's contents at one moment (:meth:`AnnotationStore.contents`): ``records``
    (frame -> FrameAnnotation), ``proposals`` and ``tracker_outputs`` (model -> frame ->
    (box (4,) or None, confidence))."""

    records: dict[int, FrameAnnotation]
    proposals: dict[int, tuple]
    tracker_outputs: dict[str, dict[int, tuple]]


class AnnotationStore:
    """SQLite-backed annotations of one sequence. Open with :meth:`open`."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._writer_lock: WriterLock | None = None

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> AnnotationStore:
        """Open the store at ``path`` (created if needed, unless ``read_only``).

        For editing (default) the writer lock is taken first: StoreLockedError at once
        when another writer holds it. ``read_only=True`` never locks nor writes (writes
        raise StoreError). StoreError names the file; a store this call created is
        removed again when opening fails (no 0-byte file left behind).
        """
        from core.fileio import describe_os_error, make_parents, remove_empty

        store = cls(Path(path), read_only=read_only)
        existed = store.path.exists()
        created: list[Path] = []
        if read_only and not existed:
            raise StoreError(store.path, "annotation database not found")
        if store.path.is_dir():
            raise StoreError(store.path, "is a folder, not an annotation database")
        try:
            if not read_only:
                created = make_parents(store.path.parent)
                store._writer_lock = WriterLock(store.path)
                store._writer_lock.acquire(store.path)
            connection = store._connection(open_timeout=True)
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(store.path, f"written by a newer version (schema {version}); update rgbt-studio")
            if not read_only and version < SCHEMA_VERSION:
                with connection:
                    connection.executescript(_SCHEMA)
                    for from_version in range(version, SCHEMA_VERSION):
                        for sql in _MIGRATIONS.get(from_version, []):
                            connection.execute(sql)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("SELECT COUNT(*) FROM annotations").fetchone()
            for connection in store._connections:
                connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except BaseException as error:
            store.close()
            if not existed:
                for leftover in (store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm")):
                    try:
                        leftover.unlink(missing_ok=True)
                    except OSError:  # a read-only file system: nothing was left there to remove
                        pass
                remove_empty(created)
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise StoreLockedError(store.path, {}) from error
            if isinstance(error, sqlite3.DatabaseError):
                raise StoreError(store.path, f"not a readable annotation database ({error})") from error
            if isinstance(error, OSError):
                raise StoreError(store.path, f"cannot open ({describe_os_error(error)})") from error
            raise
        return store

    # -- connections ---------------------------------------------------------------------
    def _connection(self, open_timeout: bool = False) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(self.path, "the store is closed")
        connection = getattr(self._local, "connection", None)
        if connection is None:
            timeout_ms = OPEN_TIMEOUT_MS if open_timeout else BUSY_TIMEOUT_MS
            if self.read_only:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                connection = sqlite3.connect(uri, uri=True, timeout=timeout_ms / 1000, isolation_level=None,
                                             check_same_thread=False)
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

    def _write(self, sql_rows: Iterable[tuple[str, Iterable[tuple]]]) -> None:
        """Run several executemany statements as ONE transaction."""
        if self.read_only:
            raise StoreError(self.path, "opened read-only (another window or program is editing it)")
        connection = self._connection()
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

    def close(self) -> None:
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

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- annotations ---------------------------------------------------------------------
    _COLUMNS = "frame, x, y, w, h, tx, ty, tw, th, absent, occluded, provenance, confidence, keyframe"

    @staticmethod
    def _row(record: FrameAnnotation) -> tuple:
        return (
            record.frame,
            *_box_columns(record.box),
            *_box_columns(record.thermal_box),
            int(record.absent),
            int(record.occluded),
            record.provenance.value,
            record.confidence,
            int(record.keyframe),
        )

    @staticmethod
    def _record(row: tuple) -> FrameAnnotation:
        return FrameAnnotation(
            frame=row[0],
            box=_box_from(row[1:5]),
            thermal_box=_box_from(row[5:9]),
            absent=bool(row[9]),
            occluded=bool(row[10]),
            provenance=Provenance(row[11]),
            confidence=row[12],
            keyframe=bool(row[13]),
        )

    def _checked_record(self, row: tuple) -> FrameAnnotation:
        """The record of one table row; StoreError naming the file and frame when invalid."""
        try:
            return self._record(row)
        except (ValueError, TypeError, OverflowError) as error:
            raise StoreError(self.path, f"annotation row of frame {row[0]!r} is invalid ({error}); "
                                        "the database was changed outside rgbt-studio") from None

    def get(self, frame: int) -> FrameAnnotation | None:
        row = self._connection().execute(
            f"SELECT {self._COLUMNS} FROM annotations WHERE frame = ?", (int(frame),)
        ).fetchone()
        return None if row is None else self._checked_record(row)

    def records(self, start: int | None = None, stop: int | None = None) -> dict[int, FrameAnnotation]:
        """All records (or frames in ``[start, stop)``), keyed and ordered by frame."""
        sql = f"SELECT {self._COLUMNS} FROM annotations"
        args: tuple = ()
        if start is not None or stop is not None:
            sql += " WHERE frame >= ? AND frame < ?"
            args = _span(start, stop)
        rows = self._connection().execute(sql + " ORDER BY frame", args).fetchall()
        return {row[0]: self._checked_record(row) for row in rows}

    def put(self, records: Iterable[FrameAnnotation]) -> None:
        """Insert or replace records, all in one transaction."""
        rows = [self._row(r) for r in records]
        if rows:
            placeholders = ",".join("?" * 14)
            self._write([(f"INSERT OR REPLACE INTO annotations ({self._COLUMNS}) VALUES ({placeholders})", rows)])

    def delete(self, frames: Iterable[int]) -> None:
        """Remove the records of ``frames`` in one transaction."""
        rows = [(int(f),) for f in frames]
        if rows:
            self._write([("DELETE FROM annotations WHERE frame = ?", rows)])

    def count(self) -> int:
        return self._connection().execute("SELECT COUNT(*) FROM annotations").fetchone()[0]

    def _checked_outputs(self, rows) -> dict[int, tuple[np.ndarray | None, float | None]]:
        try:
            return {int(row[0]): (_box_from(row[1:5]), None if row[5] is None else float(row[5])) for row in rows}
        except (ValueError, TypeError) as error:
            raise StoreError(self.path, f"a tracker output row is invalid ({error}); "
                                        "the database was changed outside rgbt-studio") from None

    # -- tracker outputs -----------------------------------------------------------------
    def put_tracker_outputs(self, model: str, run_id: str, rows: Iterable[tuple[int, Any, float | None]]) -> None:
        """Store raw outputs of ``model`` ("student" | "teacher"): rows (frame, box, confidence)."""
        data = [(model, int(f), run_id, *_box_columns(box), None if c is None else float(c)) for f, box, c in rows]
        if data:
            self._write(
                [("INSERT OR REPLACE INTO tracker_outputs (model, frame, run_id, x, y, w, h, confidence) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data)]
            )

    def tracker_outputs(self, model: str, start: int | None = None,
                        stop: int | None = None) -> dict[int, tuple[np.ndarray | None, float | None]]:
        """frame -> (box (4,) or None, confidence) of ``model``'s latest outputs (all, or the
        frames in ``[start, stop)``)."""
        lo, hi = _span(start, stop)
        rows = self._connection().execute(
            "SELECT frame, x, y, w, h, confidence FROM tracker_outputs WHERE model = ? AND frame >= ? AND frame < ? "
            "ORDER BY frame", (model, lo, hi)
        ).fetchall()
        return self._checked_outputs(rows)

    # -- teacher proposals ---------------------------------------------------------------
    def put_proposals(self, run_id: str, rows: Iterable[tuple[int, Any, float | None]]) -> None:
        data = [(int(f), *_box_columns(box), None if c is None else float(c), run_id) for f, box, c in rows]
        if data:
            self._write(
                [("INSERT OR REPLACE INTO proposals (frame, x, y, w, h, confidence, run_id) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)", data)]
            )

    def proposals(self, start: int | None = None,
                  stop: int | None = None) -> dict[int, tuple[np.ndarray | None, float | None]]:
        """frame -> (box (4,) or None, confidence) of the waiting teacher proposals (all, or
        the frames in ``[start, stop)``)."""
        lo, hi = _span(start, stop)
        rows = self._connection().execute(
            "SELECT frame, x, y, w, h, confidence FROM proposals WHERE frame >= ? AND frame < ? ORDER BY frame",
            (lo, hi)
        ).fetchall()
        return self._checked_outputs(rows)

    def contents(self, models: Iterable[str]) -> StoreContents:
        """Everything a view of the project shows: all records, proposals and the tracker
        outputs of ``models``. Read in one call, so an opening job can read it on its worker
        thread (each thread has its own connection) before the window takes over the store."""
        return StoreContents(self.records(), self.proposals(), {model: self.tracker_outputs(model) for model in models})

    def clear_proposals(self, frames: Iterable[int] | None = None) -> None:
        if frames is None:
            self._write([("DELETE FROM proposals", [()])])
        else:
            self._write([("DELETE FROM proposals WHERE frame = ?", [(int(f),) for f in frames])])

    # -- meta ----------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else self._json(key, row[0])

    def _json(self, key: str, text: Any) -> Any:
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            raise StoreError(self.path, f"meta entry {key!r} is not valid JSON; "
                                        "the database was changed outside rgbt-studio") from None

    def set_meta(self, key: str, value: Any) -> None:
        self._write([("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [(key, json.dumps(value))])])

    def meta(self) -> dict[str, Any]:
        rows = self._connection().execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        return {key: self._json(key, value) for key, value in rows}
