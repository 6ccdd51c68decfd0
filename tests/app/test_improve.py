"""The closed loop in the studio: distillation HDF5 export (both crop modes) and "Improve
the student from this project" (export + fine-tune in the worker, before/after dialog,
hot swap of the weights, revert, cancel, too few labels)."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from app.settings import ModelSettings, StudioSettings, studio_home
from core.annotations.records import FrameAnnotation
from core.distillation.finetune import FinetuneConfig
from core.distillation.reader import DistillationFile
from core.models.checkpoint import load_checkpoint
from core.progress import Progress, run_to_end

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")

KEYFRAMES = (0, 3, 6, 9, 12, 15, 18, 21)
# held out: the last 75% of the 7 samples of KEYFRAMES, 6 frames, enough for the before/after
# check to say something (FEW_HELD_OUT); the default 25% holds out 2, and Improve asks first
TINY = FinetuneConfig(steps=2, batch_size=2, threads=1, holdout_fraction=0.75)


@pytest.fixture(scope="session")
def student_pt(tmp_path_factory):
    """A student checkpoint with (deterministic) random weights."""
    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    return save_checkpoint(tmp_path_factory.mktemp("student") / "student-random.pt", random_model("student"))


@pytest.fixture
def project(window, pair_files, synthetic, student_pt, tmp_path):
    """The window on the synthetic pair with the given student, torch on CPU."""
    window.settings.models = ModelSettings(student_weights=str(student_pt), engine="torch", device="cpu")
    window.improver.config = TINY
    window.improver.ask_first = False
    visible, thermal = pair_files
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    assert window.document is not None
    return window


def annotate(window, synthetic, frames=KEYFRAMES) -> None:
    for frame in frames:
        window.goto(frame)
        window.views.box_drawn.emit("visible", synthetic.boxes[frame])
    assert all(window.document.store.get(f).keyframe for f in frames)


def new_files() -> list[Path]:
    home = studio_home()
    return sorted(home.glob("students/*")) + sorted(home.glob("distill/*"))


def test_export_dialog_offers_both_crop_modes(window):
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", Path("/tmp"))
    keys = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert "distillation" in keys and "distillation-embedded" not in keys  # one entry, a choice under it
    dialog.format.setCurrentIndex(keys.index("lasher"))
    assert not dialog.variant.isEnabled() and dialog.values()[0] == "lasher"
    dialog.format.setCurrentIndex(keys.index("distillation"))
    labels = [dialog.variant.itemText(i) for i in range(dialog.variant.count())]
    assert labels == ["small (frames referenced)", "self-contained (crops embedded)"]
    assert dialog.values()[0] == "distillation" and dialog.target.text().endswith("seq-distill.h5")
    dialog.variant.setCurrentIndex(1)
    assert dialog.values()[0] == "distillation-embedded"


def test_export_dialog_offers_annotation_files_only(window):
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", Path("/tmp"))
    keys = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    dialog.format.setCurrentIndex(keys.index("annotations"))
    assert dialog.variant_row_label.text() == "Files" and dialog.variant.isEnabled()
    variants = [dialog.variant.itemData(i) for i in range(dialog.variant.count())]
    assert variants == ["annotations-lasher", "annotations-gtot", "annotations-vot", "annotations-xywh"]
    assert dialog.target.text().endswith("seq-lasher-annotations") and dialog.values()[0] == "annotations-lasher"
    dialog.variant.setCurrentIndex(1)
    assert dialog.values()[0] == "annotations-gtot" and dialog.target.text().endswith("seq-gtot-annotations")
    dialog.format.setCurrentIndex(keys.index("distillation"))
    assert dialog.variant_row_label.text() == "Crops"


def test_export_distillation_from_the_controller(project, synthetic, tmp_path):
    annotate(project, synthetic)
    results = []
    project.exporter.exported.connect(results.append)
    for key, mode in (("distillation", "referenced"), ("distillation-embedded", "embedded")):
        out = tmp_path / f"{key}.h5"
        project.exporter.export(project.document, key, out, project.settings.models)
        assert results[-1].path == out
        # the dialog says how many samples the file holds (only checked labels make samples)
        assert results[-1].summary.startswith(f"{len(KEYFRAMES) - 1} training samples: ")
        with DistillationFile(out) as data:
            assert data.frames_mode == mode
            (name,) = data.sequence_names()
            assert data.num_samples(name) == len(KEYFRAMES) - 1  # every keyframe after the first
            sample = data.sample(name, 0)
            assert (sample.search_visible is not None) == (mode == "embedded")
            assert data.header["student_sha256"]  # the student .pt was hashed


def test_improve_use_and_revert(project, synthetic, student_pt):
    annotate(project, synthetic)
    old = project.pool.get("student", project.settings.models)
    assert old.weights_path == str(student_pt)
    project.actions["improve"].trigger()
    dialog = project.improver.dialog
    from app.dialogs.improve_dialog import ImproveResultDialog

    assert isinstance(dialog, ImproveResultDialog) and dialog.isVisible()
    result = dialog.result
    assert result.steps == 2 and result.before.items > 0 and result.after.items == result.before.items
    assert not math.isnan(result.before.mean_iou) and not math.isnan(result.after.success)
    shown = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(dialog.table.rowCount())]
    assert shown[1] == ["mean IoU", f"{result.before.mean_iou:.3f}", f"{result.after.mean_iou:.3f}"]
    assert dialog.note.text().startswith(f"{result.train_items} training sample")
    assert ", 2 steps, " in dialog.note.text()
    new = result.checkpoint
    assert new.is_file() and new.parent == studio_home() / "students" and student_pt.is_file()
    (data,) = (studio_home() / "distill").iterdir()  # named only now, after the fine-tune
    assert load_checkpoint(new)[1]["data"] == [str(data)] and data.suffix == ".h5"
    assert not project.actions["revert_student"].isEnabled()

    dialog.use_button.click()  # hot swap: the next run loads the new weights, no restart
    assert project.settings.models.student_weights == str(new)
    assert project.pool.get("student", project.settings.models).weights_path == str(new)
    assert StudioSettings.load().models.student_weights == str(new)
    assert project.improver.previous_weights() == str(student_pt)
    assert project.actions["revert_student"].isEnabled()
    project.goto(0)
    project.actions["track"].trigger()  # tracks with the new student
    assert len(project.document.store.records()) > len(KEYFRAMES)

    project.actions["revert_student"].trigger()
    assert project.pool.get("student", project.settings.models).weights_path == str(student_pt)
    assert StudioSettings.load().models.student_weights == str(student_pt)
    assert not project.actions["revert_student"].isEnabled()
    assert new.is_file()  # kept


def test_improve_cancel_leaves_no_weights(project, synthetic):
    annotate(project, synthetic)
    cancelled = []
    project.improver.cancelled.connect(lambda: cancelled.append(True))

    def cancel_in_finetune(_g, report):
        if report.message.startswith("2/2"):
            project.improver.cancel()

    project.improver.runner.progress.connect(cancel_in_finetune)
    project.actions["improve"].trigger()
    assert cancelled and not project.improver.busy
    assert new_files() == []
    assert project.improver.dialog is None


def test_improve_with_too_few_labels_says_so(project, synthetic):
    annotate(project, synthetic, frames=(0,))
    failed = []
    project.improver.failed.connect(lambda error, trace: failed.append(error))
    project.actions["improve"].trigger()
    box = project.improver.dialog
    assert box is not None and box.objectName() == "notEnoughLabelsDialog" and box.isVisible()
    assert "too few human-checked labels" in box.informativeText()
    assert len(failed) == 1 and project.last_error is None  # a message, not an error dialog
    assert new_files() == []


def test_improve_counts_only_labels_inside_the_sequence(project, synthetic, monkeypatch):
    """A project whose video got shorter: a keyframe past the last frame is no label to learn
    from, so Improve says so at once instead of loading the teacher and exporting first."""
    import numpy as np

    import core.distillation.export
    from core.annotations.records import FrameAnnotation, Provenance

    exports = []
    monkeypatch.setattr(core.distillation.export, "export_distillation", lambda *a, **k: exports.append(a))
    annotate(project, synthetic, frames=(0,))
    past_the_end = project.document.num_frames + 5
    project.document.store.put([FrameAnnotation(past_the_end, np.array([10.0, 10, 20, 20]),
                                                provenance=Provenance.MANUAL, keyframe=True)])
    project.document.reload()
    project.actions["improve"].trigger()
    box = project.improver.dialog
    assert box is not None and box.objectName() == "notEnoughLabelsDialog"
    assert exports == [] and new_files() == []


def test_improve_in_a_worker_thread_with_progress_dialog_cancel(project, synthetic, qtbot):
    from app.controllers.improving import ImproveController

    annotate(project, synthetic)
    controller = ImproveController(project, synchronous=False, config=TINY)
    reports = []
    controller.runner.progress.connect(lambda _g, report: reports.append(report))
    with qtbot.waitSignal(controller.improved, timeout=30000) as done:
        controller.start()
        assert controller.busy and controller.progress_dialog is not None
    assert done.args[0].checkpoint.is_file() and controller.progress_dialog is None
    assert any(r.message.startswith("1/2") for r in reports) and any(r.message.startswith("2/2") for r in reports)
    for path in new_files():
        path.unlink()
    with qtbot.waitSignal(controller.cancelled, timeout=30000):
        controller.start()
        from PySide6.QtWidgets import QPushButton

        (button,) = controller.progress_dialog.findChildren(QPushButton)
        assert button.text() == "Cancel"
        button.click()
    assert not controller.busy and new_files() == []


def test_improve_asks_for_options_and_remembers_them(project, synthetic):
    from app.controllers.improve_job import load_options
    from app.dialogs.improve_dialog import ImproveOptionsDialog

    annotate(project, synthetic)
    project.improver.ask_first = True
    results = []
    project.improver.improved.connect(results.append)
    project.actions["improve"].trigger()
    options = project.improver.dialog
    assert isinstance(options, ImproveOptionsDialog) and options.isVisible() and not results
    assert options.steps.value() == TINY.steps and options.replay.value() == pytest.approx(TINY.replay)
    options.steps.setValue(3)
    options.replay.setValue(0.25)
    options.start_button.click()
    assert results and results[0].steps == 3  # ran with the chosen settings
    remembered = load_options(TINY)
    assert remembered.steps == 3 and remembered.replay == pytest.approx(0.25)
    assert remembered.batch_size == TINY.batch_size  # what the dialog does not show stays as it was
    project.improver.dialog.close()
    project.actions["improve"].trigger()
    assert project.improver.dialog.steps.value() == 3  # offered again next time
    project.improver.dialog.reject()


def _one_box_then_absent(window, synthetic, absent=(1, 2, 3, 4)) -> None:
    window.improver.config = replace(TINY, holdout_fraction=0.25)
    annotate(window, synthetic, frames=(0,))
    for frame in absent:
        window.goto(frame)
        window.actions["absent"].trigger()
    assert all(window.document.store.get(f).absent for f in absent)


def test_improve_asks_first_when_no_held_out_frame_has_a_box(project, synthetic, monkeypatch):
    """Found on a project of one drawn box and 136 absent frames: Improve exported and trained
    for about 5 minutes, then said no frame could be held out. Now it asks before any work,
    naming what is missing; Cancel starts nothing."""
    import core.distillation.export

    exports = []
    monkeypatch.setattr(core.distillation.export, "export_distillation", lambda *a, **k: exports.append(a))
    _one_box_then_absent(project, synthetic)
    results = []
    project.improver.improved.connect(results.append)
    project.actions["improve"].trigger()
    box = project.improver.dialog
    assert box is not None and box.objectName() == "noHeldOutCheckDialog" and box.isVisible()
    assert box.informativeText().startswith("No held-out frame has a box to score: the last 25% of the 4 checked "
                                            "frames after the first keyframe (1 frame, from frame 5 on) are all "
                                            "marked absent; draw or accept the target's box on at least 1 more "
                                            "frame after frame 5")
    assert box.informativeText().endswith("or fine-tune without a held-out check (without it, it would learn only "
                                          "from frames marked absent: no box after the first keyframe).")
    assert not project.improver.busy and exports == [] and new_files() == []
    box.button(box.StandardButton.Cancel).click()
    assert not results and exports == [] and new_files() == []
    assert project.statusBar().currentMessage().startswith("improving not started: no held-out frame has a box")


def test_improve_without_a_check_when_the_user_asks(project, synthetic):
    """A user who wants to fine-tune anyway can: nothing held out, every sample trains."""
    from PySide6.QtWidgets import QMessageBox

    from app.dialogs.improve_dialog import ImproveResultDialog

    _one_box_then_absent(project, synthetic)
    project.actions["improve"].trigger()
    box = project.improver.dialog
    (anyway,) = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    assert anyway.text() == "Fine-tune without a check"
    anyway.click()
    result = project.improver.dialog
    assert isinstance(result, ImproveResultDialog) and result.result.before.items == 0
    assert result.result.train_items == 4
    # why: the user's choice ("too few labels" was said over it, also on a project of 143 samples)
    assert "No frames were held out (you chose to fine-tune without a check)" in result.note.text()



def test_improve_from_a_read_only_window_learns_the_labels_saved_since(window, pair_files, synthetic, student_pt,
                                                                       tmp_path, monkeypatch):
    """A window opened read-only beside the one labelling: Improve trained on the labels of the time it
    opened (here: none), without the other window's keyframes since; it now re-reads the project first."""
    import app.controllers.improving as improving
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore

    taken = []

    def job(sequence, records, store, models, data_path, out_path, config):
        from core.errors import Cancelled

        taken.append(sorted(records))
        raise Cancelled()  # only what it was given matters here
        yield

    monkeypatch.setattr(improving, "improve_job", job)
    window.settings.models = ModelSettings(student_weights=str(student_pt), engine="torch", device="cpu")
    window.improver.config = TINY
    window.improver.ask_first = False
    path = tmp_path / "shared.rgbt.sqlite"
    other = AnnotationStore.open(path)  # the labelling window
    try:
        window.ask_hook = lambda title, text, choices: "Open read-only"
        window.open_pair(*pair_files, store=str(path))
        assert window.document.read_only
        other.put([FrameAnnotation(f, synthetic.boxes[f], provenance="manual", keyframe=True) for f in KEYFRAMES])
        window.actions["improve"].trigger()
        assert taken == [list(KEYFRAMES)]
    finally:
        other.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_improve_killed_while_fine_tuning_leaves_no_data_file_and_the_next_removes_its_leftover(
        student_pt, monkeypatch):
    """Improve killed (SIGKILL) while fine-tuning left a complete distillation .h5 in
    <home>/distill: its ``finally`` never ran. The data now has its name only after the fine-tune;
    the killed run leaves an unfinished file, which the next Improve removes with a note."""

    from core.fileio import CleanupNote

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("improve_child.py")), str(student_pt)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline()  # blocks until the fine-tune steps (or the child ends)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert line == "fine-tuning\n", child.stderr.read()[-2000:]
    distill = studio_home() / "distill"
    (leftover,) = distill.iterdir()
    name, pid, _random, tmp = leftover.name[1:].rsplit(".", 3)
    assert name.startswith("seq-") and name.endswith(".h5") and pid == str(child.pid) and tmp == "tmp"
    assert not list(studio_home().glob("students/*"))

    given, caught, data_path = _improve_with_stubs(monkeypatch, student_pt)
    assert [str(w.message) for w in caught if w.category is CleanupNote] == [
        f"removed {leftover}, left by an earlier run that was stopped while writing {name} (process {pid})"]
    (([read], [recorded]),) = given
    assert read.parent == distill and read.name.startswith(f".{data_path.name}.") and recorded == data_path
    assert sorted(distill.iterdir()) == [data_path] and data_path.read_bytes() == b"data"


def test_improve_removes_what_a_run_killed_while_exporting_left(student_pt, monkeypatch):
    """A run killed during the export (before the fine-tune) leaves the distillation writer's
    temporary of the unfinished file, ``.<unfinished name>.<pid>.<random>.tmp``; the unfinished
    file's own sweep never matched it (its name ends in .tmp, not .h5), so they piled up."""
    from core.fileio import CleanupNote

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(30)
    distill = studio_home() / "distill"
    distill.mkdir(parents=True, exist_ok=True)
    unfinished = f".seq-earlier.h5.{gone.pid}.0123abcd.tmp"
    leftover = distill / f".{unfinished}.{gone.pid}.a1b2c3d4.tmp"
    leftover.write_bytes(b"half an export")
    past = time.time() - 60
    os.utime(leftover, (past, past))
    keep = distill / "notes.tmp"  # not a writer's temporary: never touched
    keep.write_text("mine")

    _, caught, data_path = _improve_with_stubs(monkeypatch, student_pt)
    assert any(str(leftover) in str(w.message) for w in caught if w.category is CleanupNote)
    assert sorted(distill.iterdir()) == sorted([data_path, keep])


def _improve_with_stubs(monkeypatch, student_pt):
    """Run ``improve_job`` to its end for the sequence "seq" with the export and the fine-tune
    stubbed (the export writes b"data"); returns ``(given, caught, data_path)``: the fine-tune's
    ``(data, recorded_data)`` calls, the warnings raised and the data file's name."""
    import warnings

    import app.controllers.improve_job as job_module
    import app.dialogs.export_dialog
    import core.distillation.finetune

    given = []

    def export(sequence, records, path, store, models):
        path.write_bytes(b"data")
        yield Progress(1, 1, "written")

    def finetune(init, data, out, config, *, recorded_data):
        given.append((data, recorded_data))
        return "result"
        yield

    monkeypatch.setattr(app.dialogs.export_dialog, "entry", lambda key: SimpleNamespace(factory=export))
    monkeypatch.setattr(core.distillation.finetune, "finetune_student", finetune)
    data_path, out_path = job_module.improve_paths(studio_home(), "seq")
    models = ModelSettings(student_weights=str(student_pt))
    records = {f: FrameAnnotation(f, np.array([10.0, 10, 20, 20]), provenance="manual", keyframe=True)
               for f in KEYFRAMES}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert run_to_end(job_module.improve_job(range(24), records, None, models, data_path, out_path)) == "result"
    return given, caught, data_path


def _few_labels(window, synthetic) -> None:
    """As found on real/rgbt-unlabeled 0111_1716: a keyframe, a later box and an accepted one
    (3 labels, 2 samples), the studio's 25% held out: 1 held-out frame decides the scores."""
    window.improver.config = replace(TINY, holdout_fraction=0.25)
    annotate(window, synthetic, frames=(0, 2, 4))


def test_improve_asks_first_when_too_few_held_out_frames_would_decide(project, synthetic):
    """Found on a project of 2 drawn boxes and 1 accepted teacher box: Improve trained and showed
    mean IoU 0.580 -> 0.554 on 1 held-out item, with no word that one item cannot tell better from
    worse. Now it says so before any work, with the numbers and what to label; Cancel starts nothing."""
    from PySide6.QtWidgets import QMessageBox

    _few_labels(project, synthetic)
    results = []
    project.improver.improved.connect(results.append)
    project.actions["improve"].trigger()
    box = project.improver.dialog
    assert isinstance(box, QMessageBox) and box.objectName() == "fewHeldOutDialog" and box.isVisible()
    assert box.text() == "Too few held-out frames to tell whether the student gets better"
    text = box.informativeText()
    assert text.startswith("The before/after check would score only 1 held-out frame (the last 25% of the 2 checked "
                           "frames after the first keyframe): too few to say whether the student got better or "
                           "worse; draw or accept the target's box on at least 15 more frames after frame 5 (then 5 "
                           "held-out frames are scored), or fine-tune on several projects' exports"), text
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole] == \
        ["Fine-tune anyway", "Fine-tune without a check"]
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert not results and new_files() == [] and not project.improver.busy
    assert project.statusBar().currentMessage().startswith("improving not started: the before/after check would "
                                                           "score only 1 held-out frame")


@pytest.mark.parametrize("label, held_out", [("Fine-tune anyway", 0.25), ("Fine-tune without a check", 0.0)])
def test_the_too_few_question_runs_each_choice_with_its_own_held_out_share(project, synthetic, monkeypatch, label,
                                                                           held_out):
    """Both questions before the long job are built by one helper (ImproveController._ask): on the
    too-few one, "anyway" keeps the held-out share and "without a check" holds nothing out."""
    from PySide6.QtWidgets import QMessageBox

    _few_labels(project, synthetic)
    runs = []
    monkeypatch.setattr(project.improver, "_run", runs.append)
    project.actions["improve"].trigger()
    box = project.improver.dialog
    (button,) = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
                 and b.text() == label]
    button.click()
    assert [config.holdout_fraction for config in runs] == [held_out]
    assert runs[0].steps == TINY.steps


def test_improve_anyway_on_one_held_out_frame_says_the_scores_cannot_tell(project, synthetic):
    from PySide6.QtWidgets import QMessageBox

    from app.dialogs.improve_dialog import ImproveResultDialog

    _few_labels(project, synthetic)
    project.actions["improve"].trigger()
    box = project.improver.dialog
    (anyway,) = [b for b in box.buttons() if b.text() == "Fine-tune anyway"]
    anyway.click()
    dialog = project.improver.dialog
    assert isinstance(dialog, ImproveResultDialog) and isinstance(box, QMessageBox)
    assert dialog.result.before.items == 1 and dialog.result.train_items == 1
    note = dialog.note.text()
    assert note.startswith("Only 1 held-out frame decides these scores: too few to say whether the student got "
                           "better or worse (a change on fewer than 5 frames is chance as much as learning). To "
                           "measure it, draw or accept the target's box on at least 15 more frames after frame 5 "
                           "(then 5 held-out frames are scored), or fine-tune on several projects' exports"), note
    assert dialog.table.horizontalHeaderItem(2).text() == "after (too few frames to compare)"
    assert dialog.keep_button.isDefault()  # never "better" on one frame, whatever its scores


def test_the_options_say_how_many_frames_the_check_would_score_as_the_share_changes(project, synthetic):
    from app.dialogs.improve_dialog import ImproveOptionsDialog

    _few_labels(project, synthetic)
    project.improver.ask_first = True
    results = []
    project.improver.improved.connect(results.append)
    project.actions["improve"].trigger()
    options = project.improver.dialog
    assert isinstance(options, ImproveOptionsDialog)
    options.holdout.setValue(0.25)
    assert not options.held_out_note.isHidden()
    assert options.held_out_note.text().startswith("The before/after check would score only 1 held-out frame")
    options.holdout.setValue(0.0)  # nothing held out on purpose: nothing to warn about
    assert options.held_out_note.isHidden()
    options.holdout.setValue(0.25)
    options.start_button.click()  # told in the dialog: it starts, no second question
    assert results and project.improver.dialog.result.before.items == 1


def test_result_dialog_never_calls_a_change_on_one_or_two_frames_better(qtbot, tmp_path):
    from app.dialogs.improve_dialog import ImproveResultDialog
    from core.distillation.finetune import FinetuneResult
    from core.distillation.held_out import HeldOutScore

    for items in (1, 2, 4):
        result = FinetuneResult(tmp_path / "s.pt", HeldOutScore(items, 0.5, 0.5), HeldOutScore(items, 0.9, 0.9),
                                train_items=3, steps=20, seconds=5.0)
        dialog = ImproveResultDialog(result)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(10)
        # the whole table on screen beside the long note (it was squeezed to two rows and a scroll bar)
        assert not dialog.table.verticalScrollBar().isVisible()
        assert dialog.table.viewport().height() >= dialog.table.verticalHeader().length()
        assert dialog.keep_button.isDefault() and not dialog.use_button.isDefault()
        assert "too few to say whether the student got better or worse" in dialog.note.text()
        assert "label more frames, or fine-tune on several projects' exports" in dialog.note.text()
    result = FinetuneResult(tmp_path / "s.pt", HeldOutScore(5, 0.5, 0.5), HeldOutScore(5, 0.9, 0.9),
                            train_items=3, steps=20, seconds=5.0)
    dialog = ImproveResultDialog(result)
    qtbot.addWidget(dialog)
    assert dialog.use_button.isDefault() and "too few" not in dialog.note.text()


def test_the_advice_counts_frames_before_the_last_where_the_footage_ends_soon():
    from app.controllers.improve_job import more_advice

    assert more_advice(10, 18, 24).startswith("draw or accept the target's box on at least 18 more frames of this "
                                              "sequence (frames before frame 11 count too: the footage has 13 "
                                              "frames after it), or fine-tune on several projects' exports")
    assert more_advice(4, 18, 24).startswith("draw or accept the target's box on at least 18 more frames after "
                                             "frame 5 (then 5 held-out frames are scored)")
