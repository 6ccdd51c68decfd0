"""The tracking process keeps each tracker it built for the next run, keyed by what was chosen (the
weights' path among it). A checkpoint written anew at that path while the studio is open (a training
run saving runs/kd/checkpoint.pt, an export-onnx beside it) was never read again: T went on tracking
with the old weights until the studio restarted. The process now builds the tracker again when the
weights file (or the ONNX export beside it) changed since it was built."""
from __future__ import annotations

import os

import numpy as np

from app.track_process import Recipe, TrackerProcess
from core.trackers import TrackerChoice
from tests.tiny_students import tiny_student_checkpoint


def _boxes(process, recipe, choice, synthetic):
    return np.array([box for _f, box, *_ in process.track(recipe, choice, 0, 5, synthetic.boxes[0])])


def test_a_checkpoint_written_anew_is_read_again(pair_files, synthetic, tmp_path):
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    weights = tiny_student_checkpoint(tmp_path / "checkpoint.pt", 0)
    choice = TrackerChoice("student", weights=str(weights), engine="torch", threads=1)
    first, fresh = TrackerProcess(), TrackerProcess()
    try:
        before = _boxes(first, recipe, choice, synthetic)
        tiny_student_checkpoint(weights, 1)  # the training run saved its next checkpoint there
        stamp = weights.stat().st_mtime_ns + 2_000_000_000
        os.utime(weights, ns=(stamp, stamp))  # a clock that moved on, whatever the file system's resolution
        after = _boxes(first, recipe, choice, synthetic)
        wanted = _boxes(fresh, recipe, choice, synthetic)
    finally:
        first.shutdown()
        fresh.shutdown()
    assert not np.allclose(before, wanted)  # the two checkpoints track differently
    np.testing.assert_allclose(after, wanted)
