"""Defects a new user met (issue 12): export result dialog and no silent overwrite, file
mode of the distillation file, import of ground truth over accepted boxes, Shift+A
without a range, resize handles of small boxes, where file pickers open, the timeline's
frame numbers."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from app.settings import ModelSettings, StudioSettings
from core.annotations.formats.export import ExportResult
from core.annotations.records import FrameAnnotation, Provenance

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


class Answers:
    """Answers the window's questions in order and records them."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[tuple[str, str, tuple]] = []

    def __call__(self, title, text, choices):
        self.asked.append((title, text, choices))
        return self.answers.pop(0)


def _open(window, pair_files, tmp_path, name="p"):
    window.settings.models = ModelSettings(engine="torch", device="cpu")
    window.open_pair(*pair_files, store=str(tmp_path / f"{name}.rgbt.sqlite"))
    assert window.document is not None, window.last_error
    return window.document


def test_distillation_export_dialog_asks_before_replacing_and_writes_0644(window, pair_files, synthetic, tmp_path):
    _open(window, pair_files, tmp_path)
    for frame in (0, 4, 8):
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    out = tmp_path / "exports" / "seq-distill.h5"
    window.ask_hook = Answers()  # no question when the target is new
    assert window.export_checked("distillation", out)
    assert out.is_file() and window.ask_hook.asked == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()  # a normal file (0644 under umask 022)
    box = window.result_box  # the result dialog, like every other export
    assert box is not None and box.isVisible() and str(out) in box.text()
    first = out.read_bytes()
    # a second export to the same file asks; Cancel keeps the earlier file untouched
    window.ask_hook = Answers("Cancel")
    assert not window.export_checked("distillation", out)
    assert "already exists" in window.ask_hook.asked[0][1] and out.read_bytes() == first
    assert "kept" in window.statusBar().currentMessage()
    # Replace writes the new one (and says so again)
    window.ask_hook = Answers("Replace")
    window.result_box.close()
    assert window.export_checked("distillation", out)
    assert window.ask_hook.asked and window.result_box.isVisible()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_folder_exports_ask_too(window, pair_files, synthetic, tmp_path):
    _open(window, pair_files, tmp_path)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    target = tmp_path / "seq-lasher"
    window.ask_hook = Answers()
    assert window.export_checked("lasher", target) and target.is_dir()
    assert "exported to" in window.result_box.text()
    n = len(window.document.sequence)  # one drawn box; the other frames are written as absent rows
    assert f"{n} frames: 1 box (1 drawn), {n - 1} not annotated" in window.result_box.text()
    assert "proposal" not in window.result_box.text()
    # a teacher proposal left unaccepted is named: the export holds the student's box there
    window.document.proposals[3] = (np.array([1.0, 1, 5, 5]), 0.9)
    window._exported(ExportResult(target, n, [], "summary"))
    assert "1 teacher proposal not accepted is not in it" in window.result_box.text()
    window.document.proposals.pop(3)
    window.ask_hook = Answers(None)  # the question closed: nothing replaced
    assert not window.export_checked("lasher", target)


def _with_ground_truth(doc, synthetic):
    gt = {f: FrameAnnotation(f, synthetic.boxes[f], provenance=Provenance.IMPORTED) for f in range(len(synthetic))}
    doc.sequence.ground_truth = lambda: gt
    return gt


@pytest.mark.parametrize("answer, expected_teacher", [("Replace them", 0), ("Keep them", 3), ("Cancel", 3)])
def test_import_ground_truth_asks_before_replacing_accepted_boxes(window, pair_files, synthetic, tmp_path, answer,
                                                                  expected_teacher):
    doc = _open(window, pair_files, tmp_path)
    window.views.box_drawn.emit("visible", synthetic.boxes[0])  # a manual keyframe: never replaced
    accepted = {f: (synthetic.boxes[f] + 1.0, 0.9) for f in (5, 6, 7)}
    from app.edits import AcceptProposals

    doc.execute(AcceptProposals(accepted))
    assert sum(r.provenance == Provenance.TEACHER for r in doc.store.records().values()) == 3
    _with_ground_truth(doc, synthetic)
    window.ask_hook = Answers(answer)
    window.actions["import_gt"].trigger()
    (title, text, choices), = window.ask_hook.asked
    assert "3 frames hold boxes you accepted" in text and choices[-1] == "Cancel"
    records = doc.store.records()
    assert sum(r.provenance == Provenance.TEACHER for r in records.values()) == expected_teacher
    assert records[0].provenance == Provenance.MANUAL
    imported = sum(r.provenance == Provenance.IMPORTED for r in records.values())
    assert imported == {"Replace them": len(synthetic) - 1, "Keep them": len(synthetic) - 4, "Cancel": 0}[answer]


def test_import_ground_truth_without_accepted_boxes_does_not_ask(window, pair_files, synthetic, tmp_path):
    doc = _open(window, pair_files, tmp_path)
    _with_ground_truth(doc, synthetic)
    window.ask_hook = Answers()
    window.actions["import_gt"].trigger()
    assert window.ask_hook.asked == [] and len(doc.store.records()) == len(synthetic)
    assert window.statusBar().currentMessage().startswith(f"imported {len(synthetic)} ground-truth frames")


def test_shift_a_without_a_range_accepts_nothing(window, pair_files, synthetic, tmp_path):
    doc = _open(window, pair_files, tmp_path)
    doc.store.put_proposals("t", [(f, synthetic.boxes[f], 0.8) for f in (2, 3, 10)])
    doc.reload_outputs()
    window.actions["accept_range"].trigger()
    assert doc.store.records() == {} and len(doc.proposals) == 3
    assert "select a range first" in window.statusBar().currentMessage()
    window.goto(1)
    window.actions["range"].setChecked(True)  # frames 2..31 selected -> 2, 3, 10 (0-based 1..)
    window.timeline.show_range(1, 5)
    window.actions["accept_range"].trigger()
    assert sorted(doc.store.records()) == [2, 3] and sorted(doc.proposals) == [10]


def test_small_boxes_show_handles_that_do_not_overlap(window, pair_files, tmp_path, qtbot):
    from app.views.box_item import handle_layout

    assert handle_layout(100, 60) == "all" and handle_layout(30, 60) == "corners" and handle_layout(10, 60) == "one"
    window.resize(1000, 700)
    _open(window, pair_files, tmp_path)
    view = window.views.visible
    item = view.box_item

    def shown():
        return sorted(tuple(h["pos"]) for h in item.handles if h["item"].isVisible())

    window.views.box_drawn.emit("visible", np.array([40.0, 30.0, 3.0, 3.0]))
    qtbot.wait(30)  # the view lays out; the handles follow its transform
    assert item.screen_size()[0] < 20 and shown() == [(1.0, 1.0)]  # one handle on a tiny box
    from PySide6.QtCore import QRectF

    view.viewbox.setRange(QRectF(35, 25, 16, 16), padding=0)  # zoomed in: the same box is large on screen
    qtbot.wait(30)
    assert item.screen_size()[0] > 48 and len(shown()) == 8
    view.fit()
    window.views.box_drawn.emit("visible", np.array([40.0, 30.0, 8.0, 8.0]))
    qtbot.wait(30)
    size = item.screen_size()[0]
    assert 20 <= size < 48 and shown() == [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]


def test_file_pickers_start_in_the_last_folder_or_home(window, pair_files, tmp_path, monkeypatch):
    settings = window.settings
    assert settings.start_folder() == str(Path.home())  # never the application's folder
    calls = []
    monkeypatch.setattr("app.window_dialogs.pick_folder", lambda *a, **k: calls.append(a) or ("", None))
    window.ask_open_sequence()
    assert calls[-1][2] == str(Path.home())
    settings.remember_folder(pair_files[0])  # a file: its folder is remembered
    assert settings.start_folder() == str(pair_files[0].parent.resolve())
    settings.save()
    assert StudioSettings.load().start_folder() == str(pair_files[0].parent.resolve())
    window.ask_open_sequence()
    assert calls[-1][2] == str(pair_files[0].parent.resolve())
    # the pair dialog: an empty field opens at the start folder, then beside the other field
    from app.dialogs.open_pair import OpenPairDialog

    dialog = OpenPairDialog(window, start_folder=str(tmp_path))
    assert dialog.thermal.start_folder() == str(tmp_path)
    dialog.visible.edit.setText(str(pair_files[0]))
    assert dialog.thermal.start_folder() == str(pair_files[0].parent)
    # the export dialog's Browse: the target's folder when it exists, else the start folder
    from app.dialogs.export_dialog import ExportDialog

    export = ExportDialog("seq", Path("/no/such/folder"), window, start_folder=str(tmp_path))
    assert export.browse_folder() == str(tmp_path)
    export = ExportDialog("seq", tmp_path, window, start_folder="/elsewhere")
    assert export.browse_folder() == str(tmp_path)


def test_timeline_numbers_frames_from_one_like_the_counter(window, pair_files, tmp_path):
    _open(window, pair_files, tmp_path)
    axis = window.timeline.getPlotItem().getAxis("bottom")
    assert axis.tickStrings([0, 9, 23], 1.0, 1.0) == ["1", "10", "24"]
    window.goto(9)
    assert window.transport.label.text().startswith("frame 10/24")
    assert "frame 10:" in window.views.visible_panel.title.text()
