"""The user's edits as core undo commands (no Qt): what each gesture does to a record.

Every function returns a ``core.annotations.history.Command`` (or None when nothing
changes); the document applies it (durable at once) and puts it on the undo stack.
Boxes are ``(4,)`` float64 x, y, w, h on the visible grid (``core.geometry``).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from core.annotations.history import Command, CommandGroup, DeleteRecords, SetRecords, is_protected
from core.annotations.interpolation import InterpolationPlan
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.wording import plural


def carried_thermal(box, reference: FrameAnnotation | None) -> np.ndarray | None:
    """The thermal box that goes with a new visible ``box`` on a misaligned pair: the
    ``reference`` record's thermal box relative to its visible one, carried over. The
    centre keeps its offset and each side its ratio (a thermal box drawn larger or smaller
    than the visible one stays so). None when the reference has no separate thermal box."""
    if reference is None or reference.thermal_box is None or reference.box is None:
        return None
    box = np.asarray(box, dtype=np.float64)
    ref_v, ref_t = reference.box, reference.thermal_box
    offset = (ref_t[:2] + ref_t[2:] / 2.0) - (ref_v[:2] + ref_v[2:] / 2.0)
    wh = box[2:] * (ref_t[2:] / np.maximum(ref_v[2:], 1e-9))
    centre = box[:2] + box[2:] / 2.0 + offset
    return np.concatenate([centre - wh / 2.0, wh])


def visible_for_thermal_edit(box, record: FrameAnnotation | None) -> np.ndarray:
    """The shared (visible) box that goes with ``box`` drawn or dragged on the thermal view
    when edits there move the shared box (Separate thermal box off): on a record with a
    separate thermal box the thermal view shows that box, so the edit is its change and the
    visible box changes by the same shift (as a visible edit moves the thermal box), each side
    by the thermal side's ratio where a shift would leave it empty. Without a separate thermal
    box the thermal view shows the shared box: ``box`` itself. Returns a new array."""
    box = np.asarray(box, dtype=np.float64)
    if record is None or record.thermal_box is None or record.box is None:
        return box.copy()
    old_v, old_t = np.asarray(record.box, np.float64), np.asarray(record.thermal_box, np.float64)
    visible = old_v + (box - old_t)
    if visible[2] <= 0 or visible[3] <= 0:  # shrunk past the visible box's size: scale it instead
        wh = old_v[2:] * box[2:] / np.maximum(old_t[2:], 1e-9)
        centre = old_v[:2] + old_v[2:] / 2.0 + (box[:2] + box[2:] / 2.0) - (old_t[:2] + old_t[2:] / 2.0)
        visible = np.concatenate([centre - wh / 2.0, wh])
    return visible


def clip_to_frame(box, width: float, height: float) -> np.ndarray | None:
    """``box`` ((4,) x, y, w, h) cut to the frame ``[0, width] x [0, height]`` (a box dragged
    or drawn past the frame's edge); None when less than a pixel of it is inside. Returns a
    new array, the input is not modified."""
    box = np.asarray(box, dtype=np.float64)
    x0, y0 = max(box[0], 0.0), max(box[1], 0.0)
    x1, y1 = min(box[0] + box[2], float(width)), min(box[1] + box[3], float(height))
    if x1 - x0 < 1.0 or y1 - y0 < 1.0:
        return None
    return np.array([x0, y0, x1 - x0, y1 - y0], dtype=np.float64)


def set_box(record: FrameAnnotation | None, frame: int, box, *, modality: str = "visible",
            separate_thermal: bool = False) -> SetRecords:
    """Drawing or moving a box makes the frame a manual keyframe.

    modality "visible" (or "thermal" without ``separate_thermal``) sets the shared box and
    moves a separate thermal box by the same shift; "thermal" with ``separate_thermal``
    sets only the thermal box (a misaligned pair).
    """
    box = np.asarray(box, dtype=np.float64)
    occluded = bool(record.occluded) if record is not None else False
    old_box = record.box if record is not None else None
    thermal = record.thermal_box if record is not None else None
    if modality == "thermal" and separate_thermal:
        visible = old_box if old_box is not None else box
        return SetRecords([FrameAnnotation(frame, visible, thermal_box=box, occluded=occluded,
                                           provenance=Provenance.MANUAL, keyframe=True)], label="thermal box")
    if thermal is not None and old_box is not None:
        thermal = thermal + (box - old_box)
        if thermal[2] <= 0 or thermal[3] <= 0:
            thermal = None
    return SetRecords([FrameAnnotation(frame, box, thermal_box=thermal, occluded=occluded,
                                       provenance=Provenance.MANUAL, keyframe=True)], label="box")


def set_typed_boxes(record: FrameAnnotation | None, frame: int, box, thermal_box) -> SetRecords:
    """B with Separate thermal box on and the thermal box typed: the shared ``box`` and the
    ``thermal_box`` ((4,) x, y, w, h each) as typed, one manual keyframe, one undo step (a typed
    thermal box left as it started goes through ``set_box`` instead, moving with the shared box)."""
    shared = set_box(record, frame, box).records[0]
    return SetRecords([shared.with_changes(thermal_box=np.asarray(thermal_box, dtype=np.float64))],
                      label="typed boxes")


def toggle_absent(record: FrameAnnotation | None, frame: int, before: FrameAnnotation | None = None) -> Command:
    """O: mark the target absent (a manual keyframe); again: bring back ``before`` (the box
    the frame had when it was marked, which the window remembers for the session), or,
    without one, remove the absent record."""
    if record is not None and record.absent:
        if before is not None and before.frame == frame and not before.absent:
            return SetRecords([before], label="present")
        return DeleteRecords([frame], label="present")
    return SetRecords([FrameAnnotation(frame, None, absent=True, provenance=Provenance.MANUAL, keyframe=True)],
                      label="absent")


def mark_absent_range(records: Mapping[int, FrameAnnotation], start: int, stop: int) -> tuple[SetRecords | None, int]:
    """O with a range shown: every frame in ``[start, stop)`` absent (manual keyframes, one
    undo step), for a target that left the view while the tracker held on to the background.
    Only empty frames and machine boxes (tracked, interpolated) change; a box a person drew,
    accepted or imported is kept. Returns (the command or None, how many frames were kept)."""
    out, kept = [], 0
    for frame in range(int(start), int(stop)):
        record = records.get(frame)
        if record is not None and record.absent:
            continue
        if record is not None and (record.keyframe or record.provenance not in (Provenance.STUDENT,
                                                                                Provenance.INTERPOLATED)):
            kept += 1
            continue
        out.append(FrameAnnotation(frame, None, absent=True, provenance=Provenance.MANUAL, keyframe=True))
    return (SetRecords(out, label=f"absent: frames {start + 1}-{stop}") if out else None), kept


def machine_run_after(records: Mapping[int, FrameAnnotation], frame: int) -> tuple[int, int] | None:
    """The frames right after ``frame`` that hold tracked or interpolated boxes (no keyframe, no
    absent mark), as ``(first, last)`` inclusive, up to the first frame holding anything else;
    None when the next frame holds none. O on one frame where the target left leaves them: the
    tracker's guesses over the background, which the status bar names."""
    first = last = int(frame) + 1
    while (record := records.get(last)) is not None and not record.absent and not record.keyframe \
            and record.provenance in (Provenance.STUDENT, Provenance.INTERPOLATED):
        last += 1
    return (first, last - 1) if last > first else None


def toggle_occluded(record: FrameAnnotation | None) -> SetRecords | None:
    """Q: flip the occluded flag. On a present box: partly hidden (the box becomes
    human-checked). On an absent frame: fully occluded (hidden behind something) rather
    than out of view, the distinction LaSOT's ``full_occlusion.txt`` / ``out_of_view.txt``
    export keeps. None on a frame without a record."""
    if record is None:
        return None
    label = ("fully occluded" if not record.occluded else "out of view") if record.absent else "occluded"
    changed = record.with_changes(occluded=not record.occluded)
    if not record.absent and record.provenance in (Provenance.STUDENT, Provenance.INTERPOLATED):
        # a person looked at the machine's box: it becomes a manual keyframe, which no re-track replaces
        changed = changed.with_changes(provenance=Provenance.MANUAL, keyframe=True, confidence=None)
    return SetRecords([changed], label=label)


def mark_absent_occluded_range(records: Mapping[int, FrameAnnotation], start: int, stop: int,
                               occluded: bool) -> tuple[SetRecords | None, int]:
    """Q on an absent frame with a range shown: every absent mark of ``[start, stop)`` fully
    occluded (``occluded`` True) or out of view (False), one undo step, as O marks a range
    absent. Absent marks are manual keyframes already, so nothing else about them changes; a
    frame holding a box is left alone (Q on a box makes a tracked box a manual keyframe, which
    over a range would keyframe every tracked box). Returns (the command or None when no mark
    changes, how many frames of the range hold a box)."""
    out, boxes = [], 0
    for frame in range(int(start), int(stop)):
        record = records.get(frame)
        if record is None:
            continue
        if not record.absent:
            boxes += 1
        elif bool(record.occluded) != occluded:
            out.append(record.with_changes(occluded=occluded))
    label = f"{'fully occluded' if occluded else 'out of view'}: frames {start + 1}-{stop}"
    return (SetRecords(out, label=label) if out else None), boxes


def toggle_keyframe(record: FrameAnnotation | None) -> SetRecords | None:
    """K: make the frame's box a manual keyframe, or drop the keyframe mark (the box stays,
    as an interpolated box that trackers may replace)."""
    if record is None:
        return None
    if record.keyframe or record.provenance == Provenance.MANUAL:
        if record.absent:
            return None
        return SetRecords([record.with_changes(keyframe=False, provenance=Provenance.INTERPOLATED)],
                          label="unmark keyframe")
    return SetRecords([record.with_changes(keyframe=True, provenance=Provenance.MANUAL, confidence=None)],
                      label="keyframe")


def interpolate(records: Mapping[int, FrameAnnotation], plan: InterpolationPlan) -> SetRecords | None:
    """I as one undo step: the records of ``plan`` (``core.annotations.interpolation.
    plan_interpolation`` over ``records``), never over a human box."""
    new = [r for r in plan.records if not is_protected(records.get(r.frame))]
    return SetRecords(new, label=f"interpolate {plural(len(new), 'frame')}") if new else None


def delete_machine_range(records: Mapping[int, FrameAnnotation], start: int, stop: int, current: int | None = None
                         ) -> tuple[DeleteRecords | None, int]:
    """Del with a range shown: the tracked and interpolated boxes of ``[start, stop)`` removed
    (one undo step), as O marks a range absent: a box a person drew, accepted or imported, a
    keyframe and an absent mark are kept, except on ``current`` (the frame on screen, whose
    record Del removes whatever it is, as without a range). Returns (the command or None, how
    many were kept)."""
    out, kept = [], 0
    for frame in range(int(start), int(stop)):
        record = records.get(frame)
        if record is None:
            continue
        if frame != current and (record.absent or record.keyframe
                                 or record.provenance not in (Provenance.STUDENT, Provenance.INTERPOLATED)):
            kept += 1
            continue
        out.append(frame)
    return (DeleteRecords(out, label=f"delete {plural(len(out), 'box', 'boxes')}: frames {start + 1}-{stop}") if out else None), kept


def delete_frames(records: Mapping[int, FrameAnnotation], frames: Iterable[int]) -> DeleteRecords | None:
    frames = [f for f in frames if f in records]
    return DeleteRecords(frames, label=f"delete {plural(len(frames), 'box', 'boxes')}") if frames else None


class AcceptProposals(Command):
    """Accept teacher proposals as the frames' boxes (provenance ``teacher``).

    ``proposals``: frame -> (box (4,) or None, confidence). Protected frames (manual
    boxes, keyframes) are skipped. Revert restores the records and the proposals.
    """

    def __init__(self, proposals: Mapping[int, tuple], label: str = ""):
        self.proposals = {int(f): v for f, v in proposals.items() if v[0] is not None}
        self.label = label or f"accept {plural(len(self.proposals), 'teacher box', 'teacher boxes')}"
        self._previous: dict[int, FrameAnnotation | None] | None = None
        self._run_id = "accepted"

    def apply(self, store: AnnotationStore) -> None:
        current = {f: store.get(f) for f in self.proposals}
        if self._previous is None:
            self._previous = current
        records = []
        for frame, (box, confidence) in self.proposals.items():
            old = current.get(frame)
            if is_protected(old):
                continue
            thermal = carried_thermal(box, old)  # a misaligned pair keeps its thermal box's offset and size
            records.append(FrameAnnotation(frame, box, thermal_box=thermal, occluded=bool(old and old.occluded),
                                           provenance=Provenance.TEACHER, confidence=confidence))
        store.put(records)
        store.clear_proposals(self.proposals)

    def revert(self, store: AnnotationStore) -> None:
        previous = self._previous or {}
        store.put([r for r in previous.values() if r is not None])
        store.delete([f for f, r in previous.items() if r is None])
        store.put_proposals(self._run_id, [(f, box, c) for f, (box, c) in self.proposals.items()])


class DropProposals(Command):
    """Teacher proposals made stale by a new box on their frames (a tracking run re-tracked
    them): apply removes them, revert puts them back. ``proposals``: frame -> (box (4,)
    or None, confidence), as ``AnnotationStore.proposals()`` returns them."""

    def __init__(self, proposals: Mapping[int, tuple], label: str = "drop stale teacher proposals"):
        self.proposals = {int(f): v for f, v in proposals.items()}
        self.label = label

    def apply(self, store: AnnotationStore) -> None:
        store.clear_proposals(self.proposals)

    def revert(self, store: AnnotationStore) -> None:
        store.put_proposals("restored", [(f, box, c) for f, (box, c) in self.proposals.items() if box is not None])


class ReplaceTrackerOutputs(Command):
    """A tracking run's raw outputs stored over ``model``'s earlier ones on the same frames
    (the store keeps one output per tracker and frame): revert puts the earlier outputs
    back, so the boxes an undo brings back are still known as that tracker's
    (``core.annotations.tracked_by``: titles, distillation export); apply (redo) puts the
    run's again. ``outputs``: frame -> (earlier (box (4,) or None, confidence) or None,
    the run's (box, confidence)); frames without an earlier output keep the run's, which
    matches no box once the run is undone."""

    def __init__(self, model: str, outputs: Mapping[int, tuple], label: str = "tracker outputs"):
        self.model = model
        self.outputs = {int(f): v for f, v in outputs.items()}
        self.label = label

    def apply(self, store: AnnotationStore) -> None:
        store.put_tracker_outputs(self.model, "redone", [(f, *new) for f, (_o, new) in self.outputs.items()])

    def revert(self, store: AnnotationStore) -> None:
        store.put_tracker_outputs(self.model, "restored",
                                  [(f, *old) for f, (old, _new) in self.outputs.items() if old is not None])


def accepted_frames(existing: Mapping[int, FrameAnnotation], ground_truth: Mapping[int, FrameAnnotation] | None
                    ) -> list[int]:
    """Frames where importing ``ground_truth`` would replace a box a person accepted (an
    accepted teacher box): the studio asks before doing so."""
    if not ground_truth:
        return []
    return sorted(f for f in ground_truth if (r := existing.get(f)) is not None and not is_protected(r)
                  and r.provenance == Provenance.TEACHER)


def import_ground_truth(existing: Mapping[int, FrameAnnotation],
                        ground_truth: Mapping[int, FrameAnnotation] | None, *,
                        keep: Iterable[int] = ()) -> SetRecords | None:
    """The sequence's own ground truth as ``imported`` records (human-checked, so trackers
    never overwrite them); frames holding a manual box or keyframe, and the frames in
    ``keep`` (e.g. ``accepted_frames`` the user chose to keep), are left alone."""
    if not ground_truth:
        return None
    return import_boxes(existing, {f: r if r.provenance == Provenance.IMPORTED else
                                   r.with_changes(provenance=Provenance.IMPORTED) for f, r in ground_truth.items()},
                        keep=keep, label_of=lambda what: f"import {what}", box=("ground-truth box", "ground-truth boxes"))


def import_boxes(existing: Mapping[int, FrameAnnotation], records: Mapping[int, FrameAnnotation], *,
                 keep: Iterable[int] = (), label_of=None, box: tuple[str, str] = ("box", "boxes")
                 ) -> SetRecords | None:
    """``records`` (frame -> record, their provenance as given: ``imported`` labels or machine
    pre-labels) written over the frames that do not hold a protected record (a manual box,
    a keyframe, an absent mark, an imported box) and are not in ``keep``; one undo step
    labelled ``label_of(what)``, ``what`` the records written in words (:func:`boxes_and_marks`,
    ``box``: the word for a box and its plural): "import 276 boxes and 99 absent marks from
    groundtruth.txt". None when nothing is written."""
    keep = set(int(f) for f in keep)
    new = [r for f, r in sorted(records.items()) if not is_protected(existing.get(f)) and f not in keep]
    if not new:
        return None
    what = boxes_and_marks(new, *box)
    label = label_of(what) if label_of is not None else f"import {what} from a file"
    return SetRecords(new, label=label)


def boxes_and_marks(records: Iterable[FrameAnnotation], box: str = "box", boxes: str = "boxes") -> str:
    """``records`` counted in words, their boxes and their absent marks apart ("276 boxes and 99
    absent marks", "12 absent marks", "1 box"): an import's undo step read "import 375 boxes from
    groundtruth.txt" where the status bar had said "375 frames ... (99 absent)", 276 boxes."""
    records = list(records)
    absent = sum(1 for r in records if r.absent)
    parts = [plural(len(records) - absent, box, boxes)] if len(records) > absent else []
    if absent:
        parts.append(plural(absent, "absent mark"))
    return " and ".join(parts)


def outside_frame(box, width: int, height: int) -> bool:
    """Whether ``box`` (x, y, w, h) has no pixel inside a ``width`` x ``height`` frame: a dataset's
    row that would be drawn nowhere on screen."""
    if box is None:
        return False
    x, y, w, h = (float(v) for v in box)
    return x + w <= 0 or y + h <= 0 or x >= width or y >= height


def group(commands: Iterable[Command | None], label: str) -> CommandGroup:
    return CommandGroup([c for c in commands if c is not None], label=label)
