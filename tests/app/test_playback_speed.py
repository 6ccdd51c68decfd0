"""Playback ran only at the source frame rate: an annotator checking a fast target frame by
frame could not slow it down, nor skim a long calm stretch faster. The transport bar has a
speed button (x0.125 to x8) and View > Play faster / Play slower (= and -)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.views.transport import SPEEDS, TransportBar


def test_the_timer_follows_the_speed_also_while_playing(qtbot):
    bar = TransportBar()
    qtbot.addWidget(bar)
    bar.configure(100, 25.0)
    assert bar.speed == 1.0 and bar.timer.interval() == 40 and bar.speed_button.text() == "x1"
    bar.toggle_play()
    bar.faster()
    assert bar.playing and bar.timer.interval() == 20 and bar.speed_button.text() == "x2"
    bar.stop()
    for _ in range(len(SPEEDS)):
        bar.slower()
    assert bar.speed == SPEEDS[0] and bar.timer.interval() == 320 and bar.speed_button.text() == "x0.125"
    for _ in range(len(SPEEDS) + 2):
        bar.faster()
    assert bar.speed == SPEEDS[-1] and bar.timer.interval() == 5
    bar.configure(10, 30.0)  # another sequence: the chosen speed stays
    assert bar.speed == SPEEDS[-1] and bar.timer.interval() == 4
    with pytest.raises(ValueError):
        bar.set_speed(3.0)


def test_the_speed_menu_sets_the_speed(qtbot):
    bar = TransportBar()
    qtbot.addWidget(bar)
    bar.configure(100, 20.0)
    seen = []
    bar.speed_changed.connect(seen.append)
    half = next(a for a in bar.speed_button.menu().actions() if a.text() == "x0.5")
    half.trigger()
    assert bar.speed == 0.5 and bar.timer.interval() == 100 and seen == [0.5]


def test_the_speed_menu_ticks_the_speed_now(qtbot):
    """The speed button's menu listed x0.125 to x8 with none ticked, the speed now said only by the
    button's text (a helper's session) -> the speed now is ticked, also after = / -."""
    bar = TransportBar()
    qtbot.addWidget(bar)
    ticked = lambda: [a.text() for a in bar.speed_button.menu().actions() if a.isChecked()]  # noqa: E731
    assert ticked() == ["x1"]
    bar.faster()
    assert ticked() == ["x2"]
    quarter = next(a for a in bar.speed_button.menu().actions() if a.text() == "x0.25")
    quarter.trigger()
    assert ticked() == ["x0.25"] and bar.speed == 0.25


def test_the_keys_change_the_speed_and_playback_reaches_the_end(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    window.activateWindow()
    window.setFocus()
    fps = window.document.info.fps
    qtbot.keyClick(window, Qt.Key.Key_Equal)
    qtbot.keyClick(window, Qt.Key.Key_Equal)
    assert window.transport.speed == 4.0
    assert window.transport.speed_button.toolTip() == "Playback speed (faster / slower: = / -)"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.transport.timer.interval() == round(1000 / (4 * fps))
    qtbot.waitUntil(lambda: not window.transport.playing, timeout=10000)
    assert window.frame == window.document.num_frames - 1
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    assert window.transport.speed == 2.0


def test_playback_keeps_the_clock_where_frames_come_slower_than_the_speed(qtbot):
    """On antiuav-4 (25 fps) at x8 the studio went from frame 1 to 270 in 3 s, 90 frames/s where the
    button said 200 (each tick asked for the next frame, and the window could not show 200 a second
    on the 2-core VM; a helper's session) -> each tick goes to the frame the clock has reached, so
    x8 plays 8 seconds of footage a second, leaving frames out when they come slower."""
    bar = TransportBar()
    qtbot.addWidget(bar)
    now = [100.0]
    bar._now = lambda: now[0]
    asked = []

    def show(frame):  # the window answers at once, as MainWindow.goto does
        asked.append(frame)
        bar.set_frame(frame)

    bar.frame_requested.connect(show)
    bar.configure(501, 25.0)
    bar.set_speed(8.0)
    bar.toggle_play()
    now[0] += 0.011  # a tick on time: 0.011 s x 25 x 8 = 2.2 frames due
    bar._tick()
    now[0] += 0.5  # the window was busy: 100 frames more are due, the clock is kept
    bar._tick()
    assert asked == [2, 102]
    now[0] += 0.001  # ticks closer than a frame still step one frame
    bar._tick()
    assert asked[-1] == 103
    bar.set_frame(10)  # a seek while playing: counted from there
    now[0] += 0.011
    bar._tick()
    assert asked[-1] == 11
    bar.set_speed(1.0)  # a new speed counts from the frame shown
    now[0] += 0.08
    bar._tick()
    assert asked[-1] == 13
    now[0] += 100.0  # the end: the last frame, then playback stops
    bar._tick()
    bar._tick()
    assert asked[-1] == 500 and not bar.playing


def test_the_speed_keys_say_the_speed_and_when_there_is_no_faster_one(window, pair_files, tmp_path):
    """= at x8 (and - at x0.125) did nothing, without a word (a helper's session) -> each key says the
    speed and the frames a second it plays at, and at the ends that there is no faster (slower) one."""
    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    fps = window.transport.fps
    window.actions["play_faster"].trigger()
    assert window.statusBar().currentMessage() == (f"playback speed x2: {2 * fps:.3g} frames a second of footage "
                                                   f"at {fps:.3g} fps")
    for _ in range(len(SPEEDS)):
        window.actions["play_faster"].trigger()
    assert window.statusBar().currentMessage() == "playback speed x8, the fastest there is"
    for _ in range(len(SPEEDS)):
        window.actions["play_slower"].trigger()
    assert window.statusBar().currentMessage() == "playback speed x0.125, the slowest there is"
    window.transport.set_speed(1.0)


def test_the_speed_chosen_is_kept_across_sessions(qtbot):
    """The speed chosen (x2 to review a run) came back x1 at the next start, while the views' blend, colormap and
    Follow the target are kept in studio.ini: the speed is kept as they are; a hand-edited value that is not a
    speed there is is read as x1."""
    from app.settings import StudioSettings
    from tests.app.conftest import new_window

    first = new_window(qtbot)
    assert first.transport.speed == 1.0
    first.actions["play_faster"].trigger()
    first.transport.speed_button.menu().actions()[-2].trigger()  # x4 from the button's menu
    assert first.transport.speed == 4.0 and StudioSettings.load().playback_speed == 4.0
    first.close()
    second = new_window(qtbot)
    assert second.transport.speed == 4.0 and second.transport.speed_button.text() == "x4"
    second.close()
    q = StudioSettings.qsettings()
    q.setValue("view/playback_speed", "3")
    q.sync()
    assert StudioSettings.load().playback_speed == 1.0
