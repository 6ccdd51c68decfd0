"""The widgets with real mouse and key events: draw by dragging, timeline clicks,
shortcuts, playback, colormaps, the help and error dialogs, threaded open."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.actions import SHORTCUTS
from core.annotations.records import FrameAnnotation, Provenance
from core.tracking.tracker_config import LOW_CONFIDENCE_PAIRS


def drag(widget, start: QPoint, end: QPoint, button=Qt.MouseButton.LeftButton) -> None:
    """A real press-move-release on ``widget``'s viewport."""
    viewport = widget.viewport()

    def send(kind, pos, buttons):
        event = QMouseEvent(kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)

    send(QMouseEvent.Type.MouseButtonPress, start, button)
    steps = 6
    for i in range(1, steps + 1):
        p = start + (end - start) * i / steps
        send(QMouseEvent.Type.MouseMove, p, button)
        QTest.qWait(15)  # pyqtgraph drops mouse moves faster than its rate limit
    send(QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def to_widget(view, x: float, y: float) -> QPoint:
    scene = view.viewbox.mapViewToScene(QPointF(x, y))
    return view.mapFromScene(scene)


def test_drag_on_the_thermal_view_draws_a_manual_box_on_both(window, pair_files, tmp_path, qtbot):
    window.resize(1000, 700)
    window.open_pair(*pair_files, store=str(tmp_path / "d.rgbt.sqlite"))
    qtbot.wait(50)
    view = window.views.thermal
    drag(view, to_widget(view, 20, 30), to_widget(view, 60, 70))
    record = window.document.store.get(0)
    assert record is not None and record.provenance == Provenance.MANUAL
    assert np.allclose(record.box, [20, 30, 40, 40], atol=3)
    assert np.allclose(window.views.visible.box_item.box(), record.box)
    # dragging the box (inside it) moves it: one more undo step, still a keyframe
    steps = window.document.undo_stack.count()
    drag(view, to_widget(view, 40, 50), to_widget(view, 50, 55))
    moved = window.document.store.get(0)
    assert np.allclose(moved.box[:2], record.box[:2] + [10, 5], atol=3)
    assert np.allclose(moved.box[2:], record.box[2:])
    assert window.document.undo_stack.count() == steps + 1
    # right-drag pans both views together (linked), drawing nothing
    before = window.views.visible.viewbox.viewRange()
    drag(view, to_widget(view, 60, 60), to_widget(view, 30, 40), Qt.MouseButton.RightButton)
    after = window.views.visible.viewbox.viewRange()
    assert not np.allclose(after, before)
    assert np.allclose(window.views.thermal.viewbox.viewRange(), after)
    assert window.document.undo_stack.count() == steps + 1


def test_shortcuts_navigation_and_playback(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "k.rgbt.sqlite"))
    window.activateWindow()
    window.setFocus()
    for key, frame in ((Qt.Key.Key_F, 1), (Qt.Key.Key_V, 11), (Qt.Key.Key_D, 10), (Qt.Key.Key_C, 0)):
        qtbot.keyClick(window, key)
        assert window.frame == frame
    qtbot.keyClick(window, Qt.Key.Key_O)  # absent
    assert window.document.store.get(0).absent
    window.transport.toggle_play()
    assert window.transport.playing
    assert window.transport.timer.interval() == round(1000 / window.document.info.fps)  # source frame rate
    qtbot.waitUntil(lambda: window.frame >= 3, timeout=3000)
    window.transport.toggle_play()
    assert not window.transport.playing
    assert "frame" in window.transport.label.text()


def test_timeline_click_jumps(window, pair_files, tmp_path, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    window.timeline.frame_clicked.emit(17)
    assert window.frame == 17 and window.transport.slider.value() == 17
    window.actions["range"].setChecked(True)
    assert window.timeline.selected_range()[0] == 17


def test_help_lists_every_shortcut(window):
    from app.dialogs.help_dialog import HelpDialog

    dialog = HelpDialog(window)
    keys = {dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())}
    for required in ("D", "F", "C", "V", "Space", "K", "O", "T", "R", "Ctrl+Z", "Ctrl+Shift+Z"):
        assert required in keys
    assert len(keys) == len(SHORTCUTS)
    for name, _text, shortcut, _tip in SHORTCUTS:
        assert window.actions[name].shortcut().toString() == shortcut


def test_open_error_is_a_dialog_naming_the_file(window, tmp_path, qtbot):
    missing = tmp_path / "nope.mp4"
    window.open_pair(missing, tmp_path / "thermal.mp4")
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes, "no error dialog"
    assert "nope.mp4" in boxes[-1].text() + boxes[-1].informativeText()
    assert window.document is None
    boxes[-1].close()


def test_threaded_open_shows_the_first_frame(qtbot, pair_files, tmp_path):
    from app.main_window import MainWindow
    from app.settings import StudioSettings

    win = MainWindow(StudioSettings.load())  # real worker threads
    qtbot.addWidget(win)
    # generous timeouts: the waits end at the signal, and a 2-core machine under load took over 10 s
    with qtbot.waitSignal(win.project_opened, timeout=60000):
        win.open_pair(*pair_files, store=str(tmp_path / "th.rgbt.sqlite"))
    assert win.pair is not None and win.pair.index == 0
    with qtbot.waitSignal(win.frame_shown, timeout=30000):
        win.goto(5)
    assert win.pair.index == 5
    win.views.box_drawn.emit("visible", np.array([10.0, 10.0, 20.0, 20.0]))
    with qtbot.waitSignal(win.tracking.ended, timeout=120000):
        win.actions["track"].trigger()
    assert len(win.document.store.records()) == 24 - 5
    win.close()


def test_colormap_blend_and_twin(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    window.set_colormap("gray")
    lut = window.views.thermal.image.lut
    assert lut is not None and tuple(lut[0]) == (0, 0, 0) and tuple(lut[-1]) == (255, 255, 255)
    assert window.views.thermal.image.levels is not None and list(window.views.thermal.image.levels) == [0, 255]
    window.actions["blend"].setChecked(True)
    assert window.views.visible.overlay.isVisible()
    window.actions["thermal_twin"].setChecked(False)
    assert not window.views.thermal_panel.isVisible()
    from app.settings import StudioSettings

    again = StudioSettings.load()
    assert again.colormap == "gray" and again.blend


def test_undo_and_reopen_while_tracking_runs(qtbot, tmp_path):
    """Threaded: Ctrl+Z during a run stops it and undoes the whole run as one step;
    opening another project during a run closes the first cleanly."""
    from app.main_window import MainWindow
    from app.project import OpenRequest
    from app.settings import StudioSettings
    from core.synthetic import SyntheticConfig, SyntheticSequence

    long = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=300), seed=2)
    win = MainWindow(StudioSettings.load())
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.project_opened, timeout=10000):
        win.open_request(OpenRequest("object", store=str(tmp_path / "a.rgbt.sqlite"), sequence=long))
    win.views.box_drawn.emit("visible", long.boxes[0])
    win.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(win.tracking.frames) >= 3, timeout=20000)
    win.actions["undo"].trigger()  # stops the run, undoes it
    assert not win.tracking.busy
    assert sorted(win.document.store.records()) == [0]
    win.actions["redo"].trigger()
    assert len(win.document.store.records()) >= 4
    win.actions["track"].trigger()
    qtbot.waitUntil(lambda: len(win.tracking.frames) >= 2, timeout=20000)
    first_store = win.document.store.path
    with qtbot.waitSignal(win.project_opened, timeout=10000):
        win.open_request(OpenRequest("object", store=str(tmp_path / "b.rgbt.sqlite"), sequence=long))
    assert win.last_error is None
    assert win.document.store.path != first_store and win.document.records == {}
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(first_store) as store:
        assert len(store.records()) > 4
    win.close()


def test_missing_weights_is_a_dialog_naming_the_file(window, pair_files, tmp_path):
    from app.settings import ModelSettings

    window.settings.models = ModelSettings(student_weights=str(tmp_path / "nope.pt"), allow_random=False)
    window.open_pair(*pair_files, store=str(tmp_path / "w.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", np.array([10.0, 10.0, 20.0, 20.0]))
    window.actions["track"].trigger()
    assert window.last_error is not None and "nope.pt" in str(window.last_error)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("nope.pt" in b.text() for b in boxes)
    assert sorted(window.document.store.records()) == [0]  # nothing written
    assert not window.tracking.busy


def test_drop_two_videos_opens_the_pair_and_recent_reopens_it(window, pair_files, tmp_path):
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDropEvent

    visible, thermal = pair_files
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(thermal)), QUrl.fromLocalFile(str(visible))])  # thermal first
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.document is not None
    assert window.document.store.get_meta("sources") == [str(visible.resolve()), str(thermal.resolve())]
    actions = window.recent_menu.actions()
    assert actions and actions[0].text() == f"{visible.parent.name} (visible.mp4 + thermal.mp4)"
    first = window.document
    actions[0].trigger()
    assert window.document is not first and window.document.num_frames == 24


def test_misaligned_pair_gets_a_thermal_box_that_tracking_carries(window, tmp_path):
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=8, challenges=("misalignment",)), seed=4)
    window.open_request(OpenRequest("object", store=str(tmp_path / "m.rgbt.sqlite"), sequence=seq))
    window.views.box_drawn.emit("visible", seq.boxes[0])
    window.actions["separate_thermal"].setChecked(True)
    window.views.box_edited.emit("thermal", seq.thermal_boxes[0])
    record = window.document.store.get(0)
    assert np.allclose(record.box, seq.boxes[0]) and np.allclose(record.thermal_box, seq.thermal_boxes[0])
    assert np.allclose(window.views.thermal.box_item.box(), seq.thermal_boxes[0])
    assert np.allclose(window.views.visible.box_item.box(), seq.boxes[0])
    window.actions["track"].trigger()
    shift = seq.thermal_boxes[0][:2] - seq.boxes[0][:2]
    for frame in range(1, 8):
        r = window.document.store.get(frame)
        assert np.allclose(r.thermal_box[:2] - r.box[:2], shift) and np.allclose(r.thermal_box[2:], r.box[2:])


def test_refine_below_a_new_threshold_keeps_it_as_the_users_choice(window, pair_files, tmp_path, monkeypatch):
    import app.window_edits as window_edits

    class Answer:
        """The Refine dialog as a user fills it in: all frames with confidence below ``below``."""

        below = 0.3

        def __init__(self, frame, num_frames, selected, threshold, parent=None):
            Answer.offered = threshold

        def exec(self):
            return True

        def mode(self):
            return "below"

        def threshold(self):
            return Answer.below

    monkeypatch.setattr(window_edits, "RefineDialog", Answer)
    sent = []
    monkeypatch.setattr(window_edits.EditGlue, "refine", lambda self, start, stop, below=None: sent.append(below))
    window.open_pair(*pair_files, store=str(tmp_path / "r.rgbt.sqlite"))
    assert not window.settings.low_confidence_chosen
    # a two-stream pair: the pairs' default is offered, and taking it is not a choice
    Answer.below = LOW_CONFIDENCE_PAIRS
    window.actions["refine"].trigger()
    assert Answer.offered == LOW_CONFIDENCE_PAIRS and sent == [LOW_CONFIDENCE_PAIRS] and not window.settings.low_confidence_chosen
    Answer.below = 0.35
    window.actions["refine"].trigger()
    assert sent[-1] == 0.35 and window.settings.low_confidence == 0.35 and window.settings.low_confidence_chosen
    window.actions["refine"].trigger()
    assert Answer.offered == 0.35  # the user's threshold from now on, on any footage


def test_a_corrupt_stretch_stops_playback_with_one_dialog(window, tmp_path, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from app.project import OpenRequest
    from core.errors import SequenceError
    from core.synthetic import SyntheticConfig, SyntheticSequence

    class CorruptFromFrame2(SyntheticSequence):
        def __getitem__(self, index):
            if index >= 2:
                raise SequenceError("/data/thermal.mp4", f"cannot decode frame {index}")
            return super().__getitem__(index)

    sequence = CorruptFromFrame2(SyntheticConfig(width=128, height=96, num_frames=30), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "c.rgbt.sqlite"), sequence=sequence))
    window.transport.toggle_play()
    qtbot.waitUntil(lambda: not window.transport.playing, timeout=3000)
    qtbot.wait(300)  # frames already asked for may still fail: they must not stack dialogs
    window.goto(5)
    window.goto(6)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "thermal.mp4" in boxes[0].informativeText() + boxes[0].text()
    assert "Cannot show frame" in window.statusBar().currentMessage()
    boxes[0].close()
    window.goto(7)  # once the user closed it, the next failure is shown again
    assert len([b for b in window.findChildren(QMessageBox) if b.isVisible()]) == 1


def test_shortcuts_can_be_rebound_refuse_clashes_and_are_remembered(window, qtbot, monkeypatch):
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QMessageBox

    import app.window_dialogs as window_dialogs
    from app.dialogs.help_dialog import HelpDialog
    from app.dialogs.shortcuts_dialog import ShortcutsDialog
    from app.settings import StudioSettings

    dialog = ShortcutsDialog({}, window)
    assert dialog.values() == {} and dialog.editors["track"].keySequence().toString() == "T"
    dialog.editors["track"].setKeySequence(QKeySequence("F"))  # F is "Next frame" already
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    dialog.accept()
    assert dialog.result() == 0 and "F: " in warned[0] and "Track from here" in warned[0]
    dialog.editors["track"].setKeySequence(QKeySequence("G"))
    dialog.editors["delete_box"].clear()  # no key at all
    assert dialog.values() == {"track": "G", "delete_box": ""}
    dialog.restore_defaults()
    assert dialog.values() == {}

    class Rebind(ShortcutsDialog):
        def exec(self):
            self.editors["track"].setKeySequence(QKeySequence("G"))
            self.accept()
            return self.result()

    monkeypatch.setattr(window_dialogs, "ShortcutsDialog", Rebind)
    window.actions["shortcuts"].trigger()
    assert window.actions["track"].shortcut().toString() == "G" and "(G)" in window.actions["track"].toolTip()
    assert window.actions["track"].iconText() == "Track (G)"  # the toolbar button says the new key
    assert StudioSettings.load().shortcuts == {"track": "G"}
    help_keys = HelpDialog(window).table
    rows = {help_keys.item(r, 1).text(): help_keys.item(r, 0).text() for r in range(help_keys.rowCount())}
    assert rows["Track from here"] == "G"


def test_bad_shortcut_settings_are_dropped(tmp_path):
    from app.settings import StudioSettings

    q = StudioSettings.qsettings()
    q.setValue("shortcuts/track", "G")
    q.setValue("shortcuts/no_such_action", "H")
    q.sync()
    assert StudioSettings.load().shortcuts == {"track": "G"}


def test_a_proposal_is_drawn_where_the_thermal_box_would_go_on_a_misaligned_pair(window, tmp_path):
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence

    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=4), seed=4)
    window.open_request(OpenRequest("object", store=str(tmp_path / "p.rgbt.sqlite"), sequence=seq))
    record = FrameAnnotation(0, np.array([10.0, 10.0, 20.0, 20.0]), thermal_box=np.array([15.0, 12.0, 30.0, 30.0]),
                             provenance=Provenance.STUDENT, confidence=0.3)
    window.views.show_annotation(record, np.array([40.0, 40.0, 10.0, 10.0]))
    assert np.allclose(window.views.visible.proposal_item.box(), [40, 40, 10, 10])
    assert np.allclose(window.views.thermal.proposal_item.box(), [47.5, 44.5, 15, 15])
    window.views.show_annotation(record, np.array([40.0, 40.0, 10.0, 10.0]), thermal_separate=False)
    assert np.allclose(window.views.thermal.proposal_item.box(), [40, 40, 10, 10])


def test_o_twice_brings_the_box_back(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "o.rgbt.sqlite"))
    doc = window.document
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    drawn = doc.store.get(3)
    window.actions["absent"].trigger()
    assert doc.store.get(3).absent
    window.actions["absent"].trigger()  # O again: the box it had, not an empty frame
    assert doc.store.get(3) == drawn
    window.goto(5)
    window.actions["absent"].trigger()  # a frame that had no box: O, O leaves it empty as before
    window.actions["absent"].trigger()
    assert doc.store.get(5) is None
    window.actions["undo"].trigger()
    assert doc.store.get(5).absent
    # a box marked absent, then deleted: O, O on the empty frame does not bring back the old box
    window.goto(3)
    window.actions["absent"].trigger()
    window.actions["delete_box"].trigger()
    window.actions["absent"].trigger()
    window.actions["absent"].trigger()
    assert doc.store.get(3) is None



def test_o_twice_brings_the_box_back_after_a_reopen(window, pair_files, synthetic, tmp_path):
    store = str(tmp_path / "o.rgbt.sqlite")
    window.open_pair(*pair_files, store=store)
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    drawn = window.document.store.get(3)
    window.actions["absent"].trigger()
    window.open_pair(*pair_files, store=store)  # closed and opened again: the memory is in the project
    assert window.document.store.get(3).absent
    window.goto(3)
    window.actions["absent"].trigger()
    assert window.document.store.get(3) == drawn


def test_t_before_a_keyframe_says_why_nothing_is_tracked(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    for frame in (3, 4):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    window.goto(3)
    window.actions["track"].trigger()
    assert not window.tracking.busy
    message = window.statusBar().currentMessage()
    assert "nothing to track" in message and "(5) holds a keyframe" in message


def test_project_actions_wait_for_a_project(window, pair_files, tmp_path):
    from app.main_window import DOCUMENT_ACTIONS

    assert window.document is None  # a fresh window, nothing opened yet
    assert not any(window.actions[name].isEnabled() for name in DOCUMENT_ACTIONS if name in window.actions.by_name)
    assert not window.actions["undo"].isEnabled() and window.actions["open_pair"].isEnabled()
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    assert all(window.actions[name].isEnabled() for name in ("track", "export", "absent", "improve"))


def test_open_pair_dialog_keeps_the_projects_offset_unless_one_is_set(window, pair_files, tmp_path, monkeypatch):
    import app.window_dialogs
    from app.dialogs.open_pair import OpenPairDialog

    store = str(tmp_path / "offset.rgbt.sqlite")
    window.open_pair(*pair_files, frame_offset=2, store=store)
    full = len(window.document.sequence)
    dialog = OpenPairDialog(window, str(pair_files[0]), str(pair_files[1]))
    assert dialog.values()[2] is None and dialog.offset.text() == "the project's (0 for a new project)"
    dialog.offset.setValue(0)
    assert dialog.values()[2] == 0  # an explicit 0 is a choice, not "keep"
    opened = []
    monkeypatch.setattr(app.window_dialogs, "OpenPairDialog", lambda *a, **k: type(
        "Accepted", (), {"exec": lambda self: True, "values": lambda self: (*map(str, pair_files), None)})())
    monkeypatch.setattr(window, "open_pair", lambda *a, **k: opened.append(a) or type(window).open_pair(
        window, *a, store=store, **k))
    window.ask_open_pair()  # File > Open pair on the same two files, the offset left at its default
    assert opened and opened[-1][2] is None
    assert window.document.sequence.frame_offset == 2 and len(window.document.sequence) == full


def test_a_frame_that_cannot_be_decoded_is_shown_black_not_as_the_frame_before(window, tmp_path):
    import numpy as np

    from app.project import OpenRequest
    from core.errors import SequenceError
    from core.synthetic import SyntheticConfig, SyntheticSequence

    class CorruptFrame3(SyntheticSequence):
        def __getitem__(self, index):
            if index == 3:
                raise SequenceError("/data/thermal.mp4", f"cannot decode frame {index + 1}")
            return super().__getitem__(index)

    sequence = CorruptFrame3(SyntheticConfig(width=128, height=96, num_frames=8), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "c.rgbt.sqlite"), sequence=sequence))
    window.views.box_drawn.emit("visible", (10.0, 10.0, 30.0, 30.0))
    window.goto(2)
    assert window.views.visible.image.image.any()
    window.goto(3)
    for view in (window.views.visible, window.views.thermal):
        assert view.image.image.shape[:2] == (96, 128) and not np.any(view.image.image)  # size (zoom) kept
    assert window.pair is None
    assert "frame 4" in window.views.visible_panel.title.text()
    assert "cannot be decoded" in window.views.visible_panel.title.text()
    window.goto(4)
    assert window.views.visible.image.image.any() and "cannot be decoded" not in window.views.visible_panel.title.text()
