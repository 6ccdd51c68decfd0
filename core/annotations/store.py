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
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.errors import FileProblem

SCHEMA_VERSION = 1
STORE_SUFFIX = ".rgbt.sqlite"

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


class StoreError(FileProblem):
    """The annotation database cannot be opened or written."""


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


def _box_from(row: tuple) -> np.ndarray | None:
    return None if row[0] is None else np.array(row, dtype=np.float64)


class AnnotationStore:
    """SQLite-backed annotations of one sequence. Open with :meth:`open`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False

    @classmethod
    def open(cls, path: str | Path) -> AnnotationStore:
        """Open (creating if needed) the store at ``path``. StoreError names the file."""
        store = cls(Path(path))
        try:
            store.path.parent.mkdir(parents=True, exist_ok=True)
            connection = store._connection()
            with connection:
                connection.executescript(_SCHEMA)
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(store.path, f"written by a newer version (schema {version}); update rgbt-studio")
                for from_version in range(version, SCHEMA_VERSION):
                    for sql in _MIGRATIONS.get(from_version, []):
                        connection.execute(sql)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as error:
            store.close()
            raise StoreError(store.path, f"not a readable annotation database ({error})") from error
        except OSError as error:
            store.close()
            raise StoreError(store.path, f"cannot open ({error})") from error
        return store

    # -- connections ---------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(self.path, "the store is closed")
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA busy_timeout=30000")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _write(self, sql_rows: Iterable[tuple[str, Iterable[tuple]]]) -> None:
        """Run several executemany statements as ONE transaction."""
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

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                try:
                    connection.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
            self._closed = True
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

    def get(self, frame: int) -> FrameAnnotation | None:
        row = self._connection().execute(
            f"SELECT {self._COLUMNS} FROM annotations WHERE frame = ?", (int(frame),)
        ).fetchone()
        return None if row is None else self._record(row)

    def records(self, start: int | None = None, stop: int | None = None) -> dict[int, FrameAnnotation]:
        """All records (or frames in ``[start, stop)``), keyed and ordered by frame."""
        sql = f"SELECT {self._COLUMNS} FROM annotations"
        args: tuple = ()
        if start is not None or stop is not None:
            sql += " WHERE frame >= ? AND frame < ?"
            args = (start if start is not None else 0, stop if stop is not None else 2**62)
        rows = self._connection().execute(sql + " ORDER BY frame", args).fetchall()
        return {row[0]: self._record(row) for row in rows}

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

    # -- tracker outputs -----------------------------------------------------------------
    def put_tracker_outputs(self, model: str, run_id: str, rows: Iterable[tuple[int, Any, float | None]]) -> None:
        """Store raw outputs of ``model`` ("student" | "teacher"): rows (frame, box, confidence)."""
        data = [(model, int(f), run_id, *_box_columns(box), None if c is None else float(c)) for f, box, c in rows]
        if data:
            self._write(
                [("INSERT OR REPLACE INTO tracker_outputs (model, frame, run_id, x, y, w, h, confidence) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data)]
            )

    def tracker_outputs(self, model: str) -> dict[int, tuple[np.ndarray | None, float | None]]:
        """frame -> (box (4,) or None, confidence) of ``model``'s latest outputs."""
        rows = self._connection().execute(
            "SELECT frame, x, y, w, h, confidence FROM tracker_outputs WHERE model = ? ORDER BY frame", (model,)
        ).fetchall()
        return {row[0]: (_box_from(row[1:5]), row[5]) for row in rows}

    # -- teacher proposals ---------------------------------------------------------------
    def put_proposals(self, run_id: str, rows: Iterable[tuple[int, Any, float | None]]) -> None:
        data = [(int(f), *_box_columns(box), None if c is None else float(c), run_id) for f, box, c in rows]
        if data:
            self._write(
                [("INSERT OR REPLACE INTO proposals (frame, x, y, w, h, confidence, run_id) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)", data)]
            )

    def proposals(self) -> dict[int, tuple[np.ndarray | None, float | None]]:
        rows = self._connection().execute(
            "SELECT frame, x, y, w, h, confidence FROM proposals ORDER BY frame"
        ).fetchall()
        return {row[0]: (_box_from(row[1:5]), row[5]) for row in rows}

    def clear_proposals(self, frames: Iterable[int] | None = None) -> None:
        if frames is None:
            self._write([("DELETE FROM proposals", [()])])
        else:
            self._write([("DELETE FROM proposals WHERE frame = ?", [(int(f),) for f in frames])])

    # -- meta ----------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        self._write([("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [(key, json.dumps(value))])])

    def meta(self) -> dict[str, Any]:
        rows = self._connection().execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        return {key: json.loads(value) for key, value in rows}
