"""A project's undo steps on Qt's undo stack: :class:`UndoEntry` wraps a core command
(``core.annotations.history``) as a ``QUndoCommand`` whose redo and undo write through the
document (``Document.write``), :func:`touched_frames` says which frames a step changes (the
frames the document re-reads after it), and :class:`StepCompaction` keeps the big steps below
the newest with their records as columns, judging each step once."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.edits import AcceptProposals, DropProposals, ReplaceTrackerOutputs
from core.annotations.history import (
    Command,
    CommandGroup,
    DeleteRecords,
    SetRecords,
    compact_records,
    compaction_slack,
)
from core.annotations.records import FrameAnnotation

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
        # what StepCompaction last found of it (None: not judged yet)
        self.slack: float | None = None
        self.frames: np.ndarray | None = None
        self.changed = 0

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


class StepCompaction:
    """Keeps the big undo steps under the newest with their records as columns
    (``core.annotations.history.compact_records``): each 40,000-frame import or run kept
    ~12.5 MiB of records objects for the whole session (10 such steps: 185 MiB).

    Each step is judged once: again only when enough of its frames changed on screen since
    (``cache_changed``) for the verdict to differ. A big step whose records were still on screen
    was counted again on every push (7-10 ms a push for a 40,000-frame step)."""

    #: changed frames kept between two pushes before they count as all (a read-only window reloading)
    KEPT_CHANGES = 1 << 20

    def __init__(self) -> None:
        self._changed: list[np.ndarray] | None = []  # frames the cache changed at since the last compact; None: all
        self._count = 0

    def cache_changed(self, frames: Iterable[int] | None) -> None:
        """The document's cache of records changed at ``frames`` (None: all of them)."""
        if self._changed is None:
            return
        if frames is not None:
            self._changed.append(np.fromiter(frames, dtype=np.int64))
            self._count += self._changed[-1].size
        if frames is None or self._count > self.KEPT_CHANGES:
            self._changed = None

    def compact(self, stack: QUndoStack, current: Mapping[int, FrameAnnotation]) -> None:
        """Judge the steps under the newest of ``stack`` against ``current`` (frame -> the
        record on screen): those not judged yet, and those whose frames changed enough."""
        changed = None if self._changed is None else np.unique(np.concatenate(self._changed or [np.empty(0, np.int64)]))
        self._changed, self._count = [], 0
        for index in range(stack.index() - 1):
            entry = stack.command(index)
            if not isinstance(entry, UndoEntry):
                continue
            if entry.slack is not None:
                if entry.slack == math.inf:
                    continue  # nothing left that could be compacted
                if changed is not None and entry.frames is not None:
                    at = np.searchsorted(entry.frames, changed)
                    inside = at < len(entry.frames)
                    entry.changed += int(np.count_nonzero(entry.frames[at[inside]] == changed[inside]))
                    if entry.changed <= entry.slack:
                        continue  # too few of its records left the screen for the verdict to differ
            self._judge(entry, current)

    @staticmethod
    def _judge(entry: UndoEntry, current: Mapping[int, FrameAnnotation]) -> None:
        compact_records(entry.command, current)
        entry.slack, entry.changed, entry.frames = compaction_slack(entry.command, current), 0, None
        if entry.slack != math.inf:
            frames = touched_frames(entry.command)
            entry.frames = None if frames is None else np.unique(np.asarray(frames, dtype=np.int64))
