"""The annotation store's tables: one sequence's annotations in an embedded SQLite database.

:class:`AnnotationStore` reads and writes the tables below; its connections (open, writer
lock, one connection per thread, one transaction per write, backup, checkpoint, close) are
``core.annotations.store_connection.StoreConnection``, its base. A killed process loses
nothing that was committed: the database runs in WAL mode with ``synchronous=FULL`` and
every public write is one transaction.

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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store_connection import StoreConnection
from core.annotations.store_lock import StoreError, StoreLockedError, StoreNoSpace, lock_path
from core.annotations.store_rows import outputs_from_rows, records_from_rows
from core.annotations.tracked_by import tracked_by

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

__all__ = ["AnnotationStore", "StoreError", "StoreLockedError", "StoreNoSpace", "lock_path", "default_store_path",
           "SCHEMA_VERSION", "STORE_SUFFIX"]


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
    if source is None:
        return Path.cwd() / store_file_name(info.name)
    source = Path(source)
    if source.is_dir():
        folder = source.parent if source.name.lower() in _MODALITY_FOLDERS else source
    else:
        folder = source.parent  # beside the visible video (or the thermal one)
    return folder / store_file_name(info.name)


def store_file_name(name: str) -> str:
    """``<name>.rgbt.sqlite``, the name's characters other than letters, digits, ``-``, ``_``
    and ``.`` made ``_`` ("sequence" for an empty name)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name)) or "sequence"
    return f"{safe}{STORE_SUFFIX}"


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
    (box (4,) or None, confidence)); ``tracked_by``: frame -> the model whose output its box is
    (``core.annotations.tracked_by``), None when not worked out (0.4 s of 100,000 frames: the
    reader's thread does it, not the window's)."""

    records: dict[int, FrameAnnotation]
    proposals: dict[int, tuple]
    tracker_outputs: dict[str, dict[int, tuple]]
    tracked_by: dict[int, str] | None = None


class AnnotationStore(StoreConnection):
    """SQLite-backed annotations of one sequence. Open with :meth:`open`."""

    def __init__(self, path: Path, read_only: bool = False):
        super().__init__(path, read_only)
        self._unreadable_meta: dict[str, None] = {}  # keys of meta entries found not valid JSON, in order

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Refuse a store of a newer schema; when editing, create the tables of an empty
        store and apply ``_MIGRATIONS`` up to ``SCHEMA_VERSION`` in one transaction; then
        read ``annotations`` once (sqlite3.DatabaseError when the file is no such store)."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(self.path, f"written by a newer version (schema {version}); update rgbt-studio")
        if not self.read_only and version < SCHEMA_VERSION:
            with connection:
                connection.executescript(_SCHEMA)
                for from_version in range(version, SCHEMA_VERSION):
                    for sql in _MIGRATIONS.get(from_version, []):
                        connection.execute(sql)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("SELECT COUNT(*) FROM annotations").fetchone()

    # -- annotations ---------------------------------------------------------------------
    _COLUMNS = "frame, x, y, w, h, tx, ty, tw, th, absent, occluded, provenance, confidence, keyframe"

    @staticmethod
    def _row(record: FrameAnnotation) -> tuple:
        # a record's boxes are float64 (4,) arrays: tolist() gives their floats (a float() each: 5x slower)
        return (
            record.frame,
            *((None,) * 4 if record.box is None else record.box.tolist()),
            *((None,) * 4 if record.thermal_box is None else record.thermal_box.tolist()),
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
        records = records_from_rows(rows)  # all rows checked at once (one by one: 1.0 s of 40,000)
        if records is None:  # some row is invalid: one by one, to name it
            records = {row[0]: self._checked_record(row) for row in rows}
        return records

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
        outputs = outputs_from_rows(rows)  # all rows at once (one array each: 0.15 s of 40,000)
        if outputs is not None:
            return outputs
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

    def tracker_output_runs(self, model: str, start: int | None = None, stop: int | None = None) -> dict[int, str]:
        """frame -> the run id under which ``model``'s latest output there was stored (all frames, or
        those in ``[start, stop)``)."""
        lo, hi = _span(start, stop)
        rows = self._connection().execute(
            "SELECT frame, run_id FROM tracker_outputs WHERE model = ? AND frame >= ? AND frame < ?", (model, lo, hi)
        ).fetchall()
        return {int(frame): str(run) for frame, run in rows}

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
        records = self.records()
        outputs = {model: self.tracker_outputs(model) for model in models}
        return StoreContents(records, self.proposals(), outputs, tracked_by(records, outputs))

    def clear_proposals(self, frames: Iterable[int] | None = None) -> None:
        if frames is None:
            self._write([("DELETE FROM proposals", [()])])
        else:
            self._write([("DELETE FROM proposals WHERE frame = ?", [(int(f),) for f in frames])])

    # -- meta ----------------------------------------------------------------------------
    # Meta entries are conveniences (where the footage is, the session's place, ...): one that is
    # not valid JSON (a project edited outside the studio) made the whole project unopenable, its
    # boxes with it. It now reads as missing, and ``unreadable_meta`` names it.

    @property
    def unreadable_meta(self) -> tuple[str, ...]:
        """The keys of the meta entries read so far that were not valid JSON, or not a value their
        reader can use (``ignore_meta``), read as missing, in the order they were met; an entry
        written again since is no longer named."""
        return tuple(self._unreadable_meta)

    def ignore_meta(self, key: str) -> None:
        """Name meta entry ``key`` in ``unreadable_meta``: valid JSON, but not a value its reader
        can use (a frame offset that is no number), so read as missing."""
        with self._lock:
            self._unreadable_meta[key] = None

    def get_meta(self, key: str, default: Any = None) -> Any:
        """The value of meta entry ``key``; ``default`` when there is none or it is not valid
        JSON (then named by ``unreadable_meta``)."""
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        value = self._json(key, row[0])
        return default if value is _UNREADABLE else value

    def _json(self, key: str, text: Any) -> Any:
        try:
            return json.loads(text)
        except (TypeError, ValueError, RecursionError):
            with self._lock:
                self._unreadable_meta[key] = None
            return _UNREADABLE

    def set_meta(self, key: str, value: Any) -> None:
        self._write([("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [(key, json.dumps(value))])])
        with self._lock:
            self._unreadable_meta.pop(key, None)

    def meta(self) -> dict[str, Any]:
        """key -> value of every meta entry that is valid JSON (the others: ``unreadable_meta``)."""
        rows = self._connection().execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        values = {key: self._json(key, value) for key, value in rows}
        return {key: value for key, value in values.items() if value is not _UNREADABLE}


#: What :meth:`AnnotationStore._json` gives for a meta entry that is not valid JSON.
_UNREADABLE = object()
