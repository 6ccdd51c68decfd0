"""Undo/redo as command objects, and the rule that trackers never overwrite human boxes.

A command changes the store in :meth:`Command.apply` and restores it exactly in
:meth:`Command.revert`; it captures the previous records of the frames it touches when
first applied. :class:`History` keeps the undo and redo stacks; a *group* (a whole
tracking run, written frame by frame while it runs) is undone as one step. The studio
wraps these commands in a ``QUndoStack``; the core never needs Qt for undo.
"""
from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.annotations.record_columns import RecordColumns, RecordRows
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


class Command(abc.ABC):
    """One undoable change. ``label`` is shown in menus ("Undo track 40 frames")."""

    label: str = ""

    @abc.abstractmethod
    def apply(self, store: AnnotationStore) -> None: ...

    @abc.abstractmethod
    def revert(self, store: AnnotationStore) -> None: ...


def _records_of(store: AnnotationStore, frames: list[int]) -> dict[int, FrameAnnotation | None]:
    """frame -> its stored record (None where there is none), for ``frames``: one query per
    frame for a few frames, one range query over their span for many (an interpolation over
    a 20,000-frame range read its previous records one query at a time)."""
    if len(frames) < 32:
        return {f: store.get(f) for f in frames}
    stored = store.records(min(frames), max(frames) + 1)
    return kept({f: stored.get(f) for f in frames})


#: From this many frames on, an undo step keeps its earlier records as columns (``kept``).
COLUMNS_FROM = 256


def kept(previous: dict[int, FrameAnnotation | None]) -> Mapping[int, FrameAnnotation | None]:
    """``previous`` as an undo step keeps it for the session: as it is when small, as
    :class:`~core.annotations.record_columns.RecordColumns` (~90 bytes a frame, not ~400) from
    ``COLUMNS_FROM`` frames on: each 40,000-box import or tracking run kept 15 MiB more."""
    return previous if len(previous) < COLUMNS_FROM else RecordColumns(previous)


def compaction_slack(command: Command, current: Mapping[int, FrameAnnotation]) -> float:
    """How many more of ``command``'s records may stop being the records on screen (``current``:
    frame -> the record shown) before :func:`compact_records` keeps them as columns: the records
    shown less half its records (negative: it compacts them now); the least over a group's parts;
    inf when nothing in it can be compacted (no :class:`SetRecords` of ``COLUMNS_FROM`` distinct
    frames or more that still holds records)."""
    if isinstance(command, CommandGroup):
        return min((compaction_slack(part, current) for part in command.commands), default=math.inf)
    if type(command) is not SetRecords or isinstance(command.records, RecordRows):
        return math.inf
    records = command.records
    if len(records) < COLUMNS_FROM or len({r.frame for r in records}) != len(records):
        return math.inf
    return sum(current.get(r.frame) is r for r in records) - len(records) / 2


def compact_records(command: Command, current: Mapping[int, FrameAnnotation]) -> int:
    """Keep the records ``command`` writes (its :class:`SetRecords`, in groups too) as
    :class:`~core.annotations.record_columns.RecordRows` where they hold ``COLUMNS_FROM`` frames
    or more, of distinct frames, and most are no longer the records on screen (``current``: frame
    -> the record shown, which keeps those objects anyway; :func:`compaction_slack` under 0): an
    undo step below the newest, kept for the session (~12.5 MiB of records per 40,000-frame
    step, ~3.6 MiB as columns). Returns how many steps were compacted."""
    if isinstance(command, CommandGroup):
        return sum(compact_records(part, current) for part in command.commands)
    if compaction_slack(command, current) >= 0:
        return 0
    command.records = RecordRows(command.records)
    return 1


def _restore(store: AnnotationStore, previous: Mapping[int, FrameAnnotation | None]) -> None:
    """Put ``previous`` back: its records written, its empty frames deleted, in one transaction."""
    items = previous.items()  # RecordColumns makes its records here: once
    with store.transaction():
        store.put([r for _f, r in items if r is not None])
        store.delete([f for f, r in items if r is None])


@dataclass
class SetRecords(Command):
    """Insert or replace ``records`` (one transaction); revert restores what was there."""

    records: list[FrameAnnotation]
    label: str = "edit"
    _previous: Mapping[int, FrameAnnotation | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.records = list(self.records)

    def apply(self, store: AnnotationStore) -> None:
        if not self._previous:
            self._previous = _records_of(store, [r.frame for r in self.records])
        store.put(self.records)

    def revert(self, store: AnnotationStore) -> None:
        _restore(store, self._previous)

    @property
    def frames(self) -> list[int]:
        if isinstance(self.records, RecordRows):  # an undo step kept as columns: no records made
            return self.records.frames
        return [r.frame for r in self.records]


def merge_set_records(commands: list[SetRecords], label: str) -> SetRecords:
    """Already-applied SetRecords -> one equivalent applied SetRecords: the last record of each
    frame, and the state each frame had before the first command touched it."""
    latest: dict[int, FrameAnnotation] = {}
    previous: dict[int, FrameAnnotation | None] = {}
    for command in commands:
        for frame, record in command._previous.items():
            previous.setdefault(frame, record)
        for record in command.records:
            latest[record.frame] = record
    merged = SetRecords([latest[f] for f in sorted(latest)], label=label)
    merged._previous = kept({f: previous.get(f) for f in sorted(latest)})
    return merged


@dataclass
class DeleteRecords(Command):
    """Remove the records of ``frames``; revert puts them back."""

    frames: list[int]
    label: str = "delete"
    _previous: Mapping[int, FrameAnnotation | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.frames = [int(f) for f in self.frames]

    def apply(self, store: AnnotationStore) -> None:
        if not self._previous:
            self._previous = _records_of(store, self.frames)
        store.delete(self.frames)

    def revert(self, store: AnnotationStore) -> None:
        _restore(store, self._previous)


@dataclass
class CommandGroup(Command):
    """Several commands undone and redone as one step (reverted in reverse order)."""

    commands: list[Command] = field(default_factory=list)
    label: str = "group"

    def apply(self, store: AnnotationStore) -> None:
        """All of its commands, in one transaction (``AnnotationStore.transaction``)."""
        with store.transaction():
            for command in self.commands:
                command.apply(store)

    def revert(self, store: AnnotationStore) -> None:
        with store.transaction():
            for command in reversed(self.commands):
                command.revert(store)


def record_changes(command: Command, *, reverting: bool = False) -> dict[int, FrameAnnotation | None] | None:
    """What the store's ``annotations`` hold at the frames ``command`` touched once its apply
    (or, ``reverting``, its revert) was written: frame -> record (None: no record), taken from
    the command itself, so its writer need not read back what it has just written (re-reading
    the 40,000 frames of a box import, or of its undo, cost 1-2 s). None when the command is not
    made only of :class:`SetRecords`, :class:`DeleteRecords` and groups of them (the records it
    writes are then not all known here), or when its revert has no earlier state captured."""
    kind = type(command)
    if kind is SetRecords:
        if reverting:
            return dict(command._previous.items()) if command._previous or not command.records else None
        return {record.frame: record for record in command.records}
    if kind is DeleteRecords:
        if reverting:
            return dict(command._previous.items()) if command._previous or not command.frames else None
        return dict.fromkeys(command.frames)
    if kind is CommandGroup:
        changes: dict[int, FrameAnnotation | None] = {}
        for part in reversed(command.commands) if reverting else command.commands:
            part_changes = record_changes(part, reverting=reverting)
            if part_changes is None:
                return None
            changes.update(part_changes)
        return changes
    return None


class History:
    """Undo/redo stacks over one store. Executing a new command clears redo."""

    def __init__(self, store: AnnotationStore, limit: int = 500):
        self.store = store
        self.limit = limit
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._group: CommandGroup | None = None

    # -- grouping (a tracking run = one step) ------------------------------------------
    def begin_group(self, label: str) -> None:
        """Commands executed until :meth:`end_group` form one undo step."""
        if self._group is not None:
            raise RuntimeError(f"group {self._group.label!r} is still open")
        self._group = CommandGroup([], label)

    def end_group(self) -> Command | None:
        """Close the open group; an empty group leaves no undo step. Returns the step pushed.

        A group made only of :class:`SetRecords` (a tracking run written frame by frame)
        is merged into one SetRecords, so undoing or redoing a 1000-frame run is one
        transaction instead of one per frame.
        """
        group, self._group = self._group, None
        if group is None or not group.commands:
            return None
        step: Command = group
        if all(isinstance(c, SetRecords) for c in group.commands):
            step = merge_set_records(group.commands, group.label)
            if not step.records:
                return None
        self._push(step)
        return step

    @property
    def in_group(self) -> bool:
        return self._group is not None

    # -- commands ------------------------------------------------------------------------
    def execute(self, command: Command) -> None:
        """Apply ``command`` now (durable at once) and record it for undo."""
        command.apply(self.store)
        if self._group is not None:
            self._group.commands.append(command)
        else:
            self._push(command)

    def _push(self, command: Command) -> None:
        self._undo.append(command)
        del self._undo[: max(0, len(self._undo) - self.limit)]
        self._redo.clear()

    def undo(self) -> Command | None:
        if self._group is not None:
            self.end_group()
        if not self._undo:
            return None
        command = self._undo.pop()
        command.revert(self.store)
        self._redo.append(command)
        return command

    def redo(self) -> Command | None:
        if not self._redo:
            return None
        command = self._redo.pop()
        command.apply(self.store)
        self._undo.append(command)
        return command

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) or bool(self._group and self._group.commands)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""


def is_protected(record: FrameAnnotation | None) -> bool:
    """Boxes a machine must never overwrite: manual boxes, keyframes, and accepted imports."""
    return record is not None and (
        record.provenance in (Provenance.MANUAL, Provenance.IMPORTED) or record.keyframe
    )


def merge_tracker_results(
    existing: Mapping[int, FrameAnnotation], new: Iterable[FrameAnnotation]
) -> list[FrameAnnotation]:
    """The records of ``new`` that may be written: those whose frame has no protected record.

    Tracker output (student/teacher/interpolated) never replaces a manual box or a
    keyframe (cvat #211); it may replace earlier machine boxes.
    """
    return [record for record in new if not is_protected(existing.get(record.frame))]


def next_protected_frame(records: Mapping[int, FrameAnnotation], start: int, step: int = 1) -> int | None:
    """The first frame after ``start`` (in the direction ``step``) holding a protected record."""
    frames = sorted((f for f, r in records.items() if is_protected(r)), reverse=step < 0)
    for frame in frames:
        if (frame - start) * step > 0:
            return frame
    return None
