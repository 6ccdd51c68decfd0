"""Custom student weights chosen in Settings with a broken ``.onnx`` beside them (a copy cut short,
an export of another ONNX Runtime): the CLI's ``track`` skips such a file and runs the checkpoint
with PyTorch, saying so once on stderr; the studio refused to track ("Cannot track: my.onnx: ONNX
Runtime cannot load it ..."), in its own thread and in its tracking process alike. It now runs the
checkpoint with PyTorch and says so once, at the end of the run that built the tracker."""
from __future__ import annotations

import dataclasses

import pytest

from core.errors import CheckpointError


def _weights_with_broken_onnx(folder):
    """(my.pt, my.onnx): a student checkpoint and, beside it, an .onnx that is no ONNX model."""
    from tests.tiny_students import tiny_student_checkpoint

    weights = tiny_student_checkpoint(folder / "my.pt")
    onnx = folder / "my.onnx"
    onnx.write_bytes(b"\x08\x07" + b"cut short" * 20)
    return weights, onnx


def test_the_studio_tracks_with_pytorch_and_says_it_once(window, pair_files, synthetic, tmp_path):
    weights, onnx = _weights_with_broken_onnx(tmp_path)
    window.settings.models = dataclasses.replace(window.settings.models, student_weights=str(weights), engine="auto",
                                                 tracker="student")
    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    window.open_pair(*pair_files, store=str(tmp_path / "w.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert shown == []
    assert window.document.record(5) is not None  # tracked
    said = window.statusBar().currentMessage()
    assert f"skipped {onnx}" in said and "running my.pt with PyTorch" in said
    assert "torch on cpu" in window.job_status.engine_label.text()
    window.goto(10)
    window.views.box_drawn.emit("visible", synthetic.boxes[10])
    window.actions["track"].trigger()  # the same tracker again: said once, not on every run
    assert shown == [] and window.document.record(15) is not None
    assert "skipped" not in window.statusBar().currentMessage()


def test_the_tracking_process_falls_back_and_notes_it_once(pair_files, synthetic, tmp_path):
    from app.track_process import Recipe, TrackerProcess
    from core.trackers import TrackerChoice

    weights, onnx = _weights_with_broken_onnx(tmp_path)
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    choice = TrackerChoice("student", weights=str(weights), engine="auto", threads=1)
    process = TrackerProcess()
    try:
        first = list(process.track(recipe, choice, 0, 4, synthetic.boxes[0]))
        note = process.take_note()
        again = list(process.track(recipe, choice, 0, 4, synthetic.boxes[0]))
        assert process.take_note() == ""  # the cached tracker: nothing more to say
        assert process.engine.startswith("torch on cpu")
    finally:
        process.shutdown()
    assert len(first) == len(again) == 4
    assert note.startswith(f"skipped {onnx} (") and note.endswith("running my.pt with PyTorch")


def test_other_engines_and_errors_are_not_fallen_back_from(tmp_path):
    """engine onnx still refuses the broken file; a checkpoint of the other network is refused
    whatever the engine (PyTorch would refuse it too)."""
    from core.tracking.factory import load_tracker, load_with_onnx_fallback

    weights, onnx = _weights_with_broken_onnx(tmp_path)
    with pytest.raises(CheckpointError) as error:
        load_with_onnx_fallback(lambda engine: load_tracker("student", weights, engine, "cpu"), weights, "onnx")
    assert error.value.path == onnx
    with pytest.raises(CheckpointError, match="holds a student model, not a teacher"):
        load_with_onnx_fallback(lambda engine: load_tracker("teacher", weights, engine, "cpu"), weights, "auto")


def test_the_teachers_refinement_falls_back_too(window, pair_files, synthetic, tmp_path):
    """R with custom teacher weights whose .onnx beside them is broken: the teacher refines with
    PyTorch and the refinement's end says which file was skipped."""
    import torch

    from core.annotations.records import FrameAnnotation
    from core.models.checkpoint import save_checkpoint
    from core.models.config import teacher_config
    from core.models.registry import build_model

    torch.manual_seed(0)
    weights = save_checkpoint(tmp_path / "teacher.pt", build_model("teacher", teacher_config("bundled", depth=1)))
    weights.with_suffix(".onnx").write_bytes(b"\x08\x07" + b"cut short" * 20)
    window.settings.models = dataclasses.replace(window.settings.models, teacher_weights=str(weights), engine="auto")
    shown = []
    window.error = lambda title, error, trace="": shown.append((title, str(error)))
    window.open_pair(*pair_files, store=str(tmp_path / "r.rgbt.sqlite"))
    window.document.store.put([FrameAnnotation(0, synthetic.boxes[0], provenance="manual", keyframe=True)]
                              + [FrameAnnotation(f, synthetic.boxes[f], provenance="student", confidence=0.3)
                                 for f in range(1, 6)])
    window.document.reload()
    window.refining.start_refine(window.document, window.settings.models, [3, 4])
    assert shown == [] and sorted(window.document.store.proposals()) == [3, 4]
    assert f"skipped {weights.with_suffix('.onnx')}" in window.statusBar().currentMessage()


def test_teacher_weights_chosen_for_the_student_say_where_they_go(window, pair_files, synthetic, tmp_path):
    """A teacher checkpoint put under Student weights: T failed with 'x.pt: holds a teacher model, not a
    student', and the way out (the CLI says --tracker teacher) was left to guess."""
    import torch

    from core.models.checkpoint import save_checkpoint
    from core.models.config import teacher_config
    from core.models.registry import build_model

    torch.manual_seed(0)
    weights = save_checkpoint(tmp_path / "teacher.pt", build_model("teacher", teacher_config("bundled", depth=1)))
    window.settings.models = dataclasses.replace(window.settings.models, student_weights=str(weights),
                                                 tracker="student")
    window.open_pair(*pair_files, store=str(tmp_path / "t.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    error = window.last_error
    assert isinstance(error, CheckpointError) and error.path == weights
    assert error.problem == "holds a teacher model, not a student: it goes under Teacher weights in File > Settings"
    assert window.document.record(1) is None


def test_the_studio_with_its_tracking_process_says_it_at_the_end(qtbot, monkeypatch, pair_files, synthetic, tmp_path):
    """The studio as users run it (the tracker in its tracking process): T with the weights and the
    broken .onnx beside them tracks, and the run's end says the skipped file."""
    from tests.app.conftest import window_running

    weights, onnx = _weights_with_broken_onnx(tmp_path)
    window = window_running(qtbot, monkeypatch, None, pair_files, str(tmp_path / "p.rgbt.sqlite"))
    try:
        window.settings.models = dataclasses.replace(window.settings.models, student_weights=str(weights),
                                                     engine="auto", tracker="student")
        assert window.document.recipe is not None and window.pool.process is not None
        window.views.box_drawn.emit("visible", synthetic.boxes[0])
        window.actions["track"].trigger()
        qtbot.waitUntil(lambda: bool(window.tracking.written) and not window.tracking.busy, timeout=120000)
        said = window.statusBar().currentMessage()
        assert window.last_error is None and f"skipped {onnx}" in said and "running my.pt with PyTorch" in said
    finally:
        window.close()
