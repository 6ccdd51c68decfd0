"""The status bar (:class:`ElidingStatusBar`) and its right-hand side: the chosen tracker,
tracker speed/engine, a job progress bar, Cancel.

The message comes first: the permanent widgets on the right (the comparison's label, the tracker,
a run's engine, FPS and bar) give up room to it down to :data:`PERMANENT_SHARE` of the bar, their
labels cut with an ellipsis (:class:`ElidedLabel`, the whole text in its tooltip), never below
what a run's bar needs for its own text. Before, at 1280 px with a comparison shown, the labels
took the right half and the message ("... M jumps to where they disagree most") was cut; during
a run the message had some 250 px."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QStyle,
    QStyleOption,
    QWidget,
)

BAR_MIN_WIDTH = 160  # pixels: the progress bar is never squeezed below this by the labels beside it
BAR_MAX_WIDTH = 360
#: the share of the status bar's width the permanent widgets keep however long the message (when they
#: need it): the rest is the message's
PERMANENT_SHARE = 0.35
#: an elided label is never narrower than this (pixels; "Tracker: St\u2026")
LABEL_MIN_WIDTH = 70
QWIDGETSIZE_MAX = (1 << 24) - 1


class ElidedLabel(QLabel):
    """A one-line label that, narrower than its text, shows it cut with an ellipsis ("the ground
    truth: IoU 0.83 here \u00b7 succ\u2026") and puts the whole text first in its tooltip.
    ``text()`` is the whole text; its size hint is the whole text's, its minimum
    :data:`LABEL_MIN_WIDTH` (or less for a shorter text)."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self.setText(text)

    def text(self) -> str:  # the whole text, not the cut one shown
        return self._full

    def shown_text(self) -> str:
        """The text as shown now (cut to the label's width, with an ellipsis)."""
        return super().text()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = str(text)
        self._elide()
        self.updateGeometry()

    def clear(self) -> None:
        self.setText("")

    def setToolTip(self, tip: str) -> None:  # noqa: N802 (Qt's name)
        self._tip = str(tip)
        self._sync_tip()

    def _padding(self) -> int:
        """What the label adds to its text's width (margins, a style sheet's padding, a pixel's slack)."""
        margins = self.contentsMargins()
        return margins.left() + margins.right() + 2 * self.margin() + 2

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance(self._full) + self._padding() if self._full else 0
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(min(self.sizeHint().width(), LABEL_MIN_WIDTH), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()

    def _elide(self) -> None:
        room = self.width() - self._padding() + 1 if self.width() > 0 else QWIDGETSIZE_MAX
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 0))
        if shown != super().text():
            super().setText(shown)
        self._sync_tip()

    def _sync_tip(self) -> None:
        cut = super().text() != self._full
        tip = "\n".join(t for t in ((self._full if cut else ""), self._tip) if t)
        if tip != super().toolTip():
            super().setToolTip(tip)


class JobStatus(QWidget):
    """cancel_requested() when the user presses Stop/Cancel."""

    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tracker_label = ElidedLabel("")
        self.tracker_label.setToolTip("the tracker T runs (Track > Tracker)")
        self.engine_label = ElidedLabel("")
        self.fps_label = QLabel("")  # 80 px wide while it says a speed (none kept while empty)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(BAR_MAX_WIDTH)
        self.bar.setMinimumWidth(BAR_MIN_WIDTH)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Stop")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.tracker_label, self.engine_label, self.fps_label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        # the height of the bar and Stop, also while they are hidden: the status bar grew by them as a
        # job began, and both views' pictures moved up and shrank, then back as it ended
        self.setMinimumHeight(max(self.bar.sizeHint().height(), self.cancel_button.sizeHint().height()))
        self.finish()

    def set_tracker(self, text: str) -> None:
        """The chosen live tracker ("Tracker: OpenCV CSRT (visible)")."""
        self.tracker_label.setText(text)

    def begin(self, text: str) -> None:
        self.bar.setRange(0, 0)
        self._set_format(text)
        self.bar.show()
        self.cancel_button.show()

    def report(self, done: int, total: int | None, text: str = "") -> None:
        if total:
            self.bar.setRange(0, int(total))
            self.bar.setValue(int(done))
        if text:
            self._set_format(f"{text}  %p%")

    def _set_format(self, text: str) -> None:
        """The bar's text, with room for it: a long engine text beside the bar ("Student: onnx
        on cpu, thermal stream alone") squeezed it to a sliver whose text wrapped."""
        self.bar.setFormat(text)
        shown = text.replace("%p", "100")
        wide = self.bar.fontMetrics().horizontalAdvance(shown) + 24
        self.bar.setMinimumWidth(max(BAR_MIN_WIDTH, min(wide, BAR_MAX_WIDTH)))

    def set_speed(self, fps: float, model: str, engine: str, feed: str = "") -> None:
        """engine: ``core.trackers.engine_text`` ("torch on cpu", "..., RANDOM weights"); feed:
        what the network is fed now (``TrackStep.feed``): one stream alone is said, both is not."""
        self.fps_label.setText(f"{fps:.1f} FPS" if fps > 0 else "")
        self.fps_label.setMinimumWidth(80 if fps > 0 else 0)  # steady while the speed changes
        random = "RANDOM" in engine
        alone = f", {feed} stream alone" if feed in ("thermal", "visible") else ""
        self.engine_label.setText(f"{model}: {engine}{alone}")
        self.engine_label.setStyleSheet("color: #c0392b; font-weight: bold;" if random else "")

    def finish(self) -> None:
        """The run ended: hide the bar; the model, engine and speed stay, marked as the last run's
        ("last run teacher: onnx on cpu  23.1 FPS"): beside "Tracker: Student" a bare "teacher: onnx
        on cpu" after a refinement read as if the student ran on the teacher."""
        text = self.engine_label.text()
        if text and not text.startswith("last run"):
            self.engine_label.setText(f"last run {text}")
        self.bar.hide()
        self.cancel_button.hide()


class ElidingStatusBar(QStatusBar):
    """A status bar whose message, when longer than the room left of its permanent widgets, ends
    in an ellipsis ("... F1 lists the k\u2026"): ``QStatusBar`` cut it mid-word under the tracker
    label, with no sign that more followed. ``currentMessage()`` is the whole text, and so is the
    tooltip the window sets. Painted as ``QStatusBar.paintEvent`` paints a message, with the text
    elided."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        self._fitting = False
        self.messageChanged.connect(lambda _text: self.fit_permanent())

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a permanent widget's text (its size hint) changed
            self.fit_permanent()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.fit_permanent()
        super().resizeEvent(event)

    def fit_permanent(self) -> None:
        """Cap the widths of the permanent widgets' labels (:class:`ElidedLabel`) so the message has
        its room: they keep what the message leaves them, and at least :data:`PERMANENT_SHARE` of the
        bar (or what they need, when less), the widest label cut first, none below its minimum. The
        other widgets (a run's bar, Stop) keep their width. Each label is weighed on its own: capped
        as one, the job status cut its tracker and engine labels to their minimum ("Tracker: \u2026",
        "Student: \u2026") beside a comparison label left whole."""
        if self._fitting:
            return
        self._fitting = True
        try:
            shown = [w for w in self._permanent if not w.isHidden()]
            if not shown:
                return
            labels: list[ElidedLabel] = []
            fixed = 0  # what the permanent widgets take besides their labels
            for widget in shown:
                inside = [widget] if isinstance(widget, ElidedLabel) else [
                    label for label in widget.findChildren(ElidedLabel) if not label.isHidden()]
                labels += inside
                if not isinstance(widget, ElidedLabel):
                    fixed += _width_besides(widget, inside)
            hints = [label.sizeHint().width() for label in labels]
            lows = [label.minimumSizeHint().width() for label in labels]
            spacing = max(self.layout().spacing(), 0) if self.layout() is not None else 6
            available = self.width() - 18 - 16 - spacing * len(shown)  # the message's margins, a size grip
            message = self.currentMessage()
            need = self.fontMetrics().horizontalAdvance(message) + 8 if message else 0
            wanted = fixed + sum(hints)
            room = max(available - need, min(wanted, int(PERMANENT_SHARE * available))) - fixed
            caps = _water_fill(hints, lows, room)
            for label, cap in zip(labels, caps, strict=True):
                label.setMaximumWidth(QWIDGETSIZE_MAX if cap is None else cap)
        finally:
            self._fitting = False

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 (Qt's name)
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def insertPermanentWidget(self, index: int, widget: QWidget, stretch: int = 0) -> int:  # noqa: N802
        self._permanent.append(widget)
        return super().insertPermanentWidget(index, widget, stretch)

    def removeWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt's name)
        if widget in self._permanent:
            self._permanent.remove(widget)
        super().removeWidget(widget)

    def message_rect(self) -> QRect:
        """Where the message is drawn: from 6 px in to 2 px short of the first visible permanent
        widget (``QStatusBarPrivate::messageRect``, left to right and right to left)."""
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        left, right = 6, self.width() - 12
        shown = [w for w in self._permanent if w.isVisible() and w.parentWidget() is self]
        if shown:
            if rtl:
                left = max(left, max(w.x() + w.width() for w in shown) + 2)
            else:
                right = min(right, min(w.x() for w in shown) - 2)
        return QRect(left, 0, max(0, right - left), self.height())

    def shown_message(self) -> str:
        """The message as it is drawn: cut with an ellipsis to :meth:`message_rect` ("" when none)."""
        message = self.currentMessage()
        if not message:
            return ""
        return self.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight, self.message_rect().width())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        message = self.currentMessage()
        if not message:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for widget in self._permanent:  # with a message shown only the permanent widgets have frames
            if widget.isVisible() and widget.parentWidget() is self:
                frame = widget.geometry().adjusted(-2, -1, 2, 1)
                if event.rect().intersects(frame):
                    item = QStyleOption()
                    item.rect = frame
                    item.palette = self.palette()
                    item.state = QStyle.StateFlag.State_None
                    self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, item, painter, widget)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.message_rect(), int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                                                  | Qt.TextFlag.TextSingleLine), self.shown_message())
        painter.end()


def _water_fill(hints: list[int], lows: list[int], room: int) -> list[int | None]:
    """The widths (None: uncapped) that fit widgets of size hints ``hints`` and minimums ``lows``
    into ``room`` pixels: the widest are cut first, to one level, never below their minimum."""
    if sum(hints) <= room:
        return [None] * len(hints)
    low, high = 0, max(hints)
    while low < high:  # the highest level at which they fit
        level = (low + high + 1) // 2
        if sum(max(lo, min(h, level)) for h, lo in zip(hints, lows, strict=True)) <= room:
            low = level
        else:
            high = level - 1
    return [None if h <= low else max(lo, low) for h, lo in zip(hints, lows, strict=True)]


def _width_besides(widget: QWidget, labels: list[ElidedLabel]) -> int:
    """The width ``widget`` takes besides ``labels`` (its elided labels): its layout's other shown
    widgets at their size hint (at least their minimum), its margins and spacing; a widget with no
    layout, its size hint."""
    layout = widget.layout()
    if layout is None:
        return max(widget.sizeHint().width(), widget.minimumWidth())
    margins = layout.contentsMargins()
    total, count = margins.left() + margins.right(), 0
    for index in range(layout.count()):
        child = layout.itemAt(index).widget()
        if child is None or child.isHidden():
            continue
        count += 1
        if child not in labels:
            total += max(child.sizeHint().width(), child.minimumSizeHint().width(), child.minimumWidth())
    return total + max(layout.spacing(), 0) * max(count - 1, 0)
