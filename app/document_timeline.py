"""The timeline's per-frame arrays of an open project (a mixin of ``app.document.Document``):
built once from the document's cache, then kept up to date at the frames each edit or tracking
batch changes (``app.review.TimelineData``: the tracker's confidence, the teacher's agreement,
keyframes, absent marks, annotated, imported and pre-labelled frames)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from app.review import TimelineData
from core.annotations.records import FrameAnnotation, Provenance
from core.geometry import iou
from core.trackers import tracker_label

#: Boxes the teacher's agreement is shown for: a tracker's, and the teacher's once accepted.
MACHINE_OR_ACCEPTED = (Provenance.STUDENT, Provenance.TEACHER)


class DocumentTimeline:
    """Needs the document's ``records``, ``teacher``, ``proposals``, ``tracked_by`` and
    ``num_frames``; keeps the arrays in ``_timeline`` (None: rebuilt on the next ``timeline()``)."""

    def timeline(self) -> TimelineData:
        """Per-frame arrays for the timeline (see ``app.review.TimelineData``), read from the
        boxes as they stand now:

        - confidence: the tracker's, only on frames whose current box a tracker made
          (provenance student, whichever tracker ran). A run undone, a box deleted, redrawn,
          interpolated or accepted from the teacher leaves no confidence behind, so the
          low-confidence runs and N never point at a box that is no longer there;
        - iou: the teacher's agreement (IoU) with the box shown, where the teacher ran and the
          frame holds a tracked or accepted box, while that output is current (``_teacher_current``).

        The arrays are built once after a full reload and then updated only at the frames
        each edit or tracking batch changed (a batch of a run over a long sequence costs its
        own frames, not the sequence's length). Returns a copy: callers may keep or change it.
        """
        if self._timeline is None:
            self._timeline = TimelineData.empty(self.num_frames)
            self._fill_timeline(self._timeline, self.records.keys())
        data = self._timeline
        return TimelineData(data.confidence.copy(), data.iou.copy(), data.keyframe.copy(), data.absent.copy(),
                            data.annotated.copy(), data.imported.copy(), data.prelabel.copy())

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
        data.imported[inside] = False
        data.prelabel[inside] = False
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
            data.imported[frame] = record.provenance == Provenance.IMPORTED
            data.prelabel[frame] = record.provenance == Provenance.STUDENT and record.confidence is None
            if record.provenance == Provenance.STUDENT and record.confidence is not None:
                data.confidence[frame] = record.confidence
            teacher = self.teacher.get(frame)
            if (teacher is not None and teacher[0] is not None and record.provenance in MACHINE_OR_ACCEPTED
                    and self._teacher_current(frame, record)):
                boxes.append(record.box)
                teacher_boxes.append(teacher[0])
                box_frames.append(frame)
        if box_frames:  # one vectorised IoU for all the frames the teacher ran on
            data.iou[box_frames] = iou(np.asarray(teacher_boxes), np.asarray(boxes))

    def _teacher_current(self, frame: int, record: FrameAnnotation) -> bool:
        """Whether the teacher's output on ``frame`` speaks of the box shown: its proposal still
        stands (a tracking run that re-tracks a frame removes it as stale), its box was accepted, or
        the teacher tracked the box. A re-tracked frame kept the teacher's IoU against its new box:
        0.00 where the teacher had followed the box the run replaced, and N said it disagreed."""
        return (frame in self.proposals or record.provenance == Provenance.TEACHER
                or self.tracked_by.get(frame) == tracker_label("teacher"))
