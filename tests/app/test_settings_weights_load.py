"""Settings refuses weights that do not load as their network, keeping the ones that work.

Choosing the teacher's checkpoint as the student's (or a truncated file) was accepted: the
working weights were replaced and only the next T failed. OK now loads a changed weights
field on the CPU (``core.tracking.factory.weights_problem``) and stays open with the reason;
a field left as it was is not loaded again. The load runs on a worker thread
(test_settings_weights_check): ``_ok`` waits for its answer.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import core.tracking.factory as factory
from app.settings import ModelSettings

MODELS = Path(__file__).resolve().parents[2] / "assets" / "models"


def _ok(qtbot, dialog) -> None:
    """Press OK and wait for the weights' check on its worker thread to answer."""
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.check.busy, timeout=120000)


def test_ok_refuses_the_teachers_weights_as_the_students(qtbot, tmp_path):
    from app.dialogs.settings_dialog import SettingsDialog

    working = tmp_path / "student.pt"
    shutil.copy(MODELS / "student_bundled.pt", working)
    dialog = SettingsDialog(ModelSettings(student_weights=str(working)))
    qtbot.addWidget(dialog)
    dialog.show()
    teacher = tmp_path / "teacher.pt"
    shutil.copy(MODELS / "teacher_bundled.pt", teacher)
    dialog.student.edit.setText(str(teacher))
    _ok(qtbot, dialog)
    assert dialog.isVisible(), "the teacher's weights replaced the student's"
    text = dialog.message.text()
    assert text.startswith("Student weights do not load: ") and str(teacher) in text and "teacher" in text, text
    dialog.student.edit.setText(str(working))
    _ok(qtbot, dialog)
    assert not dialog.isVisible() and dialog.values().student_weights == str(working)


def test_weights_left_as_they_were_are_not_loaded_again(qtbot, tmp_path, monkeypatch):
    from app.dialogs.settings_dialog import SettingsDialog

    loaded = []
    monkeypatch.setattr(factory, "weights_problem", lambda model, path, engine: loaded.append(model) or "broken")
    chosen = tmp_path / "student.pt"
    chosen.write_bytes(b"PK\x03\x04" + bytes(60))
    dialog = SettingsDialog(ModelSettings(student_weights=str(chosen)))
    qtbot.addWidget(dialog)
    dialog.show()
    _ok(qtbot, dialog)
    assert not dialog.isVisible() and loaded == []
    dialog = SettingsDialog(ModelSettings(student_weights=str(chosen), engine="auto"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.engine.setCurrentText("onnx")  # another engine: the same file is loaded under it
    _ok(qtbot, dialog)
    assert dialog.isVisible() and loaded == ["student"]
    assert dialog.message.text().startswith("Student weights do not load: broken")
