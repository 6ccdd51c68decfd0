"""Which tracker made each machine-tracked box, read back from the trackers' raw outputs.

Every box a live tracker writes is stored with provenance ``Provenance.STUDENT``
whichever tracker made it (student, teacher, OpenCV CSRT / KCF / MIL); the store keeps
each tracker's latest raw outputs per frame (``AnnotationStore.tracker_outputs(name)``).
A frame's box was made by tracker ``name`` when the record is machine-tracked and its
box equals (``np.allclose``) that tracker's latest output at that frame. The studio's
titles and the distillation export both use this one rule.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.annotations.records import FrameAnnotation, Provenance


def tracked_by(
    records: Mapping[int, FrameAnnotation],
    outputs: Mapping[str, Mapping[int, tuple]],
) -> dict[int, str]:
    """frame -> tracker name for every machine-tracked frame whose box matches a tracker's output.

    ``records``: frame -> FrameAnnotation (boxes x, y, w, h on the visible grid).
    ``outputs``: tracker name (``core.trackers.tracker_names()``) -> frame -> (box (4,)
    or None, confidence), as ``AnnotationStore.tracker_outputs`` returns it. When two
    trackers' outputs match the same box, the one later in ``outputs`` wins. Frames that
    are not machine-tracked (manual, interpolated, teacher-accepted, imported), have no
    box, or match no output are left out. Inputs are not modified.
    """
    out: dict[int, str] = {}
    for name, rows in outputs.items():
        frames, boxes, outputs_boxes = [], [], []
        for frame, (box, _confidence) in rows.items():
            record = records.get(frame)
            if (record is not None and record.provenance == Provenance.STUDENT and record.box is not None
                    and box is not None):
                frames.append(frame)
                boxes.append(record.box)
                outputs_boxes.append(box)
        if not frames:
            continue
        # np.allclose per frame, for all frames at once (one call per frame cost ~30 us: 0.8 s on 25,000 frames)
        same = np.isclose(np.asarray(boxes, dtype=np.float64), np.asarray(outputs_boxes, dtype=np.float64)).all(axis=1)
        for frame, match in zip(frames, same.tolist(), strict=True):
            if match:
                out[frame] = name
    return out


__all__ = ["tracked_by"]
