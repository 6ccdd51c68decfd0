"""Keyboard shortcuts: the default keys, rebinding them, and every message naming the keys as bound."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.actions import SHORTCUTS


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


def test_home_end_and_go_to_frame(window, pair_files, tmp_path, qtbot, monkeypatch):
    """A 560-frame pair had no way to the last frame but holding V, and none to frame 300 but
    dragging the slider: Home, End and Ctrl+G (Go to frame..., numbered from 1) go there."""
    from PySide6.QtWidgets import QInputDialog

    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    window.activateWindow()
    window.setFocus()
    last = window.document.num_frames - 1
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert window.frame == last
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert window.frame == 0
    asked = []

    def answer(_parent, _title, label, value, low, high):
        asked.append((label, value, low, high))
        return 5, True

    monkeypatch.setattr(QInputDialog, "getInt", answer)
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.frame == 4 and asked == [(f"Frame (1-{last + 1}):", 1, 1, 999_999_999)]  # test_goto_frame_typed
    monkeypatch.setattr(QInputDialog, "getInt", lambda *_args: (9, False))  # cancelled
    window.actions["goto_frame"].trigger()
    assert window.frame == 4


def test_help_lists_every_shortcut(window):
    from app.dialogs.help_dialog import HelpDialog

    dialog = HelpDialog(window)
    keys = {dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())}
    for required in ("D", "F", "C", "V", "Space", "K", "O", "T", "R", "Ctrl+Z", "Ctrl+Shift+Z"):
        assert required in keys
    assert len(keys) == len(SHORTCUTS)
    for name, _text, shortcut, _tip in SHORTCUTS:
        assert window.actions[name].shortcut().toString() == shortcut


def test_help_names_the_reference_box_beside_the_project_boxes():
    """F1's box legend named the six looks of the project's boxes but not the cyan dashes-and-dots box
    View > Compare with ... draws over them (a helper's session on antiuav-4): an annotator seeing it
    had nowhere to read what it was -> the legend names it, in its colour, as shown only."""
    from app.dialogs.help_dialog import legend_html
    from app.views.box_item import REFERENCE_COLOUR

    html = legend_html()
    assert f'<br><span style="color:{REFERENCE_COLOUR}">&#9632;</span>&nbsp;reference (View &gt; Compare with' in html
    assert "never a box of the project" in html


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


def test_a_key_the_window_keeps_for_itself_is_refused_when_rebinding(window, monkeypatch):
    """Edit > Keyboard shortcuts...: Export bound to Ctrl+Q was accepted, and took the key from
    File > Quit without a word (the clash check looked only at the rebindable actions); the
    dialog now refuses it and names Quit, and the menus' Alt+letter likewise."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QKeySequence

    import app.dialogs.shortcuts_dialog as shortcuts_dialog
    from app.dialogs.shortcuts_dialog import ShortcutsDialog

    warned = []
    monkeypatch.setattr(shortcuts_dialog.QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    assert window.actions["quit"].shortcut().toString() == "Ctrl+Q"

    def rebind(key):
        dialog = next(d for d in window.findChildren(ShortcutsDialog) if d.isVisible())
        dialog.editors["export"].setKeySequence(QKeySequence(key))
        dialog.accept()
        if dialog.isVisible():  # refused: the user gives up
            dialog.reject()

    for key, owner in (("Ctrl+Q", "Quit"), ("Alt+F", "the File menu")):
        QTimer.singleShot(0, lambda k=key: rebind(k))
        window.show_shortcuts()
        assert warned and key in warned[-1] and owner in warned[-1] and "Export..." in warned[-1]
        assert window.actions["export"].shortcut().toString() == "Ctrl+E"
        assert window.settings.shortcuts == {}
    QTimer.singleShot(0, lambda: rebind("Ctrl+Shift+E"))  # a free key is taken
    window.show_shortcuts()
    assert window.actions["export"].shortcut().toString() == "Ctrl+Shift+E"
    assert window.actions["quit"].shortcut().toString() == "Ctrl+Q"


def test_messages_name_the_keys_as_the_user_rebound_them(window, pair_files, synthetic, tmp_path):
    """Undo rebound to Ctrl+U, Accept to G, Occluded to W and Select range left without a key
    (Edit > Keyboard shortcuts...): the status bar and the frame title still said "Ctrl+Z
    undoes it", "(A to accept)", "(Q: fully occluded)" and "Ctrl+R", keys that then did
    nothing or something else."""
    from app.actions import apply_shortcuts

    window.open_pair(*pair_files, store=str(tmp_path / "keys.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.settings.shortcuts = {"undo": "Ctrl+U", "accept": "G", "occluded": "W", "range": ""}
    apply_shortcuts(window.actions, window.settings.shortcuts)
    window.document.store.put_proposals("test", [(5, synthetic.boxes[5], 0.9)])
    window.document.reload([5])
    window.goto(5)
    assert "(G to accept)" in window.views.visible_panel.title.text()
    window.actions["accept"].trigger()
    assert window.statusBar().currentMessage().endswith("; Ctrl+U undoes it")
    window.actions["accept_range"].trigger()
    message = window.statusBar().currentMessage()
    assert "or Track > Select range and drag" in message and "G accepts this frame's proposal" in message
    window.goto(8)
    window.actions["absent"].trigger()
    assert "absent: out of view (W: fully occluded)" in window.views.visible_panel.title.text()
    window.goto(7)
    window.actions["track"].trigger()
    assert "an absent mark (O: out of view)" in window.statusBar().currentMessage()


def test_the_tracker_menu_and_settings_name_the_rebound_track_key(window, pair_files, synthetic, tmp_path,
                                                                  monkeypatch):
    """Track from here rebound to G in Edit > Keyboard shortcuts...: the toolbar said "Track (G)"
    but Track > "Tracker (T runs it)" and Settings' "Tracker (T)" still named T, and the frame
    title kept "(A to accept)" after Accept was rebound, until the next frame was shown."""
    from app.dialogs.settings_dialog import SettingsDialog
    from tests.app.conftest import rebind_keys

    window.open_pair(*pair_files, store=str(tmp_path / "menu.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.document.store.put_proposals("test", [(0, synthetic.boxes[0] + 2.0, 0.9)])
    window.document.reload([0])
    assert window.tracker_menu.title() == "Tracker (T runs it)"
    rebind_keys(monkeypatch, window, {"track": "G", "accept": "Y"})
    assert window.tracker_menu.title() == "Tracker (G runs it)"
    assert "(Y to accept)" in window.views.visible_panel.title.text()
    dialog = SettingsDialog(window.settings.models, window)
    label = dialog.layout().labelForField(dialog.tracker)
    assert label.text() == "Tracker (G)"
    dialog.close()


def test_the_play_button_and_the_import_message_name_the_rebound_keys(window, qtbot, tmp_path, monkeypatch):
    """Play / pause rebound to P and Track from here to G (Edit > Keyboard shortcuts...): the
    play button's tool tip still said "Play / pause (Space)", also after a restart, and File >
    Import the sequence's ground truth said "T does not replace imported boxes"."""
    from app.project import OpenRequest
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from tests.app.conftest import new_window, rebind_keys

    assert window.transport.play_button.toolTip() == "Play / pause (Space)"
    rebind_keys(monkeypatch, window, {"play": "P", "track": "G"})
    assert window.transport.play_button.toolTip() == "Play / pause (P)"
    seq = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=6), seed=3)
    window.open_request(OpenRequest("object", store=str(tmp_path / "gt.rgbt.sqlite"), sequence=seq))
    window.actions["import_gt"].trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("imported 6 ground-truth frames") and message.endswith("G does not replace imported boxes")
    window.close()
    again = new_window(qtbot)  # the next start
    assert again.transport.play_button.toolTip() == "Play / pause (P)"
    again.close()


def test_the_interpolate_button_shows_its_key_like_its_neighbours(window):
    """The toolbar read "Keyframe (K)  Absent (O)  Interpolate  Next issue (N)": Interpolate alone
    among the editing buttons did not say its key (I)."""
    from PySide6.QtWidgets import QApplication, QToolBar

    window.resize(1400, 700)  # wide enough for the labels with their keys (test_small_toolbar: without them)
    QApplication.processEvents()
    labels = [action.iconText() for action in window.findChild(QToolBar).actions() if action.iconText()]
    assert "Interpolate (I)" in labels and "Keyframe (K)" in labels


def test_the_interpolate_message_and_the_tracker_tip_name_the_rebound_keys(window, pair_files, synthetic, tmp_path,
                                                                            monkeypatch):
    """Interpolate rebound to J and Track to G: I over a range without keyframes said "I interpolates
    between keyframes inside the range" (I did nothing then), and the status bar's tracker name said
    "the tracker T runs" in its tool tip."""
    from tests.app.conftest import rebind_keys

    window.open_pair(*pair_files, store=str(tmp_path / "ij.rgbt.sqlite"))
    for frame in (2, 19):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    rebind_keys(monkeypatch, window, {"interpolate": "J", "track": "G", "range_start": ",", "range_end": "."})
    assert window.job_status.tracker_label.toolTip() == "the tracker G runs (Track > Tracker)"
    window.goto(7)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(7, 17)
    window.actions["interpolate"].trigger()
    message = window.statusBar().currentMessage()
    assert "; J interpolates between the kept boxes inside the range" in message and "I interpolates" not in message
    assert message.endswith("onto one on each side (, / . there, or drag them)")


def test_the_shortcuts_dialog_goes_from_key_to_key_by_tab_and_keeps_its_defaults_column(qtbot):
    """Edit > Keyboard shortcuts... by keyboard: Tab out of the first key field went into the table,
    where the next key pressed overwrote the "Default" cell ("D" became "d"; the action names could be
    typed over too). The action and default columns are read-only and Tab goes from key field to key
    field, the table scrolled to it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QKeySequenceEdit

    from app.dialogs.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog({})
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    editors = list(dialog.editors.values())
    editors[0].setFocus()
    for index in (1, 2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is editors[index] or editors[index].isAncestorOf(focused)
    table = dialog.table
    for column in (2, 0):  # the default key, the action's name
        table.setCurrentCell(0, column)
        qtbot.keyClick(table, Qt.Key.Key_D)  # a key typed where the table has the focus
        qtbot.keyClicks(QApplication.focusWidget(), "d")
        table.setCurrentCell(1, 1)  # moving on keeps what was typed
    assert table.item(0, 2).text() == "D" and table.item(0, 0).text() == "Previous frame"
    last = editors[-1]
    last.setFocus()  # a key field below the fold: scrolled into sight
    row = len(editors) - 1
    assert table.visualItemRect(table.item(row, 0)).bottom() <= table.viewport().height()
    assert isinstance(last, QKeySequenceEdit)


def test_the_f1_list_cannot_be_typed_over(window, qtbot):
    """F1's list of keys: a double click on "T" and a key typed there changed the list to name a key
    that was never bound (every cell was editable)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.dialogs.help_dialog import HelpDialog

    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    table = dialog.table
    row = [table.item(r, 1).text() for r in range(table.rowCount())].index("Track from here")
    table.setFocus()
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_G)  # a key typed on the list (it opened an editor there)
    qtbot.keyClicks(QApplication.focusWidget(), "G")
    table.setCurrentCell(row + 1, 0)  # moving on keeps what was typed
    assert table.item(row, 0).text() == "T"


def test_a_key_the_user_chose_stays_theirs_when_a_new_default_takes_it():
    """Next frame rebound to ] before ] became Range ends here's default: both actions had ], and Qt
    ran neither on it (an ambiguous shortcut). The user's choice keeps the key; the new action is
    left without one (Edit > Keyboard shortcuts... gives it another)."""
    from app.actions import effective_keys, key_conflicts

    keys = effective_keys({"next_frame": "]"})
    assert keys["next_frame"] == "]" and keys["range_end"] == "" and keys["range_start"] == "["
    assert key_conflicts(keys) == []


def test_help_shows_every_description_whole(window, qtbot):
    """F1: the longest descriptions (O, Q, Del with a range) ran off the dialog's right edge, cut
    mid-sentence, to be read by scrolling sideways; they wrap in the dialog's width."""
    from app.dialogs.help_dialog import HelpDialog

    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.horizontalScrollBar().maximum() == 0  # nothing to the right of the view
    width = table.columnWidth(2)
    metrics = table.fontMetrics()
    rows = {table.item(row, 1).text(): row for row in range(table.rowCount())}
    for row in range(table.rowCount()):
        assert table.columnViewportPosition(2) + width <= table.viewport().width()
        text = table.item(row, 2).text()
        needed = metrics.boundingRect(0, 0, width - 8, 10000, int(Qt.TextFlag.TextWordWrap), text).height()
        assert table.rowHeight(row) >= needed, text
    assert table.rowHeight(rows["Toggle absent"]) > table.rowHeight(rows["Next frame"])  # wrapped on two lines


def test_esc_on_the_opened_shortcuts_dialog_closes_it(qtbot):
    """Edit > Keyboard shortcuts..., then Esc to leave: the first key field had the focus on opening and
    took Esc as Previous frame's new key, the dialog staying open (OK then refused Esc as Stop's key). A
    key field records keys once clicked or tabbed into; on opening, Esc closes the dialog."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.dialogs.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog({})
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert dialog.editors["prev_frame"].keySequence().toString() == "D"
    assert not dialog.isVisible() and dialog.result() == 0
