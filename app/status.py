"""The status bar (:class:`ElidingStatusBar`) and its right-hand side: the chosen tracker,
tracker speed/engine, a job progress bar, Cancel."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
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


class JobStatus(QWidget):
    """cancel_requested() when the user presses Stop/Cancel."""

    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tracker_label = QLabel("")
        self.tracker_label.setToolTip("the tracker T runs (Track > Tracker)")
        self.engine_label = QLabel("")
        self.fps_label = QLabel("")
        self.fps_label.setMinimumWidth(80)
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
