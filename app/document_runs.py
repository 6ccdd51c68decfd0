"""The document's cache following a tracking run (a mixin of ``app.document.Document``):
each batch as the run writes it (``note_applied``), the run's end (``take_run``) and the undo
or redo of its step (``_take_run_step``), from what the run wrote rather than by re-reading
the store (1.3-1.9 s for a 40,000-frame run)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from app.edits import DropProposals, ReplaceTrackerOutputs
from core.annotations.history import Command, CommandGroup, SetRecords, record_changes
from core.annotations.records import FrameAnnotation, Provenance
from core.trackers import tracker_label


class DocumentRuns:
    """Needs the document's ``records``, ``proposals``, ``teacher``, ``store``, ``closed``,
    ``changed``, ``_compaction``, ``_take_records`` and ``_update_timeline``."""

    def _take_run_step(self, command: Command, reverting: bool) -> bool:
        """Bring the cache up to date with a tracking run's undo step (``app.controllers.tracking``:
        its records, with the stale proposals it dropped and the earlier outputs of its tracker it
        wrote over) just applied or, ``reverting``, reverted, from the command itself: re-reading
        the frames took 1.3-1.8 s for the undo or redo of a 40,000-frame re-track. False (nothing
        done) for a command of any other make."""
        if not isinstance(command, CommandGroup) or not command.commands:
            return False
        extra = command.commands[1:]
        if type(command.commands[0]) is not SetRecords or any(
                type(part) not in (DropProposals, ReplaceTrackerOutputs) for part in extra):
            return False
        changes = record_changes(command.commands[0], reverting=reverting)
        if changes is None:
            return False
        dropped: list[int] = []
        made_by: dict[int, str] = {}
        teacher = False
        for part in extra:
            if isinstance(part, DropProposals):
                if reverting:  # put back as the store holds them (only those with a box were written)
                    self.proposals.update({f: v for f, v in part.proposals.items() if v[0] is not None})
                else:
                    dropped.extend(part.proposals)
                continue
            teacher = teacher or part.model == "teacher"
            label = tracker_label(part.model)
            frames = [f for f, (old, _new) in part.outputs.items()
                      if (record := changes.get(f)) is not None and record.provenance == Provenance.STUDENT
                      and record.box is not None and (old if reverting and old is not None else _new)[0] is not None]
            if frames:  # its boxes that are the tracker's output there now (the others are looked up)
                outputs = [part.outputs[f][0] if reverting and part.outputs[f][0] is not None else part.outputs[f][1]
                           for f in frames]
                same = np.isclose(np.asarray([changes[f].box for f in frames], dtype=np.float64),
                                  np.asarray([box for box, _c in outputs], dtype=np.float64)).all(axis=1)
                made_by.update({f: label for f, match in zip(frames, same.tolist(), strict=True) if match})
        self.take_run(changes, made_by, dropped, teacher=teacher)
        return True

    def take_run(self, changes: Mapping[int, FrameAnnotation | None], made_by: Mapping[int, str],
                 dropped: Iterable[int], *, teacher: bool = False) -> None:
        """Bring the cache up to date after a tracking run (``app.controllers.tracking``) without
        re-reading all it wrote (1.9 s after a 40,000-frame run): ``changes``: frame -> the record
        the store holds now at each frame the run wrote (the run's, or an edit made since; None:
        none); ``made_by``: frame -> label of the tracker whose latest output is that frame's box
        (the run's own boxes); ``dropped``: frames whose teacher proposals the run removed;
        ``teacher``: the run was the teacher's (its outputs over the run's frames are re-read).
        Emits ``changed``."""
        if self.closed:
            return
        for frame in dropped:
            self.proposals.pop(int(frame), None)
        if teacher and changes:
            fresh = self.store.tracker_outputs("teacher", min(changes), max(changes) + 1)
            for frame in changes:
                if frame in fresh:
                    self.teacher[frame] = fresh[frame]
                else:
                    self.teacher.pop(frame, None)
        self._take_records(dict(changes), made_by)

    def note_applied(self, command) -> None:
        """Update the cache from a ``SetRecords`` applied elsewhere (a tracking worker)
        without re-reading the store."""
        frames = []
        for record in getattr(command, "records", []):
            self.records[record.frame] = record
            frames.append(record.frame)
        if frames:
            self._compaction.cache_changed(frames)
            self._update_timeline(frames)
            self.changed.emit(frames)
