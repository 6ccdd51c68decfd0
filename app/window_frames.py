"""The frame on screen (a mixin of ``MainWindow``): going to a frame, the decoded pair shown,
its boxes and the teacher's proposal drawn, the panes' titles and the frame's status line,
zoom onto the target and Follow the target, and the timeline's data and review threshold.
The widgets themselves are ``app.views``; building and wiring the window is ``app.main_window``."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from app.actions import key_text
from app.dialogs import TYPED_FRAME_LIMIT
from app.edits import outside_frame
from app.review import confidence_text
from app.views.paired_view import missing_modality
from core.annotations.records import Provenance
from core.trackers import found_or_lost_label
from core.tracking.tracker_config import low_confidence_for


class ArrowSteps(QObject):
    """An event filter on the frame views and the timeline: Left / Right with no modifier step
    one frame back / forward (``step(delta)``), as in most video tools. The views and the
    timeline took the arrows and did nothing with them, without a word; a key bound to an
    action (Edit > Keyboard shortcuts...) is the action's and never reaches here."""

    KEYS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}

    def __init__(self, step, parent=None):
        super().__init__(parent)
        self._step = step

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in self.KEYS:
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == Qt.KeyboardModifier.NoModifier:
                self._step(self.KEYS[event.key()])
                return True
        return False


class WindowFrames:
    """Needs the ``MainWindow`` attributes: document, frame, pair, unreadable_frame, settings,
    actions, views, timeline, transport, fetcher, tracking, refining, follow_live, synchronous,
    pane_names, frame_shown, statusBar, _timeline_timer."""

    # -- frames ---------------------------------------------------------------------------
    def goto(self, frame: int) -> None:
        """Show ``frame`` (user navigation: while a run goes on, the views stop following it)."""
        if self.document is None:
            return
        if self.tracking.busy or self.refining.busy:
            self.follow_live = False
        frame = max(0, min(int(frame), self.document.num_frames - 1))
        self.frame = frame
        self.transport.set_frame(frame)
        self.timeline.set_frame(frame)
        self.refresh_boxes()
        self.fetcher.request(frame)

    def step(self, delta: int) -> None:
        self.goto(self.frame + delta)

    def ask_goto_frame(self) -> None:
        """Go to a frame the user types, numbered from 1 as the timeline and the title show it."""
        if self.document is None:
            return
        from PySide6.QtWidgets import QInputDialog

        last = self.document.num_frames
        # any number can be typed (TYPED_FRAME_LIMIT): with the footage's last frame as the field's top, the
        # keystroke going past it was dropped as typed, so 9999 (or 450 on 407 frames) went to frame 99 (45)
        number, ok = QInputDialog.getInt(self, "Go to frame", f"Frame (1-{last}):", self.frame + 1, 1,
                                         max(last, TYPED_FRAME_LIMIT))
        if not ok:
            return
        self.goto(min(number, last) - 1)
        if number > last:
            self.statusBar().showMessage(f"there is no frame {number}: the footage ends at frame {last}, shown", 8000)

    def _frame_ready(self, frame: int, pair) -> None:
        if frame == self.frame:
            self._show_pair(pair)
        elif self.document is not None and 0 <= frame < self.document.num_frames:
            self._show_preview(pair)

    def _show_preview(self, pair) -> None:
        """Show a frame decoded on the way to ``self.frame`` (a drag on the slider or the
        timeline, ``FrameFetcher``'s preview) with its own boxes, the title saying so: the
        picture stood still for the whole of a fast drag on 1080p footage. ``self.frame``,
        ``self.pair``, the slider and the timeline stay on the frame asked for, which
        replaces the preview when it is decoded."""
        index = pair.index
        self.views.set_pair(pair)
        proposal = self.document.proposals.get(index)
        self.views.show_annotation(self.document.record(index), proposal[0] if proposal else None)
        self.views.set_titles(f"{self._visible_title()}  frame {index + 1} (on the way to frame {self.frame + 1})",
                              self._thermal_title())

    def _show_pair(self, pair) -> None:
        self.pair = pair
        self.unreadable_frame = None
        self.views.set_pair(pair)
        self.transport.set_frame(pair.index)
        self.timeline.set_frame(pair.index)
        self.refresh_boxes()
        if self.settings.follow_target:
            self._follow()
        self.frame_shown.emit(pair.index)

    # -- zoom -----------------------------------------------------------------------------
    def _target_box(self):
        record = self.document.record(self.frame) if self.document is not None else None
        return None if record is None or record.box is None else record.box

    def zoom_to_target(self) -> None:
        """Z: zoom both (linked) views onto this frame's box."""
        box = self._target_box()
        if box is None:
            self.statusBar().showMessage("no box on this frame to zoom to", 5000)
            return
        self.views.visible.zoom_to(box)

    def _follow(self) -> None:
        box = self._target_box()
        if box is not None:
            self.views.visible.centre_on(box)

    def _follow_toggled(self, on: bool) -> None:
        self.settings.follow_target = bool(on)
        self.settings.save()
        if on:
            box = self._target_box()
            if box is not None:
                self.views.visible.zoom_to(box)
        # said: a key pressed by mistake changed the view from then on (also after a restart) without a word
        key = key_text(self.actions, "follow_target")
        self.statusBar().showMessage(
            f"Follow the target on: the views keep the box centred while playing, stepping or tracking ({key} "
            "turns it off)" if on else f"Follow the target off ({key} turns it on)", 8000)

    # -- boxes and titles -----------------------------------------------------------------
    def refresh_boxes(self) -> None:
        document = self.document
        if document is None:
            return
        record = document.record(self.frame)
        proposal = document.proposals.get(self.frame)
        self.views.show_annotation(record, proposal[0] if proposal else None)
        self._update_frame_status(record, proposal)

    def _update_frame_status(self, record, proposal) -> None:
        if record is None:
            text = "no box"
        elif record.absent:
            q = key_text(self.actions, "occluded")
            text = f"absent: fully occluded ({q})" if record.occluded else f"absent: out of view ({q}: fully occluded)"
        elif record.provenance == Provenance.STUDENT:  # a machine box: say which tracker made it
            by = self.document.tracked_by.get(self.frame) if self.document is not None else None
            text = f"tracked ({by})" if by else "tracked"
            if record.confidence is not None and by and found_or_lost_label(by):
                # no score: 'confidence 1.00' read as certainty on every box CSRT drew
                text += ", found" if record.confidence >= 0.5 else ", lost: its last box kept"
            elif record.confidence is not None:  # what N and the yellow runs flag it by (it was left out)
                text += f", confidence {confidence_text(record.confidence)}"
        else:
            text = str(record.provenance)
            if record.keyframe:
                text += " keyframe"
            if record.confidence is not None:
                text += f", confidence {confidence_text(record.confidence)}"
            if record.occluded:
                text += ", occluded"
            info = self.document.info if self.document is not None else None
            if info is not None and outside_frame(record.box, info.width, info.height):
                x, y, w, h = (f"{float(v):g}" for v in record.box)
                text += f" | the box ({x}, {y}, {w}, {h}) lies outside the frame"
        notes = ""  # what to do and what is wrong: cut last in a narrow pane, after the box's state
        if proposal is not None and proposal[0] is not None:
            c = proposal[1]
            # "teacher proposal 0.39" beside the timeline's teacher-student IoU curve read as the boxes' overlap
            notes += (f" | teacher proposal{'' if c is None else f', confidence {c:.2f}'} "
                      f"({key_text(self.actions, 'accept')} to accept)")
        if self.unreadable_frame == self.frame:
            notes += " | the picture cannot be decoded"
        self.views.set_titles(f"{self._visible_title()}  frame {self.frame + 1}: {text}", self._thermal_title(),
                              visible_keep=notes)

    def _visible_title(self) -> str:
        """The left pane's name, and with View > Blend thermal over visible on, that the thermal
        frame is blended into it (the title said "Visible" over a picture half thermal)."""
        if not self.views.blend:
            return self.pane_names[0]
        info = self.document.info if self.document is not None else None
        layer = "visible luminance" if missing_modality(info) == "thermal" else "thermal"  # what the right pane shows
        return f"{self.pane_names[0]} + {layer} blended ({self.settings.colormap}, {self.views.blend_opacity:.0%})"

    def _thermal_title(self) -> str:
        """The right pane's name, colormap and what its levels do (``app.window_levels``: "levels 0-255",
        "auto levels 141-212", on 16-bit footage the raw values shown, "raw 2840-3120"; it said
        "levels 0-255" on 16-bit footage too, whose mapping only the opening message told)."""
        separate = ", separate thermal box" if self.actions["separate_thermal"].isChecked() else ""
        levels = getattr(self, "thermal_levels", None)
        shown = levels.title_text() if levels is not None else "levels 0-255"
        return f"{self.pane_names[1]}  ({self.settings.colormap}, {shown}{separate})"

    # -- timeline -------------------------------------------------------------------------
    def _document_changed(self, frames) -> None:
        if frames is None or self.frame in frames:
            self.refresh_boxes()
        if self.synchronous:
            self.refresh_timeline()
        elif not self._timeline_timer.isActive():
            self._timeline_timer.start()

    def refresh_timeline(self) -> None:
        if self.document is not None:
            self.timeline.set_data(self.document.timeline(), low_threshold=self.review_threshold())

    def review_threshold(self) -> float:
        """The track confidence under which a frame is flagged for review (the yellow runs, N,
        Refine's default): the user's when chosen in Refine, else the default for the open
        sequence (``core.tracking.tracker_config.low_confidence_for``: 0.4 on a two-stream pair
        and on visible-only or thermal-only footage)."""
        if self.settings.low_confidence_chosen:
            return self.settings.low_confidence
        return low_confidence_for(self.document.info if self.document is not None else None)
