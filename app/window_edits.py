"""The window's edit gestures: box drawn/edited, typed (B), K, O, Q, Delete, I, undo/redo (the
imports are ``app.window_imports``). Each edit builds a command with ``app.edits`` and executes it on the document (durable
at once, one undo step). The gestures that start the machines and take their boxes (T, R, A, N) are
``app.window_review``; both share ``WindowGlue`` and the words for what a person's box holds."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from app import edits
from app.actions import DEFAULT_KEYS, key_text
from core.annotations.interpolation import plan_interpolation
from core.annotations.records import Provenance
from core.wording import plural, verb


class WindowGlue(QObject):
    """A window's actions wired to gestures on its open document."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window

    @property
    def doc(self):
        return self.w.document

    def _key(self, name: str) -> str:
        """The key of action ``name`` as bound now (``app.actions.key_text``)."""
        return key_text(self.w.actions, name)

    def _execute(self, command) -> bool:
        """Apply ``command`` as one undo step; False when nothing was written (read-only, or
        the store could not write it: the document said so), so no "done" message follows."""
        return self.doc is not None and command is not None and self.doc.execute(command)


class EditGlue(WindowGlue):
    def __init__(self, window):
        super().__init__(window)
        a = window.actions
        window.views.box_drawn.connect(self.box_changed)
        window.views.box_edited.connect(lambda modality, box: self.box_changed(modality, box, moved=True))
        a["type_box"].triggered.connect(self.type_box)
        a["keyframe"].triggered.connect(self.toggle_keyframe)
        a["absent"].triggered.connect(self.toggle_absent)
        a["occluded"].triggered.connect(self.toggle_occluded)
        a["delete_box"].triggered.connect(self.delete_box)
        a["copy_box"].triggered.connect(self.copy_box)
        a["paste_box"].triggered.connect(self.paste_box)
        self.copied = None  # the record Ctrl+C copied (its box and thermal box), for Ctrl+V
        a["interpolate"].triggered.connect(self.interpolate)

    # -- box edits ------------------------------------------------------------------------
    def box_changed(self, modality: str, box, *, moved: bool = False) -> None:
        """A box drawn or moved (``moved``) on ``modality``'s view: the frame becomes a manual keyframe,
        and the status bar says so (an earlier edit's "deleted ...; Ctrl+Z undoes it" stayed up, and
        Ctrl+Z then undid the box just drawn)."""
        if self.doc is None:
            return
        if self.doc.refuse_if_read_only():
            self.w.refresh_boxes()  # the view put the box where the user left it: show the stored one again
            return
        from app.views.paired_view import missing_modality

        # one stream: the thermal view shows the frame's one box (a second box beside it was kept)
        separate = self.w.actions["separate_thermal"].isChecked() and missing_modality(self.doc.info) is None
        record = self.doc.record(self.w.frame)
        if modality == "thermal" and not separate:
            # the thermal view shows a misaligned pair's own thermal box: its change moves the
            # shared box by as much (it set the visible box to the thermal box's place, and the
            # thermal box moved twice as far)
            box, modality = edits.visible_for_thermal_edit(box, record), "visible"
        if not (modality == "thermal" and separate):  # the shared box, which trackers start from: on the frame
            info = self.doc.info
            box = edits.clip_to_frame(box, info.width, info.height)
            if box is None:
                self.w.refresh_boxes()
                self.w.statusBar().showMessage("the box is outside the frame: nothing changed", 5000)
                return
        frame, said = self.w.frame, self.w.statusBar().currentMessage()
        if not self._execute(edits.set_box(record, frame, box, modality=modality, separate_thermal=separate)):
            return
        if self.w.statusBar().currentMessage() == said:  # what the edit said itself (a hint) stays
            what = ("thermal box" if modality == "thermal" else "box") + (" moved" if moved else " drawn")
            self.w.statusBar().showMessage(f"frame {frame + 1}: {what}, a keyframe; {self._key('undo')} undoes it",
                                           8000)

    def type_box(self) -> None:
        """B: the frame's box typed as numbers (``app.dialogs.box_dialog``), the way to draw or
        correct one without a mouse; applied as a box drawn on the visible view. The fields start
        at the frame's box, else the last box before the frame, else a box in the frame's middle.
        With Edit > Separate thermal box on, on a two-stream pair, the thermal box is typed too
        (starting at that record's thermal box, else its shared box); typed changed, it is kept
        apart as one drawn on the thermal view is, else it moves with the shared box (an earlier
        frame's thermal box is carried to this one as tracking carries it: ``edits.carried_thermal``)."""
        from app.dialogs.box_dialog import BoxDialog, middle_box
        from app.views.paired_view import missing_modality

        if self.doc is None or self.doc.refuse_if_read_only():
            return
        frame, info = self.w.frame, self.doc.info
        records = self.doc.records
        before = [f for f, r in records.items() if f <= frame and r.box is not None]
        source = records[max(before)] if before else None
        start = source.box if source is not None else middle_box(info.width, info.height)
        separate = self.w.actions["separate_thermal"].isChecked() and missing_modality(info) is None
        thermal_start = None
        if separate:
            thermal_start = source.effective_thermal_box if source is not None else start
        stream = "thermal" if missing_modality(info) == "visible" else "visible"  # the frame there is
        dialog = BoxDialog(start, (info.width, info.height), frame + 1, self.w, thermal_box=thermal_start,
                           stream=stream)
        if not dialog.exec() or self.doc is None or self.w.frame != frame:
            return
        thermal = dialog.thermal_values()
        carried = source is not None and source.frame != frame and source.thermal_box is not None
        if thermal is None or (np.allclose(thermal, thermal_start) and not carried):
            self.box_changed("visible", dialog.values())
            return
        box = edits.clip_to_frame(dialog.values(), info.width, info.height)
        if box is None:
            self.w.statusBar().showMessage("the box is outside the frame: nothing changed", 5000)
            return
        if np.allclose(thermal, thermal_start):  # an earlier frame's thermal box, left as it was: carried along
            thermal = edits.carried_thermal(box, source)
        self._execute(edits.set_typed_boxes(self.doc.record(frame), frame, box, thermal))

    def copy_box(self) -> None:
        """Ctrl+C: this frame's box (and its thermal box) for Ctrl+V on another frame, as CVAT and
        DarkLabel copy a box; the clipboard gets it as "x,y,w,h" text (visible-frame pixels)."""
        if self.doc is None:
            return
        frame, record = self.w.frame, self.doc.record(self.w.frame)
        if record is None or record.box is None:
            held = "is marked absent" if record is not None else "has no box"
            self.w.statusBar().showMessage(f"nothing to copy: frame {frame + 1} {held}", 8000)
            return
        self.copied = record
        from PySide6.QtWidgets import QApplication

        QApplication.clipboard().setText(",".join(f"{float(v):g}" for v in record.box))
        self.w.statusBar().showMessage(f"copied the box of frame {frame + 1}; {self._key('paste_box')} puts it on "
                                       "the frame shown", 8000)

    def paste_box(self) -> None:
        """Ctrl+V: the copied box on the frame shown, as a box drawn there (a manual keyframe, one
        undo step), with its thermal box when it had one of its own."""
        if self.doc is None or self.doc.refuse_if_read_only():
            return
        copied, frame = self.copied, self.w.frame
        if copied is None:
            self.w.statusBar().showMessage(f"nothing to paste: {self._key('copy_box')} copies the box of the frame "
                                           "shown", 8000)
            return
        record = self.doc.record(frame)
        command = (edits.set_typed_boxes(record, frame, copied.box, copied.thermal_box)
                   if copied.thermal_box is not None else edits.set_box(record, frame, copied.box))
        command.label = f"paste the box of frame {copied.frame + 1}"
        if self._execute(command):
            self.w.statusBar().showMessage(f"pasted the box of frame {copied.frame + 1} on frame {frame + 1}; "
                                           f"{self._key('undo')} undoes it", 8000)

    def _no_record(self, action: str) -> bool:
        """True (and the status bar says so) when this frame holds no box nor absent mark:
        K, Q and Del (``action``: their action's name) then have nothing to act on, and did
        nothing without a word."""
        if self.doc is None:
            return True
        if self.doc.record(self.w.frame) is not None:
            return False
        absent_key = self.w.actions["absent"].shortcut().toString()
        self.w.statusBar().showMessage(
            f"{self.w.actions[action].text().replace('&', '')}: frame {self.w.frame + 1} has no box "
            f"(drag on either view to draw one{f'; {absent_key} marks the target absent' if absent_key else ''})",
            8000)
        return True

    def toggle_keyframe(self) -> None:
        if self._no_record("keyframe"):
            return
        record = self.doc.record(self.w.frame)
        command = edits.toggle_keyframe(record)
        if command is None and record.absent:  # an absent mark is always a keyframe: K did nothing, unsaid
            self.w.statusBar().showMessage(
                f"{self.w.actions['keyframe'].text().replace('&', '')}: frame {self.w.frame + 1} holds "
                f"{protected_text(record, self._key)}, which is always a keyframe; {self._key('absent')} lifts it",
                8000)
            return
        if self._execute(command):  # said: the message of the edit before (O's "marked absent") stayed over it
            frame = self.w.frame + 1
            lifted = command.records[0].provenance == Provenance.INTERPOLATED  # edits.toggle_keyframe's choice
            self.w.statusBar().showMessage(
                f"frame {frame}: keyframe mark lifted; its box stays, and {self._key('track')} may replace it"
                if lifted else f"frame {frame} is a manual keyframe now", 8000)

    def _range_around_frame(self) -> tuple[int, int] | None:
        """The range shown on the timeline (``[start, stop)``) when it holds the frame shown and
        more than one frame: where O, Del and Q on an absent frame act on the whole range."""
        selected = self.w.timeline.selected_range()
        if selected is not None and selected[0] <= self.w.frame < selected[1] and selected[1] - selected[0] > 1:
            return selected
        return None

    def toggle_absent(self) -> None:
        """O, and O again: the box the frame had comes back (remembered in the project)."""
        if self.doc is None or self.doc.refuse_if_read_only():
            return
        frame = self.w.frame
        if (selected := self._range_around_frame()) is not None:
            self._absent_range(*selected)
            return
        record = self.doc.record(frame)
        if record is None:  # marked from an empty frame: nothing to bring back later
            self.doc.forget_before_absent(frame)
        elif not record.absent:
            self.doc.remember_before_absent(record)
        marking = record is None or not record.absent
        if not self._execute(edits.toggle_absent(record, frame, self.doc.before_absent.get(frame))):
            return
        if not marking:  # O again: "frame 300 marked absent" stayed in the bar over the box brought back
            back = self.doc.record(frame)
            self.w.statusBar().showMessage(
                f"frame {frame + 1}: absent mark lifted, "
                f"{'its box is back' if back is not None and back.box is not None else 'no box there'}", 8000)
            return
        run = edits.machine_run_after(self.doc.records, frame)
        if run is None:
            self.w.statusBar().showMessage(f"frame {frame + 1} marked absent; {self._key('absent')} again lifts the "
                                           "mark", 8000)
        else:  # the tracker's boxes after the target left stayed labels, unsaid
            first, last = run
            where = f"frame {first + 1}" if first == last else f"frames {first + 1}-{last + 1}"
            self.w.statusBar().showMessage(
                f"frame {frame + 1} marked absent; {where} after it still "
                f"{'holds a tracked box' if first == last else 'hold tracked boxes'}: {self._key('range_start')} here, "
                f"{self._key('range_end')} on frame {last + 1}, then {self._key('absent')} marks "
                f"{'it' if first == last else 'them'} absent too", 15000)

    def _absent_range(self, start: int, stop: int) -> None:
        """O inside a shown range: the whole range absent, one undo step; the status bar says
        how many frames changed and which boxes were kept."""
        command, kept = edits.mark_absent_range(self.doc.records, start, stop)
        kept_text = f"; kept {kept} box{'es' if kept != 1 else ''} a person drew, accepted or imported" if kept else ""
        if command is None:
            absent = sum(1 for f in range(start, stop) if (r := self.doc.records.get(f)) is not None and r.absent)
            lift = ""
            if absent:  # O toggles on one frame: with a range it only marks, which read as O doing nothing
                lift = (f"; {absent} frame{'s are' if absent != 1 else ' is'} absent already: {self._key('undo')} "
                        f"undoes a range's marking, {self._key('absent')} without a range lifts one frame's mark "
                        f"(hide the range: {self._key('range')})")
            self.w.statusBar().showMessage(f"frames {start + 1}-{stop}: nothing to mark absent{kept_text}{lift}",
                                           10000)
            return
        if not self._execute(command):
            return
        undo_key = self._key("undo")
        # "marked 11 frames absent (140-151)", twelve frames, read as a miscount: 140 was absent already
        before = stop - start - len(command.records) - kept
        already = f"; {before} {verb(before, 'was', 'were')} absent already" if before else ""
        self.w.statusBar().showMessage(f"marked {plural(len(command.records), 'frame')} absent ({start + 1}-{stop}{already})"
                                       f"{kept_text}; {undo_key} undoes it", 10000)

    def toggle_occluded(self) -> None:
        """Q on the frame shown. With a range shown around it, where O and Del act on the whole range:
        on an absent frame, every absent mark of the range becomes fully occluded (or out of view)
        as this one does, one undo step (``_occluded_range``); on a box, the frame alone, and the
        status bar says so and why (it said nothing, and went on naming the range)."""
        if self._no_record("occluded"):
            return
        record = self.doc.record(self.w.frame)
        selected = self._range_around_frame()
        in_range = selected is not None
        if in_range and record.absent:
            if not self.doc.refuse_if_read_only():
                self._occluded_range(*selected, occluded=not record.occluded)
            return
        if not self._execute(edits.toggle_occluded(record)):
            return
        frame = self.w.frame + 1
        done = f"frame {frame}: occluded mark lifted" if record.occluded else f"frame {frame} marked occluded"
        if not in_range:  # said, as over a range: the message of the edit before stayed over it
            self.w.statusBar().showMessage(done, 8000)
            return
        self.w.statusBar().showMessage(
            f"{done}; {self._key('occluded')} marks the frame shown alone, not the range (frames "
            f"{selected[0] + 1}-{selected[1]}): on a box it makes a tracked box a manual keyframe, which over a "
            f"range would keyframe every tracked box; on absent frames it marks the range", 10000)

    def _occluded_range(self, start: int, stop: int, occluded: bool) -> None:
        """Q on an absent frame inside a shown range: the range's absent marks fully occluded
        (``occluded``) or out of view, one undo step; the status bar counts them and the boxes
        left unchanged."""
        command, boxes = edits.mark_absent_occluded_range(self.doc.records, start, stop, occluded)
        boxes_text = (f"; {plural(boxes, 'frame')} holding a box {'are' if boxes != 1 else 'is'} unchanged "
                      f"({self._key('occluded')} on a box marks its frame alone)" if boxes else "")
        if not self._execute(command):
            return
        count = len(command.records)
        self.w.statusBar().showMessage(
            f"marked {plural(count, 'absent frame')} {'fully occluded' if occluded else 'out of view'} "
            f"({start + 1}-{stop}){boxes_text}; {self._key('undo')} undoes it", 10000)

    def delete_box(self) -> None:
        """Del: this frame's box or mark; with a range shown (and this frame in it) also, as O
        there, the range's tracked and interpolated boxes, one undo step (Del deleted this frame
        alone while O marked the whole range, and said nothing of the range)."""
        if self.doc is None:
            return
        if (selected := self._range_around_frame()) is not None:
            if not self.doc.refuse_if_read_only():
                self._delete_range(*selected)
            return
        if self._no_record("delete_box"):
            return
        record = self.doc.record(self.w.frame)
        if self._execute(edits.delete_frames(self.doc.records, [self.w.frame])):  # said: see toggle_keyframe
            what = "absent mark" if record.absent else "box"
            self.w.statusBar().showMessage(f"deleted the {what} of frame {self.w.frame + 1}; {self._key('undo')} "
                                           "undoes it", 8000)

    def _delete_range(self, start: int, stop: int) -> None:
        command, kept = edits.delete_machine_range(self.doc.records, start, stop, self.w.frame)
        kept_text = (f"; kept {kept} frame{'s' if kept != 1 else ''} holding a box a person drew, accepted or "
                     "imported, a keyframe or an absent mark" if kept else "")
        one = f"{self._key('delete_box')} without a range deletes one frame's box (hide the range: {self._key('range')})"
        if command is None:
            self.w.statusBar().showMessage(f"frames {start + 1}-{stop}: nothing to delete (no box on this frame, no "
                                           f"tracked or interpolated box in the range){kept_text}", 10000)
            return
        if not self._execute(command):
            return
        count = len(command.frames)
        self.w.statusBar().showMessage(
            f"deleted {count} box{'es' if count != 1 else ''} in frames {start + 1}-{stop} (this frame's and the "
            f"range's tracked or interpolated ones){kept_text}; {self._key('undo')} undoes it; {one}", 10000)

    def interpolate(self) -> None:
        if self.doc is None:
            return
        selected = self.w.timeline.selected_range()
        start, stop = (selected[0], selected[1] - 1) if selected else (None, None)
        # without a range tracker boxes are kept; with one (the user's choice) they are replaced
        plan = plan_interpolation(self.doc.records, start, stop, replace_tracked=selected is not None)
        message = plan.message()
        if selected is not None and not plan.records and plan.keyframes < 2:
            # only the range's own keyframes count: "needs two keyframes" read as if the sequence had
            # fewer than two, when the range lay between two of them
            count = plural(plan.keyframes, "kept box", "kept boxes")
            # the keys as bound (it said I after Interpolate was rebound)
            message = (f"nothing to interpolate: frames {selected[0] + 1}-{selected[1]} hold {count}; "
                       f"{self._key('interpolate')} interpolates between the kept boxes inside the range (keyframes, "
                       "boxes drawn, accepted or imported): move its edges onto one on each side "
                       f"({self._key('range_start')} / {self._key('range_end')} there, or drag them)")
        self.w.statusBar().showMessage(message, 8000)
        self._execute(edits.interpolate(self.doc.records, plan))


def kept_kinds(records) -> str:
    """Protected ``records`` (``is_protected``) counted by what they hold, in the status bar's
    words: "2 boxes you drew or corrected, 1 absent mark and 1 imported box"."""
    kinds = (("box you drew or corrected", "boxes you drew or corrected"), ("absent mark", "absent marks"),
             ("imported box", "imported boxes"), ("keyframe", "keyframes"),
             ("teacher box you accepted", "teacher boxes you accepted"))
    counts = dict.fromkeys(kinds, 0)
    for record in records:
        if record.absent:
            counts[kinds[1]] += 1
        elif record.provenance == Provenance.MANUAL:
            counts[kinds[0]] += 1
        elif record.provenance == Provenance.IMPORTED:
            counts[kinds[2]] += 1
        elif record.provenance == Provenance.TEACHER and not record.keyframe:  # kept by the user's choice
            counts[kinds[4]] += 1
        else:
            counts[kinds[3]] += 1
    parts = [f"{n} {one if n == 1 else many}" for (one, many), n in counts.items() if n]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]




def protected_text(record, key=DEFAULT_KEYS.get) -> str:
    """What a protected record (``is_protected``) holds, in the status bar's words; ``key``:
    action name -> the key that action has now (``app.actions.key_text``; the defaults)."""
    if record.absent:
        return f"an absent mark ({key('occluded') + ': fully occluded' if record.occluded else key('absent') + ': out of view'})"
    if record.provenance == Provenance.MANUAL:
        return "a box you drew or corrected"
    if record.provenance == Provenance.IMPORTED:
        return "an imported box"
    return f"a keyframe ({key('keyframe')})"
