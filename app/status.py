"""The status bar's right-hand side: the chosen tracker, tracker speed/engine, a job
progress bar, Cancel."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

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
