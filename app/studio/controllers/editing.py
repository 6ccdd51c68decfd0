"""The user's corrections on the current frame, as undoable core commands.

Each method turns one gesture into a command from ``app.studio.edits`` and executes it
on the project (durable at once, one undo step). Problems the user can fix (no box to
flag, nothing to interpolate) are reported through ``message``.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.studio import edits
from app.studio.project import Project
from core.annotations.history import DeleteRecords


class EditController(QObject):
    message = Signal(str)

    def __init__(self, project_getter: Callable[[], Project | None], frame_getter: Callable[[], int],
                 separate_getter: Callable[[], bool], parent: QObject | None = None):
        super().__init__(parent)
        self._project = project_getter
        self._frame = frame_getter
        self._separate = separate_getter

    def _run(self, make) -> bool:
        project = self._project()
        if project is None:
            return False
        try:
            command = make(project, self._frame())
        except ValueError as error:
            self.message.emit(str(error))
            return False
        if command is None:
            return False
        project.execute(command)
        return True

    def box(self, box, modality: str) -> bool:
        """A box drawn or moved on ``modality``'s view -> manual keyframe."""
        def make(project, frame):
            clean = edits.clean_box(box, project.info.width, project.info.height)
            if clean is None:
                raise ValueError("box too small or outside the frame")
            return edits.set_box(project.records, frame, clean, modality=modality,
                                 separate_thermal=self._separate())
        return self._run(make)

    def keyframe(self) -> bool:
        return self._run(lambda p, f: edits.toggle_keyframe(p.records, f))

    def absent(self) -> bool:
        return self._run(lambda p, f: edits.toggle_absent(p.records, f))

    def occluded(self) -> bool:
        return self._run(lambda p, f: edits.toggle_occluded(p.records, f))

    def interpolate(self) -> bool:
        def make(project, frame):
            command = edits.interpolate_around(project.records, frame)
            if command is None:
                raise ValueError("interpolation needs a keyframe at or before this frame and one after it, "
                                 "with machine-made or empty frames between")
            return command
        return self._run(make)

    def delete(self) -> bool:
        def make(project, frame):
            if frame not in project.records:
                return None
            return DeleteRecords([frame], label=f"delete box on frame {frame + 1}")
        return self._run(make)

    def accept(self, frames: list[int] | None = None) -> bool:
        """Accept teacher proposals on ``frames`` (None: the current frame)."""
        def make(project, frame):
            chosen = [frame] if frames is None else frames
            command = edits.accept_proposals(project.proposals, project.records, chosen)
            if command is None:
                raise ValueError("no teacher proposal here (R asks the teacher)")
            return command
        return self._run(make)
