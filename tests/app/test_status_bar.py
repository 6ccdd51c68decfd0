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


def test_a_long_message_cut_at_the_labels_ends_in_an_ellipsis(window, qtbot):
    """A status message longer than the room left of the tracker label was cut mid-word under it
    ("... F1 l|Tracker: Student" on a 1000-wide window), with no sign that more followed: it ends in
    "..." (one character) now; the whole text stays in the tooltip. Checked on the picture: the bar
    with the long message looks as the bar with that message cut by ``QFontMetrics.elidedText``."""
    from PySide6.QtCore import Qt

    window.resize(640, 480)
    qtbot.waitUntil(lambda: window.width() == 640)
    bar = window.statusBar()
    long = ("Demo: drag a box around the target (the one warm in the thermal view), press T to track; "
            "N jumps to where it needs a look; F1 lists the keys")
    bar.showMessage(long)
    qtbot.wait(20)
    room = window.job_status.x() - 2 - 6  # the message's room as QStatusBar lays it out
    cut = bar.fontMetrics().elidedText(long, Qt.TextElideMode.ElideRight, room)
    assert cut != long and cut.endswith("\u2026")
    shown = bar.grab().toImage()
    bar.showMessage(cut)
    qtbot.wait(20)
    assert bar.grab().toImage() == shown
    assert bar.toolTip() == cut  # follows the message; the long one's tooltip was the long text
    bar.showMessage(long)
    assert bar.toolTip() == long


def test_a_run_s_message_keeps_its_room_beside_the_job_status(window, qtbot):
    """During a tracking run the job status (tracker, engine, FPS, bar, Stop) took most of the bar and the
    run's message shrank to some 106 px at 1280: it has about half the bar now, the engine text cut
    with an ellipsis (its whole text in its tooltip), the bar still showing its whole text."""
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    status, bar = window.job_status, window.statusBar()
    status.set_tracker("Tracker: OpenCV CSRT (thermal)")
    status.begin("Student tracking from frame 101")
    status.set_speed(19.7, "Student", "onnx on cpu, RANDOM weights (no checkpoint found)", "thermal")
    status.report(55, 306, "Student: frame 156")
    message = ("Student tracking from frame 101 to the end of the range (frame 406); Esc stops it and keeps the "
               "frames tracked so far")
    bar.showMessage(message)
    qtbot.wait(50)
    assert bar.message_rect().width() >= 0.45 * bar.width(), (bar.message_rect().width(), bar.width())  # 106 px before
    assert bar.shown_message().startswith("Student tracking from frame 101 to the end of the range (frame 406); Esc")
    engine = status.engine_label
    assert engine.shown_text() != engine.text() and engine.shown_text().endswith("\u2026")
    assert engine.toolTip().startswith(engine.text())
    text = status.bar.text()
    assert status.bar.fontMetrics().horizontalAdvance(text) + 16 <= status.bar.width(), (text, status.bar.width())
    bar.clearMessage()  # no message: the labels whole again
    qtbot.wait(50)
    assert engine.shown_text() == engine.text() and status.tracker_label.shown_text() == "Tracker: OpenCV CSRT (thermal)"


def test_the_permanent_widgets_keep_a_share_of_the_bar_however_long_the_message(window, qtbot):
    """A message longer than the bar does not squeeze the labels to nothing: they keep what they need up to
    about a third of the bar."""
    from app.status import PERMANENT_SHARE

    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    status, bar = window.job_status, window.statusBar()
    status.set_tracker("Tracker: OpenCV CSRT (thermal)")
    bar.showMessage("a very long message " * 40)
    qtbot.wait(50)
    assert status.tracker_label.shown_text() == "Tracker: OpenCV CSRT (thermal)"
    status.set_speed(19.7, "Student", "onnx on cpu, RANDOM weights (no checkpoint found) " * 4, "thermal")
    qtbot.wait(50)
    assert bar.message_rect().width() <= (1 - PERMANENT_SHARE) * bar.width()
    assert status.width() >= PERMANENT_SHARE * bar.width() - 40
