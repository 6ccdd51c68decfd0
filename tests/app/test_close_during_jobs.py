"""The window's close button (the window manager's close request) while an export or Improve
runs with its progress dialog on screen: the job is cancelled, the window closes, nothing
partial is left. Before 2026-12-07 the progress dialog was window-modal, and Qt drops the
window manager's close request for a window a modal dialog blocks: the X did nothing.
"""
from __future__ import annotations

import ctypes
import time
from pathlib import Path

import pytest

from tests.app import test_improve
from tests.app.conftest import new_window
from tests.app.test_improve import TINY, annotate, new_files

student_pt = test_improve.student_pt  # the fixture: a student checkpoint with random weights


def press_close_button(window) -> None:
    """What the window manager's X does: a spontaneous close request for the window's QWindow
    (``QWindowSystemInterface::handleCloseEvent``), which Qt refuses for a window that a modal
    dialog blocks (``QWidget.close()`` is not refused, so it cannot show the defect)."""
    import PySide6
    import shiboken6

    library = ctypes.CDLL(str(Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Gui.so.6"))
    handle = library["_ZN22QWindowSystemInterface16handleCloseEventINS_19SynchronousDeliveryEEEbP7QWindow"]
    handle.restype = ctypes.c_bool
    handle.argtypes = [ctypes.c_void_p]
    handle(shiboken6.getCppPointer(window.windowHandle())[0])


def slowed(factory, seconds: float = 0.05):
    """``factory`` whose job waits ``seconds`` after each report (a long export)."""
    def slow(*args):
        job = factory(*args)
        result = yield from _paced(job, seconds)
        return result
    return slow


def _paced(job, seconds):
    try:
        while True:
            report = next(job)
            time.sleep(seconds)
            yield report
    except StopIteration as stop:
        return stop.value
    finally:
        job.close()


@pytest.fixture
def opened(qtbot, pair_files, tmp_path):
    window = new_window(qtbot)
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    assert window.document is not None
    return window


def test_close_button_during_an_export_cancels_it_and_closes(opened, synthetic, qtbot, monkeypatch, tmp_path):
    from dataclasses import replace

    import app.dialogs.export_dialog as export_dialog

    window = opened
    window.goto(0)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    lasher = export_dialog.entry("lasher")
    monkeypatch.setattr(export_dialog, "EXPORT_ENTRIES", [replace(lasher, factory=slowed(lasher.factory, 0.3))])
    window.exporter.runner.synchronous = False
    target = tmp_path / "out" / "walk-lasher"
    target.parent.mkdir()
    window.export("lasher", target)
    dialog = window.exporter.dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=10000)  # the progress dialog is on screen
    assert window.exporter.busy
    press_close_button(window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15000)
    assert not window.exporter.busy or window.exporter.runner.wait(0)
    assert list(target.parent.iterdir()) == []  # nothing left as if it were an export


def test_close_button_during_improve_cancels_it_and_closes(opened, synthetic, student_pt, qtbot):
    from app.settings import ModelSettings

    window = opened
    window.settings.models = ModelSettings(student_weights=str(student_pt), engine="torch", device="cpu")
    window.improver.config = replace_steps(TINY, 100000)
    annotate(window, synthetic)
    improver = window.improver
    improver.runner.synchronous = False
    reports = []
    improver.runner.progress.connect(lambda _g, report: reports.append(report.message))
    improver.start()
    qtbot.waitUntil(lambda: improver.progress_dialog is not None and improver.progress_dialog.isVisible()
                    and any(m.startswith("2/2") for m in reports), timeout=60000)  # fine-tuning
    press_close_button(window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert improver.runner.wait(0)
    assert new_files() == []  # no data file, no new weights


def replace_steps(config, steps):
    from dataclasses import replace

    return replace(config, steps=steps)


def test_the_window_takes_no_input_while_the_progress_dialog_is_up(opened, synthetic, qtbot, monkeypatch, tmp_path):
    """Without a modal dialog the window still takes no clicks, keys or shortcuts meanwhile."""
    from dataclasses import replace

    from PySide6.QtCore import Qt

    import app.dialogs.export_dialog as export_dialog

    window = opened
    window.goto(0)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    lasher = export_dialog.entry("lasher")
    monkeypatch.setattr(export_dialog, "EXPORT_ENTRIES", [replace(lasher, factory=slowed(lasher.factory, 0.05))])
    window.exporter.runner.synchronous = False
    window.activateWindow()
    window.export("lasher", tmp_path / "walk-lasher")
    qtbot.waitUntil(lambda: window.exporter.dialog is not None and window.exporter.dialog.isVisible(), timeout=10000)
    from PySide6.QtWidgets import QApplication

    frame = window.frame
    window.activateWindow()  # the user clicks the window beside the dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F)  # next frame
    qtbot.mouseClick(window.transport.play_button, Qt.MouseButton.LeftButton)
    assert window.frame == frame and not window.transport.playing
    with qtbot.waitSignal(window.exporter.exported, timeout=30000):
        pass
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert window.frame == frame + 1  # input back once the export has ended
