"""Export checks the target before asking (audit 2): the sequence's own folder, a folder
that is not an earlier export and a file that is not HDF5 are refused with one message and
nothing asked or overwritten; only a real earlier export is offered for replacement. And a
progress report whose setValue ends the job (a modal dialog processes events) is safe."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.dialogs.progress import JobProgressDialog
from app.settings import ModelSettings
from tests.app.test_new_user_defects import Answers

pytestmark = pytest.mark.filterwarnings("ignore::core.tracking.factory.RandomWeightsWarning")


@pytest.fixture
def opened(window, pair_files, synthetic, tmp_path):
    window.settings.models = ModelSettings(engine="torch", device="cpu")
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    assert window.document is not None, window.last_error
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    errors = []
    original = window.error
    window.error = lambda title, error, trace="": errors.append((title, error)) or original(title, error, trace)
    window.exporter.failed.disconnect()
    window.exporter.failed.connect(lambda error, trace: errors.append(("Export failed", error)))
    return window, errors


def test_own_frames_folder_is_refused_without_asking(opened, pair_files):
    window, errors = opened
    own = pair_files[0].parent
    before = sorted(p.name for p in own.iterdir())
    window.ask_hook = Answers("Replace")
    assert not window.export_checked("annotations", own)
    assert window.ask_hook.asked == []
    (title, error), = errors
    assert "sequence's own frames" in str(error)
    assert sorted(p.name for p in own.iterdir()) == before


def test_folder_that_is_not_an_export_is_refused_without_asking(opened, tmp_path):
    window, errors = opened
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    window.ask_hook = Answers("Replace")
    assert not window.export_checked("lasher", other)
    assert window.ask_hook.asked == [] and len(errors) == 1 and "not an earlier export" in str(errors[0][1])
    assert (other / "notes.txt").read_text() == "mine"
    # an empty folder holds nothing to replace: no question either
    empty = tmp_path / "empty"
    empty.mkdir()
    window.ask_hook = Answers()
    assert window.export_checked("lasher", empty) and (empty / "visible.txt").is_file()


def test_earlier_folder_export_is_asked_about(opened, tmp_path):
    window, errors = opened
    target = tmp_path / "seq-lasher"
    window.ask_hook = Answers()
    assert window.export_checked("lasher", target)
    window.ask_hook = Answers("Replace")
    assert window.export_checked("lasher", target)
    assert len(window.ask_hook.asked) == 1 and errors == []


def test_an_earlier_export_of_another_sequence_is_named_when_asked(opened, tmp_path):
    """A folder holding the export of another sequence (walk-2's, picked from the last export's folder)
    was asked about as "already exists. Replace this folder with the new export?", as if it were this
    sequence's own: Replace lost walk-2's export. The question names the other sequence."""
    from core.annotations.formats.export import EXPORT_MARKER

    window, errors = opened
    target = tmp_path / "walk-2-lasher"
    window.ask_hook = Answers()
    assert window.export_checked("lasher", target)
    (target / EXPORT_MARKER).write_text("walk-2\n")
    window.ask_hook = Answers("Cancel")
    assert not window.export_checked("lasher", target)
    (title, text, _choices), = window.ask_hook.asked
    name = window.document.info.name
    assert f"the export of another sequence, 'walk-2' (this one is '{name}')" in text, text
    assert (target / EXPORT_MARKER).read_text() == "walk-2\n"  # kept
    window.ask_hook = Answers("Replace")
    assert window.export_checked("lasher", target)  # its own export: asked as before
    window.ask_hook = Answers("Replace")
    assert window.export_checked("lasher", target)
    assert "already exists" in window.ask_hook.asked[0][1]


def test_distillation_never_overwrites_a_file_that_is_not_hdf5(opened, tmp_path):
    window, errors = opened
    notes = tmp_path / "other" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("my notes")
    window.ask_hook = Answers("Replace")
    assert not window.export_checked("distillation", notes)
    assert window.ask_hook.asked == [] and notes.read_text() == "my notes"
    (title, error), = errors
    assert "not an earlier export" in str(error) and "choose another name" in str(error)


def test_distillation_refuses_the_open_store_without_asking(opened, tmp_path):
    window, errors = opened
    store = tmp_path / "p.rgbt.sqlite"
    size = store.stat().st_size
    window.ask_hook = Answers("Replace")
    assert not window.export_checked("distillation", store)
    assert window.ask_hook.asked == [] and len(errors) == 1 and store.stat().st_size == size


class _FinishingDialog(JobProgressDialog):
    """A progress dialog whose setValue runs ``on_value`` (as a modal one processing
    events may run the job's end)."""

    def __init__(self, on_value, window):
        super().__init__("start", "Export", 10, window)
        self.canceled.connect(lambda: None)
        self.on_value = on_value

    def setValue(self, value):  # noqa: N802 (Qt's name)
        super().setValue(value)
        self.on_value()


def test_export_progress_survives_the_end_inside_set_value(window):
    controller = window.exporter
    results = []
    controller.exported.connect(results.append)
    dialog = _FinishingDialog(lambda: controller._finished(0, "done"), window)
    controller.dialog = dialog
    controller._progress(0, SimpleNamespace(total=10, done=3, message="writing frames"))
    assert controller.dialog is None and results == ["done"]
    assert dialog.labelText() == "writing frames"  # the label was set before the value


def test_improve_progress_survives_the_end_inside_set_value(window):
    controller = window.improver
    cancelled = []
    controller.cancelled.connect(lambda: cancelled.append(True))
    dialog = _FinishingDialog(lambda: controller._cancelled(0), window)
    controller.progress_dialog = dialog
    controller._progress(0, SimpleNamespace(total=10, done=3, message="training"))
    assert controller.progress_dialog is None and cancelled == [True]
    assert dialog.labelText() == "training"
