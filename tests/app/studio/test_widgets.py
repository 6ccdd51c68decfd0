"""Widgets and dialogs of the window: linked views, fixed thermal levels, playback,
timeline clicks, shortcuts and Help, settings, errors as dialogs, drag and drop."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.studio.actions import SHORTCUTS
from app.studio.sources import Source
from tests.app.studio.helpers import open_and_wait


def test_views_linked_levels_fixed_playback(qtbot, make_window, tiny_pair):
    window = make_window()
    project = open_and_wait(qtbot, window, Source.pair(*tiny_pair))
    visible, thermal = window.paired.visible, window.paired.thermal
    assert visible.image.axisOrder == "row-major"
    assert thermal.image.getLevels() is not None and tuple(thermal.image.getLevels()) == (0.0, 255.0)
    visible.viewbox.setRange(xRange=(10, 40), yRange=(10, 30), padding=0)
    QApplication.processEvents()
    np.testing.assert_allclose(thermal.viewbox.viewRange()[0], visible.viewbox.viewRange()[0])
    assert visible.viewbox.state["aspectLocked"]
    # playback at the source rate (30 fps): a few frames in 200 ms, stops at the end
    window.transport.toggle_play()
    qtbot.waitUntil(lambda: window.frame >= 3, timeout=3000)
    window.transport.toggle_play()
    assert not window.transport.playing
    window.go_to(project.num_frames - 2)
    window.transport.toggle_play()
    qtbot.waitUntil(lambda: not window.transport.playing, timeout=3000)
    assert window.frame == project.num_frames - 1
    # keyboard navigation D/F/C/V
    window.go_to(5)
    for key, expected in ((Qt.Key.Key_F, 6), (Qt.Key.Key_D, 5), (Qt.Key.Key_C, 0), (Qt.Key.Key_V, 10)):
        QTest.keyClick(window, key)
        assert window.frame == expected
    # the blended overlay
    window.actions["overlay"].setChecked(True)
    assert visible.overlay.isVisible()
    window.actions["overlay"].setChecked(False)
    assert not visible.overlay.isVisible()


def test_timeline_click_and_next_attention(qtbot, make_window, tiny_pair):
    window = make_window()
    open_and_wait(qtbot, window, Source.pair(*tiny_pair))
    window.editor.box([20, 20, 20, 20], "visible")
    window._refresh_timeline()
    plot = window.timeline.getPlotItem()
    scene_point = plot.vb.mapViewToScene(QPointF(7, 0.5))
    widget_point = window.timeline.mapFromScene(scene_point)
    QTest.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    assert window.frame == 7
    window.go_to(0)
    QTest.keyClick(window, Qt.Key.Key_N)
    assert window.frame == 1  # the first unlabelled frame


def test_help_lists_every_shortcut(qtbot, make_window):
    window = make_window()
    window.show_help()
    dialog = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "HelpDialog")
    keys = {dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount())}
    for expected in ("D", "F", "C", "V", "Space", "K", "O", "T", "R", "Ctrl+Z", "Ctrl+Shift+Z"):
        assert expected in keys
    assert len(keys) == len([row for row in SHORTCUTS if row[3]])
    dialog.close()


def test_settings_dialog_persists(qtbot, make_window, monkeypatch):
    from app.studio.dialogs import settings_dialog

    window = make_window()

    def fake_exec(self):
        self.engine.setCurrentText("torch")
        self.device.setCurrentText("cpu")
        self.student.edit.setText("/models/student.pt")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", fake_exec)
    window.ask_settings()
    choice = window.settings.model()
    assert (choice.engine, choice.device, choice.student_weights) == ("torch", "cpu", "/models/student.pt")
    assert window.annotator.choice == choice


def test_bad_file_is_a_dialog_naming_it(qtbot, make_window, tmp_path):
    window = make_window()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"this is not a video")
    window.open_source(Source.pair(broken, broken))
    qtbot.waitUntil(lambda: any(isinstance(d, QMessageBox) and d.isVisible() for d in window._dialogs), timeout=20000)
    box = next(d for d in window._dialogs if d.isVisible())
    assert "broken.mp4" in box.text()
    assert window.project is None


def test_drop_two_videos_opens_the_pair(qtbot, make_window, tiny_pair):
    window = make_window()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in reversed(tiny_pair)])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.project is not None, timeout=20000)
    assert window.project.source.paths[0].endswith("visible.mp4")  # reordered by name


def test_first_run_demo_then_last_project(tmp_path):
    from app.studio.cli import initial_open
    from app.studio.settings import StudioSettings

    settings = StudioSettings(tmp_path / "s.ini")
    source, store = initial_open([], None, 0, settings)
    assert source.paths[0].endswith("assets/demo/visible.mp4") and store is None
    project = tmp_path / "p.rgbt.sqlite"
    project.write_bytes(b"")
    settings.add_recent_project(project)
    assert initial_open([], None, 0, settings) == (None, project)


def test_opening_another_project_while_tracking(qtbot, make_window, tiny_pair, tmp_path):
    from core.annotations.store import AnnotationStore

    window = make_window()
    first_store = tmp_path / "first.rgbt.sqlite"
    open_and_wait(qtbot, window, Source.pair(*tiny_pair), first_store)
    window.editor.box([30, 25, 24, 24], "visible")
    window.track()
    qtbot.waitUntil(lambda: window.frame >= 2, timeout=60000)
    window.open_source(Source.pair(*tiny_pair), tmp_path / "second.rgbt.sqlite")
    qtbot.waitUntil(lambda: window.project is not None and window.project.store.path.name == "second.rgbt.sqlite",
                    timeout=60000)
    qtbot.waitUntil(lambda: not window.annotator.busy, timeout=60000)
    qtbot.wait(50)
    assert not any(d.isVisible() for d in window._dialogs)  # no error on the late reports
    assert window.project.records == {}
    store = AnnotationStore.open(first_store)
    try:
        assert len(store.records()) >= 3  # the box and what the run committed before the switch
    finally:
        store.close()
