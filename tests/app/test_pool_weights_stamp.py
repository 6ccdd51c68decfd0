"""The in-thread ``TrackerPool`` (in-memory sequences) kept tracking with the OLD weights after
the checkpoint file was written anew on disk (a training run's next checkpoint); the tracking
process already rebuilt on ``weights_stamp``. The pool now does too."""
from __future__ import annotations

from types import SimpleNamespace

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
