"""Defects an annotator met labelling a real RGB-T pair from first box to export and back
(people in smoke, 0117_1605; the walkthrough of 2026-12-07 under Xvfb)."""
from __future__ import annotations

import numpy as np
import pytest


def _folder_with_ground_truth(path, frames: int) -> None:
    """A sequence folder of ``frames`` colour JPEGs and a ``groundtruth.txt`` (a dataset's, or an export's)."""
    import cv2

    path.mkdir()
    rng = np.random.default_rng(0)
    for i in range(frames):
        cv2.imwrite(str(path / f"{i + 1:08d}.jpg"), rng.integers(0, 255, size=(48, 64, 3), dtype=np.uint8))
    (path / "groundtruth.txt").write_text("".join("10,10,8,8\n" for _ in range(frames)))


def test_opening_a_sequence_that_ships_ground_truth_says_it_is_not_shown(window, tmp_path):
    """The LasHeR export of a labelled pair, opened again: 407 frames, an empty timeline and "opened 0117_1605:
    407 frames at 30 fps", as if the export held no box. Its boxes are shown only after File > Import the
    sequence's ground truth, which nothing pointed to. The status bar now says so, until they are imported."""
    folder = tmp_path / "exported"
    _folder_with_ground_truth(folder, 4)
    store = str(tmp_path / "e.rgbt.sqlite")
    window.open_sequence(folder, store=store)
    assert window.document is not None, window.last_error
    message = window.statusBar().currentMessage()
    assert "ground truth not shown: File > Import the sequence's ground truth" in message, message
    # and the way to see it without replacing the project's boxes (only Import was named: a helper's session)
    assert "or View > Compare with the sequence's ground truth" in message, message
    tip = window.statusBar().toolTip()  # the count and what each entry does: in the tooltip (short on the bar)
    assert "Its ground truth (4 frames) is not shown: File > Import the sequence's ground truth (as the boxes) or " \
           "View > Compare with the sequence's ground truth (beside them)" in tip, tip
    window.actions["import_gt"].trigger()
    assert window.document.record(0).provenance == "imported"
    window.open_sequence(folder, store=store)  # imported: nothing more to say
    assert "ground truth" not in window.statusBar().currentMessage()


def test_footage_without_ground_truth_says_nothing_of_it(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    assert "ground truth" not in window.statusBar().currentMessage()


@pytest.mark.parametrize("before, expected", [
    ("tracked", "tracking stopped here (no box from this frame)"),
    ("absent", "no box from this frame (the frame before is marked absent; no tracking ran here)"),
    ("drawn", "no box from this frame (nothing was tracked from the box before it)"),
])
def test_n_says_what_ends_before_a_frame_with_no_box(before, expected):
    """The target walks in at frame 34: frames 1-33 marked absent, a box drawn at frame 51 and tracked to the end.
    N stopped at frame 34 with "tracking stopped here (no box from this frame)", where no tracking had run:
    the frames before it hold absent marks. It now says what precedes the empty frame."""
    from app.review import TimelineData, attention_stretch

    data = TimelineData.empty(5)
    data.annotated[:2] = True
    if before == "tracked":
        data.confidence[:2] = 0.9
    elif before == "absent":
        data.absent[:2] = True
        data.keyframe[:2] = True
    else:
        data.keyframe[1] = True
    assert attention_stretch(data, 2, confidence=0.4) == ((2, 3), [expected])


def test_n_after_an_absent_stretch_does_not_say_tracking_stopped(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    window.actions["range"].setChecked(True)
    window.goto(4)
    window.actions["range_end"].trigger()  # frames 1-5
    window.actions["absent"].trigger()
    window.actions["range"].setChecked(False)
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])
    window.goto(0)
    window.actions["attention"].trigger()
    assert window.frame == 5
    message = window.statusBar().currentMessage()
    assert message.startswith("frame 6: no box from this frame (the frame before is marked absent"), message
    assert "tracking stopped" not in message


def test_the_frame_title_says_what_the_teacher_proposals_number_is(window, pair_files, synthetic, tmp_path):
    """After R on a real pair frame 100 read "tracked (Student) | teacher proposal 0.39 (A to accept)": a bare
    number beside the timeline's teacher-student IoU curve, read as the two boxes' overlap. It is the teacher's
    confidence, and the title now says so (as it does once the box is accepted: "teacher, confidence 0.39")."""
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.document.store.put_proposals("t", [(3, synthetic.boxes[3] + 1.0, 0.39)])
    window.document.reload()
    window.goto(3)
    assert "teacher proposal, confidence 0.39 (A to accept)" in window.views.visible_panel.title.text()
    window.actions["accept"].trigger()
    assert "teacher, confidence 0.39" in window.views.visible_panel.title.text()


def test_q_with_a_range_shown_says_it_marked_the_frame_shown_alone(window, pair_files, synthetic, tmp_path):
    """Two people crossing (frames 265-279 of the real pair): with the range shown, O marks every frame of it
    absent and Del deletes its tracked boxes, but Q marked frame 279 alone, without a word; the status bar went on
    reading "range: frames 265-279 (15 frames)", and the frames 265-278 stayed unmarked for the LaSOT export."""
    window.open_pair(*pair_files, store=str(tmp_path / "q.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    window.goto(2)
    window.actions["range"].setChecked(True)
    window.goto(6)
    window.actions["range_end"].trigger()  # frames 3-7
    window.actions["occluded"].trigger()
    document = window.document
    assert document.record(6).occluded and not document.record(5).occluded
    message = window.statusBar().currentMessage()
    assert message.startswith("frame 7 marked occluded; Q marks the frame shown alone, not the range (frames 3-7)"), \
        message
    window.actions["occluded"].trigger()
    assert not document.record(6).occluded
    assert window.statusBar().currentMessage().startswith("frame 7: occluded mark lifted; Q marks the frame shown alone")
    window.actions["range"].setChecked(False)
    window.statusBar().clearMessage()
    window.actions["occluded"].trigger()  # no range: the frame alone, said in short (test_single_edit_messages)
    assert document.record(6).occluded and window.statusBar().currentMessage() == "frame 7 marked occluded"


@pytest.mark.parametrize("key, presses, expected", [("Up", 1, 1), ("Up", 3, 3), ("Down", 2, -2)])
def test_the_offsets_arrows_step_from_zero_not_from_minus_ten_thousand(qtbot, key, presses, expected):
    """Open pair with the offset at its first setting, "the project's (0 for a new project)", and Up pressed three
    times for a thermal stream 3 frames late: it read -9998, the lowest number above the special value, and Open
    said "frame offset -9998 leaves no overlapping frames". The arrows now step from 0 there; Down reaches -1."""
    from PySide6.QtCore import Qt

    from app.dialogs.open_pair import OpenPairDialog

    dialog = OpenPairDialog()
    qtbot.addWidget(dialog)
    assert dialog.values()[2] is None
    for _ in range(presses):
        qtbot.keyClick(dialog.offset, getattr(Qt.Key, f"Key_{key}"))
    assert dialog.values()[2] == expected


def test_export_to_a_refused_target_keeps_the_dialog_open_and_says_why(window, pair_files, tmp_path, monkeypatch):
    """Ctrl+E, distillation data, and the LasHeR export's folder typed as the target: Export closed the dialog,
    then an error said "the distillation file is a folder; give a file name", and the format, the crops and the
    target had to be chosen again; Ctrl+E then offered the refused folder as the project's last export. The
    dialog now stays open with the reason under the target, as it does for an empty target."""
    from app.dialogs.export_dialog import ExportDialog
    from app.session_state import read_last_export

    window.open_pair(*pair_files, store=str(tmp_path / "x.rgbt.sqlite"))
    folder = tmp_path / "exports" / "seq"
    folder.mkdir(parents=True)
    seen = {}

    def run(dialog):
        dialog.format.setCurrentIndex(dialog.format.findData("distillation"))
        dialog.target.setText(str(folder))
        dialog.show()
        dialog.accept()
        seen.update(open=dialog.isVisible(), message=dialog.message.text())
        dialog.format.setCurrentIndex(dialog.format.findData("lasher"))
        seen.update(stale=dialog.message.isVisible())  # the reason was the distillation file's
        dialog.format.setCurrentIndex(dialog.format.findData("distillation"))
        dialog.target.setText(str(folder / "seq-distill.h5"))
        dialog.accept()
        seen.update(closed=not dialog.isVisible())
        dialog.reject()
        return False

    monkeypatch.setattr(ExportDialog, "exec", run)
    errors = []
    monkeypatch.setattr(window, "error", lambda *args, **kw: errors.append(args))
    window.ask_export()
    assert seen["open"], "the dialog closed on a refused target"
    assert "the distillation file is a folder; give a file name" in seen["message"], seen["message"]
    assert not seen["stale"] and seen["closed"] and not errors
    assert read_last_export(window.document.store) is None  # the refused target is not offered again


def test_replacing_an_export_that_holds_a_project_is_refused_and_keeps_it(window, pair_files, synthetic, tmp_path,
                                                                          monkeypatch):
    """The LasHeR export, opened in the studio to check it (its project, 0117_1605.rgbt.sqlite, is kept in the
    export's folder, beside its frames) and exported again over: "…/0117_1605 already exists. Replace this folder
    with the new export?", and Replace deleted that project with the annotations made on it (later the question
    named the project, and Replace still deleted it). Such a folder is now refused in one message, nothing
    asked: the project is never deleted."""
    from core.annotations.store import AnnotationStore
    from tests.app.test_new_user_defects import Answers

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    target = tmp_path / "seq-lasher"
    window.ask_hook = Answers()
    assert window.export_checked("lasher", target)
    AnnotationStore.open(target / "seq-lasher.rgbt.sqlite").close()  # the export, opened in the studio
    errors = []
    monkeypatch.setattr(window, "error", lambda title, error, *args, **kw: errors.append(str(error)))
    window.ask_hook = Answers("Replace")
    assert not window.export_checked("lasher", target)
    assert not window.ask_hook.asked
    assert len(errors) == 1 and "holds the studio project seq-lasher.rgbt.sqlite" in errors[0], errors
    assert (target / "seq-lasher.rgbt.sqlite").is_file()


def test_i_again_over_frames_interpolated_already_says_nothing_changed(window, pair_files, synthetic, tmp_path):
    """Frames 41-50 of the real pair interpolated between two drawn boxes, then I pressed again without a range:
    "interpolated 10 frames", and an undo step that changed nothing (Ctrl+Z then undid nothing the user could see).
    The frames hold those very boxes already: I now says so and adds no undo step."""
    window.open_pair(*pair_files, store=str(tmp_path / "i.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.goto(5)
    window.views.box_drawn.emit("visible", synthetic.boxes[5])
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage() == "interpolated 4 frames"
    steps = window.document.undo_stack.count()
    window.actions["interpolate"].trigger()
    assert window.statusBar().currentMessage() == ("nothing to interpolate: the 4 frames between the kept boxes hold "
                                                   "these interpolated boxes already")
    assert window.document.undo_stack.count() == steps
