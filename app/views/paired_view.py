"""Visible and thermal side by side, zoom and pan linked, one shared target.

The thermal view shows the record's ``thermal_box`` when the pair is misaligned (a
per-modality box), else the same ``box``. A box drawn or edited on either view comes out
as ``box_drawn(modality, box)`` / ``box_edited(modality, box)``; the window decides
whether that sets the shared box or the thermal one.

Single-modality sequences (``SequenceInfo.thermal_only`` / ``visible_only``) still give
two frames (the missing stream is made from the present one, ``core.sequences.layouts``);
``pane_names`` titles each pane by what it really shows and states what is missing.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from app.edits import carried_thermal
from app.views.frame_view import FrameView


def missing_modality(info) -> str | None:
    """"visible" or "thermal" when the sequence lacks that stream, else None."""
    if bool(getattr(info, "thermal_only", False)):
        return "visible"
    if bool(getattr(info, "visible_only", False)):
        return "thermal"
    return None


def pane_names(info) -> tuple[str, str, str]:
    """(left pane name, right pane name, note) for a sequence's ``SequenceInfo``: a
    thermal-only sequence shows its thermal frame in both panes; a visible-only one shows
    the visible luminance in the right pane. ``note`` says what is missing ("" for a pair)."""
    missing = missing_modality(info)
    if missing == "visible":
        return ("Thermal (grey)", "Thermal",
                "thermal-only sequence: no visible stream; both panes show the thermal frame")
    if missing == "thermal":
        return ("Visible", "No thermal stream (visible luminance)",
                "visible-only sequence: no thermal stream; the right pane shows the visible luminance")
    return "Visible", "Thermal", ""


TITLE_PADDING = 6  # pixels each side, as the title's style sheet pads it


def at_word(text: str, shown: str) -> str:
    """``shown`` (``text`` cut at its right, ending in an ellipsis) cut back to the end of a word: at 1280
    wide the title of a frame with a teacher proposal read "tracked (Student), confidence 0… | teacher
    proposal, confidence 0.42 (A to accept)", the cut inside 0.37 read as a confidence of 0. ``shown`` as
    it is when it is ``text`` whole or holds no whole word to cut back to."""
    if shown == text or not shown.endswith("\u2026"):
        return shown
    head = shown[:-1]
    if len(head) < len(text) and text[len(head)] not in " ,;:|" and " " in head.strip():
        head = head[:head.rstrip().rfind(" ")]
    return head.rstrip(" ,;:|") + "\u2026"


class PaneTitle(QLabel):
    """A pane's title, cut with an ellipsis to the pane's width (the whole text in ``text()`` and in
    its tooltip): a QLabel asks for its text's width, and a frame title longer than the pane ("frame
    407: tracked (Student), confidence 0.23 | teacher proposal, ...") moved the split between the
    views to fit it, both pictures shifting and shrinking, and back on the next frame.

    ``keep``: an end of the title cut last (a key to press, "(A to accept)"): the text before it
    is cut first while at least a third of the width is left to it; the whole cut from the right
    otherwise. At 1280 wide the cut took the frame title's "(A to accept)" first."""

    def __init__(self, text: str = ""):
        super().__init__()
        self._text = ""
        self._keep = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str, keep: str = "") -> None:  # noqa: N802 (Qt's name)
        """The title ``text + keep`` (see the class docstring for ``keep``)."""
        self._keep = str(keep)
        self._text = str(text) + self._keep
        self._fit()

    def text(self) -> str:
        return self._text

    def shown_text(self) -> str:
        """The text as drawn: cut to the label's width."""
        return super().text()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(0, self.width() - 2 * TITLE_PADDING)
        metrics = self.fontMetrics()
        shown = at_word(self._text, metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, room))
        if shown != self._text and self._keep:
            head_room = room - metrics.horizontalAdvance(self._keep)
            if head_room >= room // 3:
                head = self._text[:len(self._text) - len(self._keep)]
                shown = at_word(head, metrics.elidedText(head, Qt.TextElideMode.ElideRight, head_room)) + self._keep
        super().setText(shown)
        self.setToolTip(self._text if shown != self._text else "")


class _Titled(QWidget):
    def __init__(self, title: str, view: FrameView):
        super().__init__()
        self.title = PaneTitle(title)
        self.title.setStyleSheet(f"color: #dddddd; background: #303030; padding: 2px {TITLE_PADDING}px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(view, 1)


class PairedViews(QWidget):
    """Signals: box_drawn(str modality, object box), box_edited(str modality, object box)."""

    box_drawn = Signal(str, object)
    box_edited = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.visible = FrameView("visible")
        self.thermal = FrameView("thermal")
        self.thermal.link_to(self.visible)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.visible_panel = _Titled("Visible", self.visible)
        self.thermal_panel = _Titled("Thermal", self.thermal)
        self.splitter.addWidget(self.visible_panel)
        self.splitter.addWidget(self.thermal_panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.blend = False
        self.blend_opacity = 0.5
        self.thermal_levels: tuple[float, float] | None = None  # display levels of the thermal frame (None: 0-255)
        self.visible_is_thermal = False  # the left pane shows the thermal frame too (thermal-only footage)
        self._pair = None
        for view in (self.visible, self.thermal):
            view.drawn.connect(lambda box, m=view.modality: self.box_drawn.emit(m, box))
            view.edited.connect(lambda box, m=view.modality: self.box_edited.emit(m, box))

    def set_pair(self, pair) -> None:
        """Show a ``FramePair`` (visible (H,W,3) uint8 RGB, thermal (H,W) uint8)."""
        self._pair = pair
        self.visible.set_frame(pair.visible)
        self.thermal.set_frame(pair.thermal)
        self._update_overlay()

    def clear(self) -> None:
        self._pair = None
        blank = np.zeros((8, 8), np.uint8)
        self.visible.set_frame(np.zeros((8, 8, 3), np.uint8))
        self.thermal.set_frame(blank)
        self.show_annotation(None)

    def blank(self) -> None:
        """Black frames of the sizes on screen, the zoom kept: shown for a frame that cannot
        be decoded, so no other frame's picture stays under its box."""
        self._pair = None
        for view, channels in ((self.visible, (3,)), (self.thermal, ())):
            if view._image_shape is not None:
                view.set_frame(np.zeros((*view._image_shape, *channels), np.uint8))
        self._update_overlay()

    def show_annotation(self, record, proposal=None, *, thermal_separate: bool = True) -> None:
        """Draw ``record`` (a ``FrameAnnotation`` or None) and a teacher ``proposal`` box
        ((4,) or None) on both views."""
        if record is None or record.box is None:
            self.visible.show_box(None)
            self.thermal.show_box(None)
        else:
            provenance = str(getattr(record.provenance, "value", record.provenance))
            self.visible.show_box(record.box, provenance, record.occluded)
            thermal_box = record.thermal_box if (thermal_separate and record.thermal_box is not None) else record.box
            self.thermal.show_box(thermal_box, provenance, record.occluded)
        self.visible.show_proposal(proposal)
        carried = carried_thermal(proposal, record) if proposal is not None and thermal_separate else None
        self.thermal.show_proposal(proposal if carried is None else carried)  # carried: a misaligned pair

    def set_colormap(self, name: str) -> None:
        """Thermal colormap ("gray", "inferno", ...), used by the thermal view and the blend."""
        self.thermal.set_colormap(name)
        self.visible.set_overlay_colormap(name)

    def set_thermal_levels(self, levels: tuple[float, float] | None, *, visible_is_thermal: bool | None = None) -> None:
        """Display levels ``(low, high)`` of the thermal frame (None: the full 0-255), wherever it is shown:
        the thermal pane, the blended layer, and the left pane when it shows the thermal frame too
        (``visible_is_thermal``: thermal-only footage; None keeps what was said last). The picture only."""
        self.thermal_levels = None if levels is None else (float(levels[0]), float(levels[1]))
        if visible_is_thermal is not None:
            self.visible_is_thermal = bool(visible_is_thermal)
        self.thermal.set_levels(self.thermal_levels)
        self.visible.set_overlay_levels(self.thermal_levels)
        self.visible.set_levels(self.thermal_levels if self.visible_is_thermal else None)

    def set_blend(self, enabled: bool, opacity: float | None = None) -> None:
        """Blend the colormapped thermal frame over the visible view."""
        self.blend = bool(enabled)
        if opacity is not None:
            self.blend_opacity = float(opacity)
        self._update_overlay()

    def set_thermal_shown(self, shown: bool) -> None:
        """Show or hide the thermal twin (the visible view then fills the window)."""
        self.thermal_panel.setVisible(bool(shown))

    def set_titles(self, visible: str, thermal: str, *, visible_keep: str = "") -> None:
        """The panes' titles; ``visible_keep``: the end of the visible title cut last (``PaneTitle``)."""
        self.visible_panel.title.setText(visible, visible_keep)
        self.thermal_panel.title.setText(thermal)

    def _update_overlay(self) -> None:
        if self.blend and self._pair is not None:
            self.visible.set_overlay(self._pair.thermal, self.blend_opacity)
        else:
            self.visible.set_overlay(None)
