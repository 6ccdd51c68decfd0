"""Defects a demanding annotator met in the studio (the second pass of 2026-12-07)."""
from __future__ import annotations


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


def test_the_export_result_counts_only_proposals_a_would_accept(window, pair_files, synthetic, tmp_path):
    """Proposals on frames 3, 6 and 9; frame 3 then drawn by hand, frame 6 marked absent: the
    export result said "3 teacher proposal(s) not accepted are not in it (A or Shift+A accepts
    them)", though A refuses on frames 3 and 6: only frame 9's is one to accept."""
    window.open_pair(*pair_files, store=str(tmp_path / "ex.rgbt.sqlite"))
    window.document.store.put_proposals("test", [(f, synthetic.boxes[f] + 1.0, 0.9) for f in (2, 5, 8)])
    window.document.reload([2, 5, 8])
    window.goto(2)
    window.views.box_drawn.emit("visible", synthetic.boxes[2])
    window.goto(5)
    window.actions["absent"].trigger()
    assert window.export_checked("annotations", tmp_path / "out")
    text = window.result_box.text()
    assert "1 teacher proposal(s) not accepted are not in it" in text, text


def test_an_undo_the_store_cannot_write_stays_to_undo(window, pair_files, synthetic, tmp_path, monkeypatch):
    """Disk full: Ctrl+Z on a drawn box said "The edit was not saved" and the box stayed, but the
    undo stack counted the step undone: once there was room again, Ctrl+Z did nothing (Edit >
    Undo greyed out) and the box could only be deleted by hand. A redo that cannot be written
    likewise stays to redo."""
    from core.annotations.store import StoreError

    shown = []
    window.error = lambda title, error, trace="": shown.append(title)
    window.open_pair(*pair_files, store=str(tmp_path / "undo.rgbt.sqlite"))
    store = window.document.store
    stack = window.document.undo_stack
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    written = store._write

    def full(*_args, **_kwargs):
        raise StoreError(store.path, "write failed (database or disk is full)")

    monkeypatch.setattr(store, "_write", full)
    window.actions["undo"].trigger()
    assert shown == ["The edit was not saved"] and window.document.record(0) is not None
    assert stack.index() == 1 and window.actions["undo"].isEnabled() and not window.actions["redo"].isEnabled()
    assert not window.statusBar().currentMessage().startswith("undone")
    monkeypatch.setattr(store, "_write", written)  # room again: Ctrl+Z undoes the box
    window.actions["undo"].trigger()
    assert window.document.record(0) is None and store.get(0) is None and stack.index() == 0
    monkeypatch.setattr(store, "_write", full)
    window.actions["redo"].trigger()
    assert len(shown) == 2 and window.document.record(0) is None and stack.index() == 0
    assert window.actions["redo"].isEnabled()
    monkeypatch.setattr(store, "_write", written)
    window.actions["redo"].trigger()
    assert window.document.record(0) is not None and store.get(0) is not None and stack.index() == 1


def test_del_with_a_range_shown_deletes_the_ranges_tracked_boxes_as_o_marks_it(window, pair_files, synthetic,
                                                                             tmp_path):
    """A range shown over a stretch where the tracker drifted: O marked the whole range absent,
    but Del deleted only the current frame's box, without a word about the range. Del now acts
    on the range as O does (tracked and interpolated boxes; a drawn box and an absent mark
    kept), says so, and is one undo step."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "del.rgbt.sqlite"))
    store = window.document.store
    store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5) for f in range(1, 12)])
    window.document.reload()
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])
    window.goto(7)
    window.actions["absent"].trigger()
    window.goto(4)
    window.actions["range"].setChecked(True)
    window.timeline.show_range(3, 9)
    window.actions["delete_box"].trigger()
    assert [f for f in range(1, 12) if window.document.record(f) is None] == [3, 4, 6, 8]
    assert window.document.record(5).provenance == "manual" and window.document.record(7).absent
    assert window.statusBar().currentMessage() == (
        "deleted 4 boxes in frames 4-9 (this frame's and the range's tracked or interpolated ones); kept 2 frames "
        "holding a box a person drew, accepted or imported, a keyframe or an absent mark; Ctrl+Z undoes it; Del "
        "without a range deletes one frame's box (hide the range: Ctrl+R)")
    window.actions["undo"].trigger()
    assert all(window.document.record(f) is not None for f in range(1, 12))
    window.goto(5)  # the box on screen goes, whatever it is (A's "delete the box (Del), then A")
    window.actions["delete_box"].trigger()
    assert [f for f in range(1, 12) if window.document.record(f) is None] == [3, 4, 5, 6, 8]
    window.actions["undo"].trigger()
    window.actions["range"].setChecked(False)  # without a range: this frame alone, as before
    window.goto(4)
    window.actions["delete_box"].trigger()
    assert window.document.record(4) is None and window.document.record(3) is not None


def test_shift_a_says_what_it_kept_by_kind(window, pair_files, synthetic, tmp_path):
    """Shift+A over a range holding a drawn box, an absent mark and an imported box among the
    proposals said "kept 3 manual boxes or keyframes", though only one was a box a person drew."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "sa.rgbt.sqlite"))
    store = window.document.store
    store.put([FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.5) for f in range(1, 10)]
              + [FrameAnnotation(6, synthetic.boxes[6], provenance="imported")])
    store.put_proposals("test", [(f, synthetic.boxes[f] + 1.0, 0.9) for f in range(2, 8)])
    window.document.reload()
    window.goto(3)
    window.views.box_drawn.emit("visible", synthetic.boxes[3])
    window.goto(5)
    window.actions["absent"].trigger()
    window.actions["range"].setChecked(True)
    window.timeline.show_range(2, 8)
    window.actions["accept_range"].trigger()
    assert window.statusBar().currentMessage() == (
        "accepted 3 teacher boxes in frames 3-8; kept 1 box you drew or corrected, 1 absent mark and 1 imported box "
        "there (the proposals dropped); Ctrl+Z undoes it")


def test_two_studios_sharing_studio_ini_keep_each_others_changes(qtbot):
    """Two studio windows open at once (two projects), one studio.ini: Track rebound to G and
    the colormap set in the first, then the second closed last: its close wrote all of its
    settings, and the next start had T and inferno again. Each now writes only what it changed."""
    from app.settings import StudioSettings
    from tests.app.conftest import new_window

    first, second = new_window(qtbot), new_window(qtbot)
    first.settings.shortcuts = {"track": "G"}
    first.settings.save()
    first.set_colormap("gray")
    first.close()
    second.actions["blend"].setChecked(True)  # the second's own change is kept too
    second.close()
    kept = StudioSettings.load()
    assert kept.shortcuts == {"track": "G"} and kept.colormap == "gray" and kept.blend
    third = new_window(qtbot)  # a key put back to its default in one studio is removed from the file
    third.settings.shortcuts = {}
    third.settings.save()
    third.close()
    assert StudioSettings.load().shortcuts == {}


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


def test_t_on_the_last_frame_of_a_range_does_not_run_past_it(window, pair_files, synthetic, tmp_path):
    """A range shown over frames 6-10 and a box drawn on frame 10, its last frame: T ran past the
    range, to the next keyframe or the end, re-tracking frames the range was shown to keep out."""
    window.open_pair(*pair_files, store=str(tmp_path / "rl.rgbt.sqlite"))
    window.goto(9)
    window.views.box_drawn.emit("visible", synthetic.boxes[9])
    window.actions["range"].setChecked(True)
    window.timeline.show_range(5, 10)
    window.actions["track"].trigger()
    assert window.document.record(10) is None and window.document.undo_stack.count() == 1
    assert window.statusBar().currentMessage() == (
        "nothing to track: frame 10 is the last of the range shown (frames 6-10), where T stops; hide the range "
        "(Ctrl+R) to track on")


def test_refine_below_a_threshold_leaves_the_teacher_boxes_you_accepted(window, pair_files, synthetic, tmp_path,
                                                                       monkeypatch):
    """R, "All frames with tracker confidence below 0.40", after teacher boxes were accepted on
    frames 7-9 (the teacher's confidence 0.2 there): the teacher refined those accepted boxes
    again and put its proposals back over them, though the timeline flags only tracked boxes."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "rb.rgbt.sqlite"))
    window.document.store.put(
        [FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.2) for f in range(1, 6)]
        + [FrameAnnotation(f, synthetic.boxes[f], provenance="teacher", confidence=0.2) for f in range(6, 9)])
    window.document.reload()
    sent = []
    monkeypatch.setattr(window.refining, "start_refine", lambda _doc, _models, frames: sent.append(frames))
    assert window.edits.refine(0, 24, below=0.4) == [1, 2, 3, 4, 5]
    assert sent == [[1, 2, 3, 4, 5]]


def test_choosing_another_export_format_keeps_the_folder_and_name_typed(qtbot, tmp_path):
    """Export: the target typed (or browsed to) as /exports/walk-3-lasher, then GOT-10k chosen as
    the format: the target went back to the project's folder as "<sequence>-got10k", and the
    folder had to be found again."""
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", tmp_path / "proj")
    qtbot.addWidget(dialog)
    assert dialog.target.text() == str(tmp_path / "proj" / "seq-lasher")
    dialog.target.setText(str(tmp_path / "exports" / "walk-3-lasher"))
    dialog.format.setCurrentIndex(dialog.format.findData("got10k"))
    assert dialog.values() == ("got10k", tmp_path / "exports" / "walk-3-got10k")
    dialog.format.setCurrentIndex(dialog.format.findData("distillation"))
    assert dialog.values() == ("distillation", tmp_path / "exports" / "walk-3-distill.h5")
    dialog.target.setText(str(tmp_path / "exports" / "mine"))  # a name without the format's ending
    dialog.format.setCurrentIndex(dialog.format.findData("lasot"))
    assert dialog.values() == ("lasot", tmp_path / "exports" / "seq-lasot")


def test_the_timelines_height_is_kept_across_sessions(qtbot):
    """The timeline dragged taller (the splitter between the views and the timeline) came back
    at its default height at every start, while the window's size and place are kept."""
    from PySide6.QtWidgets import QSplitter

    from tests.app.conftest import new_window

    first = new_window(qtbot)
    splitter = first.findChild(QSplitter)
    total = sum(splitter.sizes())
    splitter.setSizes([total // 2, total - total // 2])
    timeline = splitter.sizes()[1]
    assert timeline > 150  # taller than the default
    first.close()
    second = new_window(qtbot)
    assert second.findChild(QSplitter).sizes()[1] == timeline
    second.close()


def test_two_studios_keep_both_projects_in_open_recent(qtbot):
    """Two studios open at once, each opening another project: the one saved last wrote its own
    File > Open recent list over the other's, and the other's project was gone from the menu."""
    from app.settings import Recent, StudioSettings
    from tests.app.conftest import new_window

    first, second = new_window(qtbot), new_window(qtbot)
    first.settings.add_recent(Recent("sequence", ("/data/walk-a",)))
    first.settings.save()
    second.settings.add_recent(Recent("sequence", ("/data/walk-b",)))
    second.settings.save()
    assert [r.paths for r in StudioSettings.load().recent] == [("/data/walk-b",), ("/data/walk-a",)]
    first.close()
    second.close()
    assert [r.paths for r in StudioSettings.load().recent] == [("/data/walk-b",), ("/data/walk-a",)]


def test_undo_while_the_teacher_refines_leaves_the_refinement_running(window, pair_files, synthetic, tmp_path,
                                                                      monkeypatch):
    """R over a long range, and meanwhile a box drawn and undone with Ctrl+Z: the undo stopped
    the teacher's refinement ("120 frames refined (stopped)"), though a refinement leaves no undo
    step to wait for; its remaining frames had to be refined again. A tracking run is still
    stopped first (it is one undo step)."""
    window.open_pair(*pair_files, store=str(tmp_path / "ur.rgbt.sqlite"))
    stopped = []
    monkeypatch.setattr(window.refining, "stop", lambda: stopped.append("refine"))
    monkeypatch.setattr(window.tracking, "stop", lambda: stopped.append("track"))
    window.refining.runner._busy = True  # the teacher refining in its worker
    try:
        window.goto(3)
        window.views.box_drawn.emit("visible", synthetic.boxes[3])
        window.actions["undo"].trigger()
        assert window.document.record(3) is None and stopped == []
        window.actions["redo"].trigger()
        assert window.document.record(3) is not None and stopped == []
        window.tracking.runner._busy = True  # a tracking run: stopped first, as before
        window.actions["undo"].trigger()
        assert stopped == ["track"]
    finally:
        window.refining.runner._busy = window.tracking.runner._busy = False


def test_the_interpolate_button_shows_its_key_like_its_neighbours(window):
    """The toolbar read "Keyframe (K)  Absent (O)  Interpolate  Next issue (N)": Interpolate alone
    among the editing buttons did not say its key (I)."""
    from PySide6.QtWidgets import QToolBar

    labels = [action.iconText() for action in window.findChild(QToolBar).actions() if action.iconText()]
    assert "Interpolate (I)" in labels and "Keyframe (K)" in labels
