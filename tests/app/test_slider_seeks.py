"""A click on the transport slider's groove goes to the frame under the pointer, as in a video player.

It moved by Qt's page step (10 frames) towards the pointer: a click at three quarters of a
560-frame slider went from frame 1 to frame 11."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def test_a_click_on_the_slider_goes_to_the_frame_under_the_pointer(window, pair_files, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    qtbot.wait(20)
    slider = window.transport.slider
    last = window.document.num_frames - 1
    QTest.mouseClick(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(slider.width() * 0.75), slider.height() // 2))
    assert abs(window.frame - 0.75 * last) <= 2, window.frame
    QTest.mouseClick(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(slider.width() * 0.25), slider.height() // 2))
    assert abs(window.frame - 0.25 * last) <= 2, window.frame
