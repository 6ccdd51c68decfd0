"""The open project: a sequence, its annotation store, and undo/redo.

Every edit is a ``core.annotations.history`` command applied to the SQLite store at
once (one transaction: kill the process and nothing committed is lost), wrapped in a
:class:`CoreUndo` on the project's ``QUndoStack``. A tracking run commits its frames
from the worker thread as it goes; when it ends its commands become ONE undo step
(:meth:`Project.push_applied`).

The project keeps a read cache for the views: ``records`` (frame -> FrameAnnotation),
``proposals`` and raw ``outputs`` per model (frame -> (box, confidence)).
``changed(frames)`` says which frames to redraw (None = all).
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.studio.sources import Source
from core.annotations.history import Command, CommandGroup, DeleteRecords, SetRecords
from core.annotations.records import FrameAnnotation
from core.annotations.store import AnnotationStore


def touched_frames(command: Command) -> list[int] | None:
    """Frames a command changes (None = unknown: refresh everything)."""
    if isinstance(command, SetRecords):
        return command.frames
    if isinstance(command, DeleteRecords):
        return list(command.frames)
    if isinstance(command, CommandGroup):
        out: list[int] = []
        for inner in command.commands:
            frames = touched_frames(inner)
            if frames is None:
                return None
            out.extend(frames)
        return out
    frames = getattr(command, "frames", None)
    return list(frames) if frames is not None else None


class CoreUndo(QUndoCommand):
    """A core command on the Qt undo stack. ``applied=True``: it is already in the store
    (a tracking run), so the stack's first ``redo`` does nothing."""

    def __init__(self, project: Project, command: Command, *, applied: bool = False):
        super().__init__(command.label or "edit")
        self.project = project
        self.command = command
        self._skip = applied

    def redo(self) -> None:
        if self._skip:  # already in the store and in the cache
            self._skip = False
            return
        self.command.apply(self.project.store)
        self.project.reload(touched_frames(self.command))

    def undo(self) -> None:
        self.command.revert(self.project.store)
        self.project.reload(touched_frames(self.command))


class Project(QObject):
    """One sequence + its store. ``changed(frames|None)`` after any store change."""

    changed = Signal(object)

    def __init__(self, sequence, store: AnnotationStore, source: Source | None, parent: QObject | None = None):
        super().__init__(parent)
        self.sequence = sequence
        self.store = store
        self.source = source
        self.undo_stack = QUndoStack(self)
        self.records: dict[int, FrameAnnotation] = {}
        self.proposals: dict[int, tuple] = {}
        self.outputs: dict[str, dict[int, tuple]] = {"student": {}, "teacher": {}}
        self.closed = False
        self.reload(None)

    @property
    def info(self):
        return self.sequence.info

    @property
    def num_frames(self) -> int:
        return len(self.sequence)

    # -- edits -----------------------------------------------------------------------
    def execute(self, command: Command) -> None:
        """Apply ``command`` now (durable) as one undo step."""
        self.undo_stack.push(CoreUndo(self, command))

    def push_applied(self, commands: Iterable[Command], label: str) -> None:
        """Record already-applied commands (a tracking run, whose frames the cache has
        already seen through :meth:`note_committed`) as one undo step."""
        commands = list(commands)
        if commands:
            command = commands[0] if len(commands) == 1 else CommandGroup(commands, label)
            command.label = label
            self.undo_stack.push(CoreUndo(self, command, applied=True))

    # -- cache -----------------------------------------------------------------------
    def reload(self, frames: Iterable[int] | None) -> None:
        """Re-read ``frames`` (None = everything) from the store, then emit ``changed``."""
        if frames is None:
            self.records = self.store.records()
            self.reload_side_tables(emit=False)
            self.changed.emit(None)
            return
        frames = sorted(set(frames))
        if len(frames) > 64:  # one query beats hundreds of point reads
            fresh = self.store.records(frames[0], frames[-1] + 1)
            wanted = set(frames)
            for frame in frames:
                self.records.pop(frame, None)
            self.records.update({f: r for f, r in fresh.items() if f in wanted})
            self.reload_side_tables(emit=False)
            self.changed.emit(frames)
            return
        for frame in frames:
            record = self.store.get(frame)
            if record is None:
                self.records.pop(frame, None)
            else:
                self.records[frame] = record
        self.reload_side_tables(emit=False)
        self.changed.emit(frames)

    def reload_side_tables(self, emit: bool = True) -> None:
        """Re-read proposals and tracker outputs."""
        self.proposals = self.store.proposals()
        self.outputs = {m: self.store.tracker_outputs(m) for m in ("student", "teacher")}
        if emit:
            self.changed.emit(None)

    def note_committed(self, records: Iterable[FrameAnnotation], model: str | None = None) -> None:
        """Update the cache with records a worker has just committed (no store read)."""
        frames = []
        for record in records:
            self.records[record.frame] = record
            if model is not None and record.box is not None:
                self.outputs.setdefault(model, {})[record.frame] = (record.box, record.confidence)
            frames.append(record.frame)
        self.changed.emit(frames)

    def close(self) -> None:
        self.closed = True
        self.undo_stack.clear()
        self.store.close()
        self.sequence.close()
