"""Frame slider, play/pause at the source frame rate (or a chosen speed), frame number and time.

``frame_requested(int)`` is emitted when the user moves the slider or playback advances;
the window answers with ``set_frame`` once the frame is shown. A click on the slider's groove
goes to the frame under the pointer (``SeekStyle``). Playback uses a QTimer at
the sequence's fps times the playback speed (:data:`SPEEDS`, x1 by default: the speed button
beside the play button, View > Play faster / Play slower) and stops at the last frame. Playback
keeps the clock: each tick goes to the frame due by the time played (at least the next one), so
where the frames cannot be decoded and shown as fast as the speed asks (x8 on a laptop), frames
are left out and the speed shown is the speed played, as in a video player.
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QProxyStyle, QSlider, QStyle, QToolButton, QWidget

from app.settings import PLAYBACK_SPEEDS

#: the playback speeds, slowest first (1.0: the source frame rate); the one chosen is kept across sessions
#: (``StudioSettings.playback_speed``, as the views' blend and Follow the target are)
SPEEDS = PLAYBACK_SPEEDS


def speed_text(speed: float) -> str:
    """``x1``, ``x0.5``, ``x2``, ``x0.125``."""
    return f"x{speed:g}"


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
    speed_changed = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = QToolButton()
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.set_play_key("Space")
        self.play_button.clicked.connect(self.toggle_play)
        self.speed = 1.0
        self.speed_button = QToolButton()  # a menu of SPEEDS; its text is the speed now
        self.speed_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        speed_menu = QMenu(self.speed_button)
        self._speed_group = QActionGroup(speed_menu)  # the speed now ticked in the menu
        for speed in SPEEDS:
            action = speed_menu.addAction(speed_text(speed), lambda s=speed: self.set_speed(s))
            action.setCheckable(True)
            action.setData(speed)
            self._speed_group.addAction(action)
        self.speed_button.setMenu(speed_menu)
        self.set_speed_keys("", "")
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
        layout.addWidget(self.speed_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.num_frames = 0
        self.fps = 30.0
        self.frame = 0
        self._updating = False
        self._now = time.monotonic  # the playback clock (seconds); a test sets its own
        self._anchor = (0, 0.0)  # (frame, clock) playback counts from: set at play, a seek or a new speed
        self._emitted = -1  # the frame the last tick asked for: another one shown means a seek
        self._show_speed()

    def set_play_key(self, key: str) -> None:
        """The play button's tool tip names Play / pause's key as bound now ("" = none): it said
        Space after Space was rebound."""
        self.play_button.setToolTip(f"Play / pause ({key})" if key else "Play / pause (View > Play / pause)")

    def set_speed_keys(self, faster: str, slower: str) -> None:
        """The speed button's tool tip names Play faster's and Play slower's keys as bound now."""
        keys = " / ".join(k for k in (faster, slower) if k)
        self.speed_button.setToolTip("Playback speed" + (f" (faster / slower: {keys})" if keys else ""))

    def configure(self, num_frames: int, fps: float) -> None:
        """A new sequence of ``num_frames`` frames at ``fps`` (30 when unknown); playback stops,
        the speed chosen stays."""
        self.stop()
        self.num_frames = int(num_frames)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self._set_interval()
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

    def set_speed(self, speed: float) -> None:
        """Play at ``speed`` times the source frame rate (one of :data:`SPEEDS`), also while playing."""
        if speed not in SPEEDS:
            raise ValueError(f"playback speed {speed!r} is not one of {SPEEDS}")
        if speed != self.speed:
            self.speed = float(speed)
            self._set_interval()
            self._start_clock()
            self._show_speed()
            self.speed_changed.emit(self.speed)

    def faster(self) -> None:
        """The next speed of :data:`SPEEDS` (stays at the fastest)."""
        self.set_speed(SPEEDS[min(SPEEDS.index(self.speed) + 1, len(SPEEDS) - 1)])

    def slower(self) -> None:
        """The previous speed of :data:`SPEEDS` (stays at the slowest)."""
        self.set_speed(SPEEDS[max(SPEEDS.index(self.speed) - 1, 0)])

    def _set_interval(self) -> None:
        self.timer.setInterval(max(1, int(round(1000.0 / (self.fps * self.speed)))))

    def _start_clock(self) -> None:
        """Count the time played from now and the frame shown now."""
        self._anchor = (self.frame, self._now())
        self._emitted = self.frame

    def _due_frame(self) -> int:
        """The frame the clock has reached: the anchor's plus the frames of the time since it, at
        the speed (at least the frame after the one shown; the last frame at most)."""
        frame, start = self._anchor
        due = frame + math.floor((self._now() - start) * self.fps * self.speed + 1e-6)
        return min(max(due, self.frame + 1), self.num_frames - 1)

    def _show_speed(self) -> None:
        self.speed_button.setText(speed_text(self.speed))
        for action in self._speed_group.actions():
            action.setChecked(action.data() == self.speed)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle_play(self) -> None:
        if self.playing:
            self.stop()
        elif self.num_frames > 1:
            if self.frame >= self.num_frames - 1:
                self.frame_requested.emit(0)
            self._start_clock()
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
        if self.frame != self._emitted:  # the user went to another frame while playing: count from there
            self._start_clock()
        self._emitted = self._due_frame()
        self.frame_requested.emit(self._emitted)

    def _slider_moved(self, value: int) -> None:
        if not self._updating:
            self.frame_requested.emit(int(value))
