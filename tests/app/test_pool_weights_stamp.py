"""The in-thread ``TrackerPool`` (in-memory sequences) kept tracking with the OLD weights after
the checkpoint file was written anew on disk (a training run's next checkpoint); the tracking
process already rebuilt on ``weights_stamp``. The pool now does too."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from app.settings import ModelSettings
from core.tracking.tracker_config import TrackerConfig


def test_the_pool_loads_a_rewritten_checkpoint_again(tmp_path):
    from app.jobs import TrackerPool

    weights = tmp_path / "student.pt"
    weights.write_bytes(b"first weights")
    built = []

    def loader(model, path, engine, device, allow_random):
        built.append(open(path, "rb").read())
        return SimpleNamespace(config=TrackerConfig())

    pool = TrackerPool(loader)
    settings = ModelSettings(student_weights=str(weights))
    first = pool.get("student", settings)
    assert pool.get("student", settings) is first and len(built) == 1  # unchanged file: cached
    weights.write_bytes(b"second weights, trained further")
    second = pool.get("student", settings)
    assert second is not first and built == [b"first weights", b"second weights, trained further"]
    assert pool.get("student", settings) is second


def test_the_pool_keeps_one_network_per_model_and_the_previous_one_on_a_failed_load(tmp_path):
    """Every weights file chosen in turn stayed loaded in the in-thread pool (the tracking process's
    rule since 6d71abb: one network per tracker, the previous one let go only once the new one
    loaded)."""
    from app.jobs import TrackerPool
    from core.errors import CheckpointError

    files = {name: tmp_path / f"{name}.pt" for name in ("a", "b", "broken")}
    for path in files.values():
        path.write_bytes(path.stem.encode())
    built = []

    def loader(model, path, engine, device, allow_random):
        if path.endswith("broken.pt"):
            raise CheckpointError(path, "corrupt or truncated checkpoint")
        built.append(Path(path).stem)
        return SimpleNamespace(config=TrackerConfig())

    pool = TrackerPool(loader)
    first = pool.get("student", ModelSettings(student_weights=str(files["a"])))
    pool.get("teacher", ModelSettings(teacher_weights=str(files["b"])))
    with pytest.raises(CheckpointError):
        pool.get("student", ModelSettings(student_weights=str(files["broken"])))
    assert pool.get("student", ModelSettings(student_weights=str(files["a"]))) is first  # kept: the load failed
    pool.get("student", ModelSettings(student_weights=str(files["b"])))
    assert len([key for key in pool._cache if key[0] == "student"]) == 1  # a let go
    pool.get("student", ModelSettings(student_weights=str(files["a"])))
    assert built == ["a", "b", "b", "a"] and len(pool._cache) == 2  # the teacher kept beside the student
