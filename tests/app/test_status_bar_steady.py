"""The pictures stay put when a job starts (real-pair session under X: T on 0111_1716 moved both
views' pictures up 2 px and shrank them as the status bar grew to hold the progress bar and Stop,
and back down when the run ended)."""
from __future__ import annotations


def test_the_status_bar_keeps_its_height_when_a_job_shows_its_bar(window, qtbot):
    window.resize(1280, 820)
    bar = window.statusBar()
    status = window.job_status
    status.set_tracker("Tracker: Student")
    bar.showMessage("opened 0111_1716: 151 frames at 30 fps")
    qtbot.wait(50)
    idle, views = bar.height(), window.views.height()
    status.begin("loading the Student tracker")
    bar.showMessage("Student tracking from frame 1")
    qtbot.waitUntil(lambda: status.bar.isVisible())
    qtbot.wait(50)
    assert (bar.height(), window.views.height()) == (idle, views)
    status.finish()
    qtbot.wait(50)
    assert (bar.height(), window.views.height()) == (idle, views)
