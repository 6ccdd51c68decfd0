"""The window's gestures on the machines' boxes: T starts the tracker, R the teacher's refinement,
A and Shift+A accept its proposals, N goes to the next frame that needs a person's look. The runs
themselves are ``app.controllers.tracking``; their display ``app.window_runs``."""
from __future__ import annotations

from app import edits
from app.dialogs.refine_dialog import RefineDialog
from app.jobs import refine_frames, tracking_stop
from app.review import (
    attention_stretch,
    confidence_drops,
    confidence_text,
    next_attention,
    previous_attention,
)
from app.window_edits import WindowGlue, kept_kinds, protected_text
from core.annotations.history import is_protected
from core.annotations.records import Provenance
from core.wording import plural


class ReviewGlue(WindowGlue):
    def __init__(self, window):
        super().__init__(window)
        a = window.actions
        a["track"].triggered.connect(self.track)
        a["track_back"].triggered.connect(self.track_back)
        a["refine"].triggered.connect(self.ask_refine)
        a["accept"].triggered.connect(self.accept_frame)
        a["accept_range"].triggered.connect(self.accept_range)
        a["attention"].triggered.connect(lambda: self.next_attention())
        a["attention_back"].triggered.connect(lambda: self.next_attention(back=True))

    def track(self) -> None:
        """T: the chosen tracker runs from this frame to the next manual keyframe, imported or
        accepted box, or the end, or, when a range is shown on the timeline and this frame lies in it, to the range's
        last frame (a tracker run up to a chosen frame)."""
        self._track(1)

    def track_back(self) -> None:
        """Shift+T: the same run back towards the first frame: to the previous manual keyframe,
        imported or accepted box, or frame 1, or to the first frame of a range shown that holds
        this frame. For a target drawn where it is clearest, or one that enters the footage late."""
        self._track(-1)

    def _track(self, step: int) -> None:
        w = self.w
        if self.doc is None:
            return
        back = step < 0
        key = self._key("track_back" if back else "track")
        if w.tracking.busy:  # T again during a run did nothing, unsaid
            w.statusBar().showMessage(f"a tracking run is going on: {self._key('stop')} stops it, then "
                                      f"{key} tracks from the frame shown", 8000)
            return
        record = self.doc.record(w.frame)
        if record is None or record.box is None:
            w.statusBar().showMessage("draw a box on this frame first (drag on either view)", 8000)
            return
        if (w.frame <= 0) if back else (w.frame >= self.doc.num_frames - 1):
            w.statusBar().showMessage("this is the first frame" if back else "this is the last frame", 5000)
            return
        stop = tracking_stop(self.doc.records, w.frame, self.doc.num_frames, step)
        if stop == w.frame + step:
            following = self.doc.record(w.frame + step)
            what = {Provenance.IMPORTED: "an imported box",
                    Provenance.TEACHER: "a teacher box you accepted"}.get(following.provenance, "a keyframe")
            if following.absent:  # O's mark: "holds a keyframe" named nothing the user had set
                what = protected_text(following, self._key)
            where = "previous" if back else "next"
            w.statusBar().showMessage(f"nothing to track: the {where} frame ({w.frame + step + 1}) holds {what}, which "
                                      f"{key} never replaces ({key} runs up to the {where} keyframe, imported or "
                                      "accepted box)", 10000)
            return
        selected = w.timeline.selected_range()
        edge = None if selected is None else (selected[0] if back else selected[1] - 1)
        if selected is not None and selected[1] - selected[0] > 1 and w.frame == edge:
            # the range's last frame: T ran past the range, up to the next keyframe or the end
            w.statusBar().showMessage(
                f"nothing to track: frame {w.frame + 1} is the {'first' if back else 'last'} of the range shown "
                f"(frames {selected[0] + 1}-{selected[1]}), where {key} stops; hide the range "
                f"({self._key('range')}) to track on", 10000)
            return
        if w.weights_missing(w.settings.models.tracker, what="track"):
            return
        run_stop = None
        if selected is not None and selected[0] <= w.frame < selected[1] and w.frame != edge:
            run_stop = max(selected[0] - 1, stop) if back else min(selected[1], stop)
        w.tracking.start_track(self.doc, w.settings.models, w.frame, run_stop, step)

    def ask_refine(self) -> None:
        w = self.w
        if self.doc is None or w.refining.busy or self.doc.refuse_if_read_only("teacher refinement"):
            return  # read-only: said before the dialog is filled in, not after
        if w.weights_missing("teacher", what="refine"):
            return
        current = w.review_threshold()
        frame = w.frame  # the dialog's "Current frame": a tracking run's live view moves on while it is open
        dialog = RefineDialog(frame, self.doc.num_frames, w.timeline.selected_range(), current, w)
        if not dialog.exec():
            return
        if dialog.mode() == "frame":
            self.refine(frame, frame + 1)
        elif dialog.mode() == "range":
            self.refine(*dialog.range_())
        else:
            threshold = dialog.threshold()
            if threshold != current:  # the user's: saved, the yellow runs follow it
                w.settings.low_confidence, w.settings.low_confidence_chosen = threshold, True
                w.settings.save()
                w.refresh_timeline()
            self.refine(0, self.doc.num_frames, below=threshold)

    def refine(self, start: int, stop: int, *, below: float | None = None) -> list[int]:
        """Teacher proposals for the machine boxes in ``[start, stop)`` (optionally only those
        with confidence < ``below``). Returns the frames sent to the teacher."""
        frames = refine_frames(self.doc.records, start, stop, below=below)
        if not frames:
            self.w.statusBar().showMessage(
                nothing_to_refine(self.doc.records, start, stop) if below is None
                else f"no tracked frame has a confidence below {below:.2f}: nothing to refine", 10000)
            return []
        self.w.refining.start_refine(self.doc, self.w.settings.models, frames)
        return frames

    def accept_frame(self) -> None:
        if self.doc is None or self.doc.refuse_if_read_only("accepting"):
            return  # read-only: "accepted the teacher's box" was said over the refusal
        frame = self.w.frame
        proposal = self.doc.proposals.get(frame)
        if proposal is None:
            self.w.statusBar().showMessage(f"no teacher proposal on frame {frame + 1}: {self._key('refine')} asks the "
                                           "teacher for one (on a tracked or interpolated box)", 8000)
            return
        if proposal[0] is None:
            self.w.statusBar().showMessage(f"the teacher found no target on frame {frame + 1}: no box to accept", 8000)
            return
        record = self.doc.record(frame)
        if is_protected(record):
            # a box a person drew, marked or imported is never replaced by a machine's; the
            # proposal stays on the view (A used to drop it without a word), to compare or take
            a = self._key("accept")
            self.w.statusBar().showMessage(
                f"nothing accepted: frame {frame + 1} holds {protected_text(record, self._key)}, which {a} never "
                f"replaces; the teacher's proposal stays (dotted): to take it, delete the box "
                f"({self._key('delete_box')}), then {a}", 10000)
            return
        if not self._execute(edits.AcceptProposals({frame: proposal}, label="accept teacher box")):
            return
        self.w.statusBar().showMessage(f"accepted the teacher's box on frame {frame + 1}; {self._key('undo')} undoes it",
                                       5000)

    def accept_range(self) -> None:
        """Shift+A: accept the proposals in the selected range; without a range, nothing
        (accepting every proposal of the sequence needs a range over all of it)."""
        if self.doc is None or self.doc.refuse_if_read_only("accepting"):
            return
        selected = self.w.timeline.selected_range()
        if selected is None:
            self.w.statusBar().showMessage(f"select a range first ({self._key('range_start')} / "
                                           f"{self._key('range_end')} at its first / last frame, or "
                                           f"{self._key('range')} and drag its edges on the timeline); "
                                           f"{self._key('accept')} accepts this frame's proposal", 8000)
            return
        chosen = {f: p for f, p in self.doc.proposals.items() if selected[0] <= f < selected[1] and p[0] is not None}
        if chosen:
            kept = [self.doc.record(f) for f in chosen if is_protected(self.doc.record(f))]
            accepted = len(chosen) - len(kept)
            if not self._execute(edits.AcceptProposals(chosen, label=f"accept {accepted} teacher "
                                                                    f"box{'es' if accepted != 1 else ''}")):
                return
            # what was kept, by kind: "manual boxes or keyframes" counted absent marks and imported boxes
            kept_text = (f"; kept {kept_kinds(kept)} there (the proposal{'s' if len(kept) != 1 else ''} dropped)"
                         if kept else "")
            self.w.statusBar().showMessage(
                f"accepted {accepted} teacher box{'es' if accepted != 1 else ''} in frames {selected[0] + 1}-"
                f"{selected[1]}{kept_text}; {self._key('undo')} undoes it", 8000)
        else:
            self.w.statusBar().showMessage(f"no teacher proposals in frames {selected[0] + 1}-{selected[1]}", 5000)

    def next_attention(self, back: bool = False) -> None:
        """N: the start of the next stretch needing attention; ``back`` (Shift+N): of the one
        before the frame shown. Wrapping around is said."""
        if self.doc is None:
            return
        find = previous_attention if back else next_attention
        frame = find(self.doc.timeline(), self.w.frame, confidence=self.w.review_threshold())
        if frame is None:
            self.w.statusBar().showMessage("no frame needs attention", 5000)
            return
        thresholds = dict(confidence=self.w.review_threshold())
        stretch = attention_stretch(self.doc.timeline(), frame, **thresholds)
        why = ""
        if stretch is not None:  # what is flagged there, or N looks like a jump to an arbitrary frame
            (start, stop), reasons = stretch
            where = f"frame {start + 1}" if stop - start == 1 else f"frames {start + 1}-{stop}"
            why = f"{where}: {', '.join(reasons)}"
            if frame != start and frame in confidence_drops(self.doc.timeline(), **thresholds):
                # a stop inside the stretch: why here and not at its start
                why = (f"frame {frame + 1}: the tracker's confidence fell to "
                       f"{confidence_text(self.doc.timeline().confidence[frame])}, a new low inside {where} (the target "
                       f"is likely lost here); {why}")
        if frame >= self.w.frame if back else frame <= self.w.frame:
            # wrapped around: say so, or the first stretch looks like a new one
            where = (f"no stretch before frame {self.w.frame + 1} needs attention: on to the last that does, "
                     if back else f"no frame after {self.w.frame + 1} needs attention: back to the first that does, ")
            self.w.statusBar().showMessage(f"{where}frame {frame + 1}" + (f" ({why})" if why else ""), 8000)
        elif why:
            self.w.statusBar().showMessage(why, 8000)
        self.w.goto(frame)


def nothing_to_refine(records, start: int, stop: int) -> str:
    """Why ``[start, stop)`` gives the teacher nothing (``refine_frames`` found no frame), by what its
    frames hold: it said "manual boxes are never refined" also over frames marked absent or empty."""
    held = [records[f] for f in range(start, stop) if is_protected(records.get(f))]
    empty = stop - start - len(held)
    parts = ([kept_kinds(held)] if held else []) + \
        ([f"{plural(empty, 'frame')} with no box"] if empty else [])
    where = f"frame {start + 1}" if stop - start == 1 else f"frames {start + 1}-{stop}"
    return (f"nothing to refine in {where}: {'; '.join(parts)} (the teacher refines tracked and "
            "interpolated boxes, never what a person drew, marked or imported)")
