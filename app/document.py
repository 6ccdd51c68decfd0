"""The open project: one sequence, its annotation store, the undo stack and the read cache.

Every edit is a core command (``core.annotations.history``) applied to the SQLite store
at once (durable: kill the process and nothing committed is lost) and wrapped in a
``QUndoCommand`` on the document's ``QUndoStack`` (``app.undo_entry``). A tracking run writes
its frames from the worker thread as it goes; its commands are collected and pushed as ONE
undo step when the run ends (``push_applied``).

The document keeps a read cache of the records (frame -> ``FrameAnnotation``), the
proposals and the tracker outputs for the views; ``changed(frames)`` says which frames
to refresh (None = all). How the cache follows a tracking run is ``app.document_runs``;
the timeline's arrays, kept from the cache, are ``app.document_timeline``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.document_runs import DocumentRuns
from app.document_timeline import DocumentTimeline
from app.project_file import file_id, writer_lock_free
from app.review import TimelineData
from app.undo_entry import StepCompaction, UndoEntry, touched_frames
from core.annotations.absent_memory import (
    boxes_behind_absent,
    forget_box_behind_absent,
    remember_box_behind_absent,
)
from core.annotations.history import Command, record_changes
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore, StoreContents
from core.annotations.tracked_by import tracked_by
from core.trackers import tracker_label, tracker_names

#: Less free space than this on a project's disk counts as full (SQLite's -shm index alone takes 32 KiB).
FULL_DISK_BYTES = 1 << 20


def disk_full(folder: Path) -> bool:
    """Whether the disk holding ``folder`` has less than ``FULL_DISK_BYTES`` free (False when
    that cannot be told)."""
    import shutil

    try:
        return shutil.disk_usage(folder).free < FULL_DISK_BYTES
    except OSError:
        return False


class Document(DocumentRuns, DocumentTimeline, QObject):
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
        self._failed_step: UndoEntry | None = None  # the undo step whose write failed (``undo``, ``redo``)
        self._compaction = StepCompaction()  # which undo steps were judged (``_compact_steps``)
        self.recipe = None  # how the tracking process reopens the sequence (app.track_process.Recipe)
        self.closed = False
        # the timeline's arrays, kept up to date frame by frame (None: rebuilt on the next timeline())
        self._timeline: TimelineData | None = None
        self.opened_file = file_id(store.path)  # (device, inode) of the file the store opened (``keep_file``)
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
        from app.project import read_only_file, writable_folder

        if read_only_file(self.path):
            self.refused.emit(f"{what} refused: {self.path.name} is open read-only (its file is read-only)")
        elif not writable_folder(self.path.parent):  # "another window is editing it", or "has closed it since"
            self.refused.emit(f"{what} refused: {self.path.name} is open read-only (its folder is read-only)")
        elif disk_full(self.path.parent):  # opened read-only for that (app.project): "has closed it since" said
            self.refused.emit(f"{what} refused: {self.path.name} is open read-only (no space left on its disk): "
                              "free some space there, then open it again (File > Open recent) to edit it")
        elif writer_lock_free(self.path):  # it said "another window ... is editing it" after that one closed
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
        self.undo_stack.push(UndoEntry(self, command, applied=True))
        self._compact_steps()
        return True

    def _compact_steps(self) -> None:
        """Keep the big steps under the newest with their records as columns (``StepCompaction``)."""
        self._compaction.compact(self.undo_stack, self.records)

    def write(self, step, command: Command) -> bool:
        """Run ``step(store)`` (a command's apply or revert) and re-read the frames it touches;
        False, with ``write_failed`` emitted, when the store could not write it (the store
        rolled back: the views show what it holds)."""
        from app.project_file import keep_file
        from core.errors import RGBTError

        keep_file(self)  # the file only: settling before every edit would add a sync to each
        try:
            with self.store.transaction():  # all of the step or none: never half an edit or undo
                step(self.store)
        except RGBTError as error:
            self.reload(touched_frames(command))
            self.write_failed.emit(error)
            return False
        reverting = step == command.revert
        changes = record_changes(command, reverting=reverting)
        if changes is not None:  # records only: the cache takes them from the command (re-read: 1-2 s of a 40,000-box import)
            self._take_records(changes)
        elif not self._take_run_step(command, reverting):
            self.reload(touched_frames(command))
        return True

    def _take_records(self, changes: dict[int, FrameAnnotation | None],
                      made_by: Mapping[int, str] | None = None) -> None:
        """Bring the cache up to date with ``changes`` (frame -> the record the store now holds,
        None: none), as written by a command of records only (``record_changes``): proposals and
        tracker outputs are as they were; which tracker made each box is ``made_by``'s label
        (frame -> label, where known) or looked up again in the outputs of the frames whose new
        box a tracker may have made. Emits ``changed``."""
        frames = sorted(changes)
        if not frames:
            return
        made_by = made_by or {}
        tracked: list[int] = []
        for frame in frames:
            record = changes[frame]
            self.tracked_by.pop(frame, None)
            if record is None:
                self.records.pop(frame, None)
                continue
            self.records[frame] = record
            if record.provenance == Provenance.STUDENT and record.box is not None:
                if frame in made_by:
                    self.tracked_by[frame] = made_by[frame]
                else:
                    tracked.append(frame)
        if tracked:
            span = (tracked[0], tracked[-1] + 1)
            outputs = {name: self.store.tracker_outputs(name, *span) for name in tracker_names()}
            self.tracked_by.update(self._tracked_by(outputs, {f: changes[f] for f in tracked}))
        self._compaction.cache_changed(frames)
        self._update_timeline(frames)
        self.changed.emit(frames)

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
        self.undo_stack.push(UndoEntry(self, command, applied=True))
        self._compact_steps()

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
        self._compaction.cache_changed(frames)
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
        if contents.tracked_by is None:
            self.tracked_by = self._tracked_by(outputs)
        else:  # worked out where the contents were read (an opening job's thread)
            labels = {name: tracker_label(name) for name in outputs}
            self.tracked_by = {frame: labels[name] for frame, name in contents.tracked_by.items()}
        self._timeline = None
        self._compaction.cache_changed(None)
        self.changed.emit(None)

    def reload_outputs(self) -> None:
        """Re-read proposals and tracker outputs (after a refinement or tracking batch)."""
        if self.closed:
            return
        self.proposals = self.store.proposals()
        self.teacher = self.store.tracker_outputs("teacher")
        self._timeline = None
        self.changed.emit(None)

    def keep_file(self, *, closing: bool = False) -> str | None:
        """Put the project back on disk when another program deleted, replaced or moved its file
        while it was open (``app.project_file.keep_file``): the sentence saying where the work
        went (also emitted as ``file_restored``), or None when the file is the one opened. Then,
        unless ``closing`` (the close does it), copy what was committed into the project's file
        (:meth:`settle`). The window calls it every ``FILE_CHECK_MS``."""
        from app.project_file import keep_file

        text = keep_file(self, closing=closing)
        if not closing:
            self.settle()
        return text

    def settle(self) -> None:
        """Copy the commits SQLite keeps in ``<project>-wal`` into the project's own file
        (``AnnotationStore.settle``), while no job writes through the store: the file alone then
        holds the work. Before 2026-12-07 a session's edits lived in the ``-wal`` until the window
        closed: a copy of the project file taken meanwhile, or after the studio was killed, held
        not even its tables. A store that cannot do it now keeps them in the log (nothing is lost)."""
        from core.errors import RGBTError

        if self.closed or self.read_only or self.store_in_use():
            return
        try:
            self.store.settle()
        except RGBTError:
            pass

    def close(self) -> None:
        self.keep_file(closing=True)  # the window's jobs are stopped by now
        self.closed = True
        self.undo_stack.clear()
        self.store.close()
        try:
            self.sequence.close()
        except Exception:  # closing a broken file must not block closing the project
            pass
