"""The run's progress bar stays readable beside a long engine text (real-footage walkthrough:
"Student: onnx on cpu, thermal stream alone" squeezed the bar to a sliver whose text wrapped)."""
from __future__ import annotations


def test_the_progress_bar_keeps_room_for_its_text_beside_a_long_engine_text(window, qtbot):
    window.resize(1280, 820)
    status = window.job_status
    status.set_tracker("Tracker: Student")
    status.set_speed(19.7, "Student", "onnx on cpu", "thermal")
    status.begin("Student tracking from frame 101")
    status.report(55, 306, "Student: frame 156")
    window.statusBar().showMessage("Student tracking from frame 101")
    qtbot.waitUntil(lambda: status.bar.isVisible())
    qtbot.wait(50)
    text = status.bar.text()
    assert status.bar.fontMetrics().horizontalAdvance(text) + 16 <= status.bar.width(), (text, status.bar.width())
