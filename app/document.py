"""The open project: one sequence, its annotation store, and the undo stack.

Every edit is a core command (``core.annotations.history``) applied to the SQLite store
at once (durable: kill the process and nothing committed is lost) and wrapped in a
``QUndoCommand`` on the document's ``QUndoStack``. A tracking run writes its frames from
the worker thread as it goes; its commands are collected and pushed as ONE undo step
when the run ends (``push_applied``).

The document keeps a read cache of the records (frame -> ``FrameAnnotation``), the
proposals and the tracker outputs for the views; ``changed(frames)`` says which frames
to refresh (None = all).
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.edits import AcceptProposals, DropProposals, ReplaceTrackerOutputs
from app.review import TimelineData
from core.annotations.absent_memory import (
    boxes_behind_absent,
    forget_box_behind_absent,
    remember_box_behind_absent,
)
from core.annotations.history import Command, CommandGroup, DeleteRecords, SetRecords
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreContents
from core.annotations.tracked_by import tracked_by
from core.geometry import iou
from core.trackers import tracker_label, tracker_names


class _UndoEntry(QUndoCommand):
    """A core command on the Qt undo stack; ``applied`` skips the first redo (the command
    was already applied, e.g. frame by frame by a tracking run)."""

    def __init__(self, document: Document, command: Command, *, applied: bool = False):
        super().__init__(command.label or "edit")
        self.document = document
        self.command = command
        self._skip_redo = applied
        self._skip_undo = False

    def redo(self) -> None:
        if self._skip_redo:  # applied, and the document's cache follows it already (the caller's job)
            self._skip_redo = False
            return
        if not self.document.write(self.command.apply, self.command):
            self.document._failed_step = self

    def undo(self) -> None:
        if self._skip_undo:  # its redo could not be written: nothing to revert (``Document.redo``)
            self._skip_undo = False
            return
        if not self.document.write(self.command.revert, self.command):
            self.document._failed_step = self


def touched_frames(command: Command) -> list[int] | None:
    """The frames whose records, proposals or tracker outputs ``command`` changes, or None
    when that is not known (the whole store is re-read then). Undoing a 10,000-frame run
    re-reads those frames, not the whole project."""
    if isinstance(command, CommandGroup):
        frames: list[int] = []
        for part in command.commands:
            part_frames = touched_frames(part)
            if part_frames is None:
                return None
            frames.extend(part_frames)
        return frames
    if isinstance(command, SetRecords):
        return command.frames
    if isinstance(command, DeleteRecords):
        return list(command.frames)
    if isinstance(command, (AcceptProposals, DropProposals)):
        return list(command.proposals)
    if isinstance(command, ReplaceTrackerOutputs):
        return list(command.outputs)
    return None


#: Boxes the teacher's agreement is shown for: a tracker's, and the teacher's once accepted.
MACHINE_OR_ACCEPTED = (Provenance.STUDENT, Provenance.TEACHER)


class Document(QObject):
    """changed(object frames): a list of frames whose data changed, or None for all."""

    changed = Signal(object)
    refused = Signal(str)  # an edit asked on a store opened read-only: the sentence to show
    write_failed = Signal(object)  # an edit the store could not write (disk full, ...): the RGBTError
    file_restored = Signal(str)  # the project file was deleted or replaced while open: where the work went

    def __init__(self, sequence, store: AnnotationStore, parent: QObject | None = None, *,
                 contents: StoreContents | None = None):
        super().__init__(parent)
        self.sequence = sequence
        self.store = store
        self.undo_stack = QUndoStack(self)
        self.records: dict[int, FrameAnnotation] = {}
        self.proposals: dict[int, tuple] = {}
        self.teacher: dict[int, tuple] = {}  # frame -> (box, confidence): the teacher's latest outputs
        self.tracked_by: dict[int, str] = {}  # frame -> label of the tracker that made its box
        # frame -> its record when O marked it absent, kept in the store (core.annotations.absent_memory)
        self.before_absent: dict[int, FrameAnnotation] = boxes_behind_absent(store)
        self._failed_step: _UndoEntry | None = None  # the undo step whose write failed (``undo``, ``redo``)
        self.recipe = None  # how the tracking process reopens the sequence (app.track_process.Recipe)
        self.closed = False
        # the timeline's arrays, kept up to date frame by frame (None: rebuilt on the next timeline())
        self._timeline: TimelineData | None = None
        self._file_id = _file_id(store.path)  # which file the store opened (``keep_file``)
        # whether a job (a tracking run, an export, ...) holds the store now: the window's to say
        self.store_in_use = lambda: False
        self._load(contents if contents is not None else store.contents(tracker_names()))

    # -- properties ---------------------------------------------------------------------
    @property
    def info(self):
        return self.sequence.info

    @property
    def num_frames(self) -> int:
        return len(self.sequence)

    @property
    def path(self) -> Path:
        return self.store.path

    def record(self, frame: int) -> FrameAnnotation | None:
        return self.records.get(int(frame))

    # -- the box behind an absent mark ---------------------------------------------------------
    def remember_before_absent(self, record: FrameAnnotation) -> None:
        """Keep ``record``'s box to bring back when its frame's absent mark is lifted (O twice),
        in this session and in the project (not on a store opened read-only)."""
        from core.errors import RGBTError

        self.before_absent[record.frame] = record
        if not self.read_only:
            try:
                remember_box_behind_absent(self.store, record)
            except RGBTError:  # a store that cannot write: the absent mark's own write says so
                pass

    def forget_before_absent(self, frame: int) -> None:
        """Nothing to bring back for ``frame`` any more."""
        from core.errors import RGBTError

        if self.before_absent.pop(int(frame), None) is not None and not self.read_only:
            try:
                forget_box_behind_absent(self.store, frame)
            except RGBTError:  # as above
                pass

    # -- edits ----------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return bool(getattr(self.store, "read_only", False))

    def refuse_if_read_only(self, what: str = "edits") -> bool:
        """True (and ``refused`` emitted) when the store was opened read-only."""
        if not self.read_only:
            return False
        from app.project import read_only_file

        if read_only_file(self.path):
            self.refused.emit(f"{what} refused: {self.path.name} is open read-only (its file is read-only)")
        elif _writer_lock_free(self.path):  # it said "another window ... is editing it" after that one closed
            self.refused.emit(f"{what} refused: {self.path.name} is open read-only, and the window or program that "
                              "was editing it has closed it since: open it again (File > Open recent) to edit it, "
                              "with what that one saved")
        else:
            self.refused.emit(f"{what} refused: {self.path.name} is open read-only "
                              "(another window or program is editing it)")
        return True

    def execute(self, command: Command | None) -> bool:
        """Apply ``command`` to the store now and make it one undo step; a write the store
        refuses (disk full, a file system gone read-only) emits ``write_failed`` and leaves no
        undo step (the edit vanished without a word, and its undo step undid nothing). True when
        it was written."""
        if command is None or self.refuse_if_read_only():
            return False
        if not self.write(command.apply, command):
            return False
        self.undo_stack.push(_UndoEntry(self, command, applied=True))
        return True

    def write(self, step, command: Command) -> bool:
        """Run ``step(store)`` (a command's apply or revert) and re-read the frames it touches;
        False, with ``write_failed`` emitted, when the store could not write it (the store
        rolled back: the views show what it holds)."""
        from core.errors import RGBTError

        self.keep_file()
        try:
            step(self.store)
        except RGBTError as error:
            self.reload(touched_frames(command))
            self.write_failed.emit(error)
            return False
        self.reload(touched_frames(command))
        return True

    def undo(self) -> bool:
        """Undo one step; a revert the store cannot write (disk full, ...) leaves the step where
        it was (``write_failed`` says so): the stack counted it undone while its box stayed, so
        the next undo skipped it and redo re-applied what was never reverted. True when undone."""
        return self._step(self.undo_stack.undo, self.undo_stack.redo, "_skip_redo")

    def redo(self) -> bool:
        """Redo one step; as ``undo``, a write that fails leaves it to redo."""
        return self._step(self.undo_stack.redo, self.undo_stack.undo, "_skip_undo")

    def _step(self, step, back, skip: str) -> bool:
        self._failed_step = None
        step()
        failed, self._failed_step = self._failed_step, None
        if failed is None:
            return True
        setattr(failed, skip, True)  # the way back writes nothing: the store holds what it held
        back()
        return False

    def push_applied(self, command: Command) -> None:
        """Record an already-applied command (a tracking run) as one undo step. The cache is
        not re-read: the caller brings it up to date (``note_applied``, ``reload(frames)``)."""
        if self.refuse_if_read_only():
            return
        self.keep_file()  # a run written into a deleted project: written again with the run
        self.undo_stack.push(_UndoEntry(self, command, applied=True))

    def note_applied(self, command) -> None:
        """Update the cache from a ``SetRecords`` applied elsewhere (a tracking worker)
        without re-reading the store."""
        frames = []
        for record in getattr(command, "records", []):
            self.records[record.frame] = record
            frames.append(record.frame)
        if frames:
            self._update_timeline(frames)
            self.changed.emit(frames)

    # -- cache ----------------------------------------------------------------------------
    def reload(self, frames: Iterable[int] | None = None) -> None:
        """Re-read the store (all of it, or only ``frames``: their records, proposals and
        tracker outputs, and which tracker made their boxes) and emit ``changed``."""
        if self.closed:
            return
        if frames is None:
            self._load(self.store.contents(tracker_names()))
            return
        frames = sorted(set(int(f) for f in frames))
        if not frames:
            return
        span = (frames[0], frames[-1] + 1)
        fresh = self.store.records(*span)
        proposals = self.store.proposals(*span)
        outputs = {name: self.store.tracker_outputs(name, *span) for name in tracker_names()}
        for frame in frames:
            for cache, new in ((self.records, fresh), (self.proposals, proposals), (self.teacher, outputs["teacher"])):
                if frame in new:
                    cache[frame] = new[frame]
                else:
                    cache.pop(frame, None)
        tracked = self._tracked_by(outputs, {f: self.records[f] for f in frames if f in self.records})
        for frame in frames:
            if frame in tracked:
                self.tracked_by[frame] = tracked[frame]
            else:
                self.tracked_by.pop(frame, None)
        self._update_timeline(frames)
        self.changed.emit(frames)

    def _tracked_by(self, outputs: dict[str, dict[int, tuple]], records=None) -> dict[int, str]:
        """frame -> label of the tracker ("OpenCV CSRT", "Teacher", ...) whose latest output
        (``outputs``: tracker name -> the store's ``tracker_outputs``) is the frame's current
        tracked box, so a reopened project still says which tracker made each box
        (the rule: ``core.annotations.tracked_by.tracked_by``)."""
        records = self.records if records is None else records
        return {frame: tracker_label(name) for frame, name in tracked_by(records, outputs).items()}

    def _load(self, contents: StoreContents) -> None:
        """Take the whole of ``contents`` as the cache and emit ``changed(None)``."""
        self.records = dict(contents.records)
        self.proposals = dict(contents.proposals)
        outputs = contents.tracker_outputs
        self.teacher = dict(outputs.get("teacher", {}))
        self.tracked_by = self._tracked_by(outputs)
        self._timeline = None
        self.changed.emit(None)

    def reload_outputs(self) -> None:
        """Re-read proposals and tracker outputs (after a refinement or tracking batch)."""
        if self.closed:
            return
        self.proposals = self.store.proposals()
        self.teacher = self.store.tracker_outputs("teacher")
        self._timeline = None
        self.changed.emit(None)

    def timeline(self) -> TimelineData:
        """Per-frame arrays for the timeline (see ``app.review.TimelineData``), read from the
        boxes as they stand now:

        - confidence: the tracker's, only on frames whose current box a tracker made
          (provenance student, whichever tracker ran). A run undone, a box deleted, redrawn,
          interpolated or accepted from the teacher leaves no confidence behind, so the
          low-confidence runs and N never point at a box that is no longer there;
        - iou: the teacher's agreement (IoU) with the box shown, where the teacher ran and the
          frame holds a tracked or accepted box.

        The arrays are built once after a full reload and then updated only at the frames
        each edit or tracking batch changed (a batch of a run over a long sequence costs its
        own frames, not the sequence's length). Returns a copy: callers may keep or change it.
        """
        if self._timeline is None:
            self._timeline = TimelineData.empty(self.num_frames)
            self._fill_timeline(self._timeline, self.records.keys())
        data = self._timeline
        return TimelineData(data.confidence.copy(), data.iou.copy(), data.keyframe.copy(), data.absent.copy(),
                            data.annotated.copy())

    def _update_timeline(self, frames: Iterable[int]) -> None:
        """Bring the cached timeline up to date at ``frames`` (their records already in the cache)."""
        if self._timeline is None:
            return  # built from scratch on the next timeline()
        data = self._timeline
        inside = [f for f in frames if 0 <= f < data.num_frames]
        data.confidence[inside] = np.nan
        data.iou[inside] = np.nan
        data.keyframe[inside] = False
        data.absent[inside] = False
        data.annotated[inside] = False
        self._fill_timeline(data, inside)

    def _fill_timeline(self, data: TimelineData, frames: Iterable[int]) -> None:
        """Write the values of ``frames`` that hold a record into ``data`` (reset beforehand)."""
        n = data.num_frames
        boxes, teacher_boxes, box_frames = [], [], []
        for frame in frames:
            record = self.records.get(frame)
            if record is None or not 0 <= frame < n:
                continue
            data.annotated[frame] = True
            data.keyframe[frame] = record.keyframe
            data.absent[frame] = record.absent
            if record.absent:  # an absent record has no box
                continue
            if record.provenance == Provenance.STUDENT and record.confidence is not None:
                data.confidence[frame] = record.confidence
            teacher = self.teacher.get(frame)
            if teacher is not None and teacher[0] is not None and record.provenance in MACHINE_OR_ACCEPTED:
                boxes.append(record.box)
                teacher_boxes.append(teacher[0])
                box_frames.append(frame)
        if box_frames:  # one vectorised IoU for all the frames the teacher ran on
            data.iou[box_frames] = iou(np.asarray(teacher_boxes), np.asarray(boxes))

    def keep_file(self, *, closing: bool = False) -> str | None:
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

        if self.closed or self.read_only or self._file_id is None:
            return None
        path = Path(self.store.path)
        current = _file_id(path)
        if current == self._file_id:
            return None
        if not closing and self.store_in_use():
            # a job writes through the store it was given: closing it under the job failed the job
            # (its boxes kept in the copy only up to then); the run's end, the next edit or the close does it
            return None
        moved = _moved_to(self._file_id) if current is None else None
        if moved is not None:
            # renamed, or moved with its folder (a dataset reorganised): the same file, elsewhere. Copied,
            # the work split in two (a recovered copy went on, the moved project stopped); followed, it stays one
            try:
                # SQLite does not write its log into a moved file when closing it: left in <old name>-wal,
                # every commit since the last checkpoint was missing from the moved project
                self.store._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.store.close()
                for leftover in ("-wal", "-shm"):  # the emptied log and its index, under a name no file has
                    if not path.exists():
                        Path(f"{path}{leftover}").unlink(missing_ok=True)
                self.store = AnnotationStore.open(moved)
            except (OSError, sqlite3.Error, RGBTError) as error:
                self._file_id = None
                self.write_failed.emit(StoreError(path, f"was moved to {moved} while open, which cannot be opened "
                                                        f"for editing there ({error}): open it again"))
                return None
            self._file_id = _file_id(moved)
            text = f"{path} was moved or renamed while open, to {moved}: the studio follows it there, nothing is lost"
            self.file_restored.emit(text)
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
            copy = sqlite3.connect(part)
            connection = self.store._connection()  # no public copy in core.annotations.store
            try:
                connection.backup(copy)
            finally:
                copy.close()
            # its write-ahead log is found by name (<path>-wal): left behind, SQLite laid it over
            # the file now at that path (the replacing file, the copy written again)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _place(part, target)
        except (OSError, sqlite3.Error, RGBTError) as error:
            try:  # the open store still holds everything
                part.unlink(missing_ok=True)
            except OSError:
                pass
            self._file_id = None  # said once
            self.write_failed.emit(StoreError(path, f"{what}; writing what this window holds to {target} failed "
                                                    f"({error}): keep the window open and export the annotations"))
            return None
        self.store.close()
        try:
            self.store = AnnotationStore.open(target)
        except RGBTError as error:  # the work is in target; this window can write no more
            self._file_id = None
            self.write_failed.emit(StoreError(path, f"{what}; this window's work is in {target}, which cannot be "
                                                    f"opened for editing ({error}): open it again"))
            return None
        self._file_id = _file_id(target)
        if target == path:
            text = f"{path} {what}: it was written again from this window, nothing is lost"
        else:
            text = (f"{path} {what}: the other file is left as it is; this window's work is kept in "
                    f"{target} and goes on there")
        self.file_restored.emit(text)
        return text

    def close(self) -> None:
        self.keep_file(closing=True)  # the window's jobs are stopped by now
        self.closed = True
        self.undo_stack.clear()
        self.store.close()
        try:
            self.sequence.close()
        except Exception:  # closing a broken file must not block closing the project
            pass


def _file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``, None when there is no such file."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _writer_lock_free(path: Path) -> bool:
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


def _place(part: Path, target: Path) -> None:
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


def _moved_to(file_id: tuple[int, int] | None) -> Path | None:
    """Where the file this process has open with ``file_id`` (device, inode) is now, when it is still
    linked in some folder (renamed or moved, not deleted); None when it was deleted or that cannot be
    told (no ``/proc``)."""
    fds = Path("/proc/self/fd")
    if file_id is None or not fds.is_dir():
        return None
    try:
        entries = list(fds.iterdir())
    except OSError:
        return None
    for entry in entries:
        try:
            status = os.stat(entry)
            if (status.st_dev, status.st_ino) != file_id or status.st_nlink < 1:
                continue
            place = Path(os.readlink(entry))
        except OSError:
            continue
        if place.is_absolute() and _file_id(place) == file_id:
            return place
    return None
