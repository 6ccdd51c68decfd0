"""A project's undo steps on Qt's undo stack: :class:`UndoEntry` wraps a core command
(``core.annotations.history``) as a ``QUndoCommand`` whose redo and undo write through the
document (``Document.write``), and :func:`touched_frames` says which frames a step changes (the
frames the document re-reads after it)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from app.edits import AcceptProposals, DropProposals, ReplaceTrackerOutputs
from core.annotations.history import Command, CommandGroup, DeleteRecords, SetRecords

if TYPE_CHECKING:
    from app.document import Document


class UndoEntry(QUndoCommand):
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
