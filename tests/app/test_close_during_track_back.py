"""Closing the window while Shift+T tracks back.

Found under Xvfb (antiuav-7: K on frame 700, Shift+T, Ctrl+Q some 80 frames later): the project
reopened at frame 699, beside where Shift+T began, not at frame 617 where the run had got to, and
said "tracking was stopped at frame 699 when the window closed (T from there continues it)": the
close took the run's highest frame written, and named the key that tracks the other way."""
from __future__ import annotations

from tests.app.conftest import new_window, slow_track_job, window_running


def test_the_reopened_project_shows_where_tracking_back_stopped_and_shift_t_continues_it(
        qtbot, monkeypatch, pair_files, synthetic, tmp_path):
    store = str(tmp_path / "back.rgbt.sqlite")
    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, [19, 18, 17]), pair_files, store)
    window.goto(20)
    window.views.box_drawn.emit("visible", synthetic.boxes[20])
    window.actions["track_back"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 3, timeout=20000)
    window.close()
    again = new_window(qtbot)
    again.open_pair(*pair_files, store=store)
    assert again.frame == 17
    assert again.statusBar().currentMessage().endswith(
        "tracking back was stopped at frame 18 when the window closed (Shift+T from there continues it)")
    again.close()


def test_a_forward_run_still_says_t(qtbot, monkeypatch, pair_files, synthetic, tmp_path):
    store = str(tmp_path / "forward.rgbt.sqlite")
    window = window_running(qtbot, monkeypatch, slow_track_job(synthetic, [1, 2, 3]), pair_files, store)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(window.tracking.frames) >= 3, timeout=20000)
    window.close()
    again = new_window(qtbot)
    again.open_pair(*pair_files, store=store)
    assert again.frame == 3
    assert again.statusBar().currentMessage().endswith(
        "tracking was stopped at frame 4 when the window closed (T from there continues it)")
    again.close()
