"""Frame slider, play/pause at the source frame rate, frame number and time.

``frame_requested(int)`` is emitted when the user moves the slider or playback advances;
the window answers with ``set_frame`` once the frame is shown. A click on the slider's groove
goes to the frame under the pointer (``SeekStyle``). Playback uses a QTimer at
the sequence's fps and stops at the last frame.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProxyStyle, QSlider, QStyle, QToolButton, QWidget


def format_time(seconds: float) -> str:
    minutes, rest = divmod(max(seconds, 0.0), 60.0)
    return f"{int(minutes):02d}:{rest:06.3f}"


class SeekStyle(QProxyStyle):
    """The slider's style with a left click on the groove setting the value under the pointer
    (a video player's seek bar); Qt's own moved it by a page step (10 frames) towards it."""

    def styleHint(self, hint, option=None, widget=None, returnData=None):
        if hint == QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return int(Qt.MouseButton.LeftButton.value)
        return super().styleHint(hint, option, widget, returnData)


class TransportBar(QWidget):
    frame_requested = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = QToolButton()
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.set_play_key("Space")
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self._seek_style = SeekStyle(self.slider.style().name())  # kept: the slider does not own its style
        self.slider.setStyle(self._seek_style)
        self.slider.valueChanged.connect(self._slider_moved)
        self.label = QLabel("frame -/-")
        self.label.setMinimumWidth(220)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.num_frames = 0
        self.fps = 30.0
        self.frame = 0
        self._updating = False

    def set_play_key(self, key: str) -> None:
        """The play button's tool tip names Play / pause's key as bound now ("" = none): it said
        Space after Space was rebound."""
        self.play_button.setToolTip(f"Play / pause ({key})" if key else "Play / pause (View > Play / pause)")

    def configure(self, num_frames: int, fps: float) -> None:
        self.stop()
        self.num_frames = int(num_frames)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.timer.setInterval(max(1, int(round(1000.0 / self.fps))))
        self._updating = True
        self.slider.setRange(0, max(self.num_frames - 1, 0))
        self._updating = False
        self.set_frame(0)

    def set_frame(self, frame: int) -> None:
        self.frame = int(frame)
        self._updating = True
        self.slider.setValue(self.frame)
        self._updating = False
        seconds = self.frame / self.fps
        total = max(self.num_frames - 1, 0) / self.fps
        self.label.setText(f"frame {self.frame + 1}/{self.num_frames}   {format_time(seconds)} / {format_time(total)}")

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle_play(self) -> None:
        if self.playing:
            self.stop()
        elif self.num_frames > 1:
            if self.frame >= self.num_frames - 1:
                self.frame_requested.emit(0)
            self.timer.start()
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))
            self.playing_changed.emit(True)

    def stop(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            self.playing_changed.emit(False)

    def _tick(self) -> None:
        if self.frame >= self.num_frames - 1:
            self.stop()
            return
        self.frame_requested.emit(self.frame + 1)

    def _slider_moved(self, value: int) -> None:
        if not self._updating:
            self.frame_requested.emit(int(value))
