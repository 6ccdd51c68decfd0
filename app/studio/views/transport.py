"""Frame slider, play/pause at the source frame rate, frame number and time."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget


def time_text(frame: int, fps: float) -> str:
    """``mm:ss.cc`` of a 0-based frame at ``fps``."""
    seconds = frame / fps if fps > 0 else 0.0
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(minutes):02d}:{rest:05.2f}"


class Transport(QWidget):
    """``frameRequested(frame)`` when the user moves the slider or playback advances."""

    frameRequested = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = QToolButton()
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.setAutoRaise(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimum(0)
        self.label = QLabel()
        self.label.setMinimumWidth(190)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.fps = 30.0
        self.num_frames = 0
        self.frame = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider.valueChanged.connect(self._slid)

    def configure(self, num_frames: int, fps: float) -> None:
        self.stop()
        self.num_frames = int(num_frames)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.slider.blockSignals(True)
        self.slider.setMaximum(max(0, self.num_frames - 1))
        self.slider.setPageStep(10)
        self.slider.blockSignals(False)
        self.set_frame(0)

    def set_frame(self, frame: int) -> None:
        """Show ``frame`` as current (no signal)."""
        self.frame = int(frame)
        self.slider.blockSignals(True)
        self.slider.setValue(self.frame)
        self.slider.blockSignals(False)
        self.label.setText(f"frame {self.frame + 1} / {self.num_frames}   {time_text(self.frame, self.fps)}")

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def toggle_play(self) -> None:
        if self.playing:
            self.stop()
        elif self.num_frames:
            self._timer.start(max(1, int(round(1000.0 / self.fps))))
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))
            self.playingChanged.emit(True)

    def stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            self.playingChanged.emit(False)

    def _tick(self) -> None:
        if self.frame + 1 >= self.num_frames:
            self.stop()
            return
        self.frameRequested.emit(self.frame + 1)

    def _slid(self, value: int) -> None:
        self.frameRequested.emit(int(value))
