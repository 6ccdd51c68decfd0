"""Weights files chosen in Settings that are missing: refused or one dialog naming the file."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication, QMessageBox


def test_a_missing_weights_file_is_refused_instead_of_running_random_weights(window, pair_files, synthetic,
                                                                           tmp_path, qtbot):
    """Student weights chosen in Settings and then moved (or mistyped): T ran RANDOM weights in
    their place (random weights are allowed by default) and wrote a run of boxes off the
    target; R, Improve and the distillation export did the same with the teacher. Each now
    stops with one dialog naming the file, and Settings refuses such a path on OK."""
    import dataclasses

    from app.dialogs.settings_dialog import SettingsDialog

    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    window.open_pair(*pair_files, store=str(tmp_path / "w.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    gone = tmp_path / "models" / "student-moved.pt"
    window.settings.models = dataclasses.replace(window.settings.models, student_weights=str(gone),
                                                 teacher_weights=str(gone))
    assert window.settings.models.allow_random  # the default that ran random weights
    window.actions["track"].trigger()
    assert window.document.record(1) is None and window.document.undo_stack.count() == 1
    assert shown[-1][0] == "Cannot track" and str(gone) in shown[-1][1] and "File > Settings" in shown[-1][1]
    window.review.ask_refine()
    assert shown[-1][0] == "Cannot refine" and not window.refining.busy
    assert not window.export_checked("distillation", tmp_path / "d.h5") and shown[-1][0] == "Cannot export"
    assert not (tmp_path / "d.h5").exists()
    window.improver.start()
    assert shown[-1][0] == "Cannot improve the student" and not window.improver.busy
    dialog = SettingsDialog(window.settings.models)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and str(gone) in dialog.message.text()
    dialog.student.edit.setText("")
    dialog.teacher.edit.setText("")
    dialog.accept()
    assert not dialog.isVisible()
    window.settings.models = dialog.values()
    window.actions["track"].trigger()  # the bundled weights: tracks
    assert window.document.record(1) is not None


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


def test_settings_refuse_a_file_that_cannot_be_weights(qtbot, tmp_path):
    """The project's own .rgbt.sqlite (or a text file) chosen as the student weights: OK kept it,
    and only the next T failed ("is an SQLite database ..., not a PyTorch checkpoint"). OK now
    refuses it and says what the file is; a student checkpoint passes (one that does not load:
    test_settings_weights_load)."""
    from app.dialogs.settings_dialog import SettingsDialog
    from app.settings import ModelSettings
    from core.annotations.store import AnnotationStore

    project = tmp_path / "walk.rgbt.sqlite"
    AnnotationStore.open(project).close()
    notes = tmp_path / "notes.pt"
    notes.write_text("student weights from friday\n")
    looks_right = tmp_path / "student.pt"  # a student checkpoint
    shutil.copy(Path(__file__).resolve().parents[2] / "assets" / "models" / "student_bundled.pt", looks_right)
    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    for path, said in ((project, "is an SQLite database"), (notes, "is a text file")):
        dialog.student.edit.setText(str(path))
        dialog.accept()
        assert dialog.isVisible() and dialog.message.text().startswith(f"Student weights: {path} {said}")
    dialog.student.edit.setText(str(looks_right))
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.check.busy, timeout=120000)  # loaded on a worker thread
    assert not dialog.isVisible() and dialog.values().student_weights == str(looks_right)


def test_the_reason_ok_is_refused_is_shown_whole(qtbot, tmp_path):
    """File > Settings with a student weights path that is not a file, OK: the red reason wraps to two
    lines, but the dialog kept its height, so both lines were cut (their tops and bottoms hidden under
    the check box above and the buttons below). The dialog grows to show it whole."""
    from PySide6.QtWidgets import QApplication

    from app.dialogs.settings_dialog import SettingsDialog
    from app.settings import ModelSettings

    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.student.edit.setText(str(tmp_path / "nothing.onnx"))
    dialog.accept()
    QApplication.processEvents()
    label = dialog.message
    assert dialog.isVisible() and label.isVisible()
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()
