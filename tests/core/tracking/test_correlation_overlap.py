"""The correlation of a two-stream pair runs beside the network (``core.tracking.pair_overlap``,
``OnnxEngine.with_threads``): same boxes, the search in the worker
thread, the thread budget shared, and nothing left running when the network fails."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
import pytest

from core.errors import CheckpointError
from core.tracking.engines import OnnxEngine
from core.tracking.factory import random_model
from core.tracking.onnx_export import export_onnx
from core.tracking.pair_correlation import PairCorrelation
from core.tracking.tracker import Tracker
from core.tracking.tracker_config import TrackerConfig
from tests.core.tracking.test_pair_correlation import MODEL, CentredEngine, _scene

LOOP = TrackerConfig(size_calibration=0.0, online_filter_weight=0.0)


class _Sequential(Tracker):
    """The tracker with the search run after the network, inside the blend."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair_overlap.start = lambda pair, state: None


def _boxes(tracker: Tracker, frames: int = 6) -> list[np.ndarray]:
    pair, box = _scene(0, 64.0)
    state = tracker.init(pair, box)
    boxes = []
    for index in range(1, frames):
        pair, _ = _scene(index, 64.0 * 0.97 ** index, centre=(160.0 + 3 * index, 120.0 - 2 * index))
        step = tracker.track(pair, state)
        state = step.state
        boxes.append((step.box, step.pair_correlation))
    return boxes


def test_overlapped_and_sequential_searches_give_the_same_boxes(monkeypatch):
    threads_seen = []
    search = PairCorrelation.search

    def recording_search(self, *args):
        threads_seen.append(threading.current_thread().name)
        return search(self, *args)

    monkeypatch.setattr(PairCorrelation, "search", recording_search)
    overlapped = Tracker(CentredEngine(), MODEL, LOOP)
    assert overlapped.pair_overlap.overlaps
    together = _boxes(overlapped)
    assert threads_seen and all(name.startswith("pair-correlation") for name in threads_seen)
    threads_seen.clear()
    apart = _boxes(_Sequential(CentredEngine(), MODEL, LOOP))
    assert threads_seen and all(name == threading.current_thread().name for name in threads_seen)
    for (box_a, ncc_a), (box_b, ncc_b) in zip(together, apart, strict=True):
        np.testing.assert_array_equal(box_a, box_b)
        assert ncc_a == ncc_b
    # the correlation did act: the box shrinks with the target, where the network alone keeps it
    without = _boxes(Tracker(CentredEngine(), MODEL, TrackerConfig(size_calibration=0.0, online_filter_weight=0.0,
                                                                   pair_correlation=0.0)))
    assert without[-1][0][2] == pytest.approx(64.0, abs=0.5)
    assert together[-1][0][2] < 63.0


def test_a_one_stream_pair_starts_no_search(monkeypatch):
    def fail(*_):
        raise AssertionError("searched a one-stream pair")

    monkeypatch.setattr(PairCorrelation, "search", fail)
    tracker = Tracker(CentredEngine(), MODEL, LOOP)
    pair, box = _scene(0, 64.0)
    one_stream = type(pair)(0, np.repeat(pair.thermal[..., None], 3, axis=2), pair.thermal)
    state = tracker.init(one_stream, box)
    tracker.track(type(pair)(1, one_stream.visible, one_stream.thermal), state)
    assert tracker.pair_overlap._worker is None


class _FailingEngine(CentredEngine):
    """Answers the init frame's runs, then breaks."""

    broken = False

    def run(self, *inputs):
        if self.broken:
            raise RuntimeError("the network broke")
        return super().run(*inputs)


def test_a_failing_network_raises_and_leaves_no_search_running(monkeypatch):
    finished = threading.Event()
    search = PairCorrelation.search

    def slow_search(self, *args):
        result = search(self, *args)
        finished.set()
        return result

    monkeypatch.setattr(PairCorrelation, "search", slow_search)
    engine = _FailingEngine()
    tracker = Tracker(engine, MODEL, LOOP)
    pair, box = _scene(0, 64.0)
    state = tracker.init(pair, box)
    engine.broken = True
    with pytest.raises(RuntimeError, match="the network broke"):
        tracker.track(_scene(1, 64.0)[0], state)
    assert finished.is_set()


def test_a_replaced_config_or_engine_gets_its_own_correlation():
    """The studio replaces a pooled tracker's config between runs: the correlation follows its
    streams (a fixed thermal feed correlates the thermal stream) instead of the first run's."""
    import dataclasses

    tracker = Tracker(CentredEngine(), MODEL, LOOP)
    first = tracker.pair_overlap
    assert tracker.pair_overlap is first and tracker.pair_correlation.config.modalities == "both"
    tracker.config = dataclasses.replace(LOOP, streams="thermal")
    assert tracker.pair_overlap is not first and tracker.pair_correlation.config.modalities == "thermal"
    again = tracker.pair_overlap
    tracker.config = dataclasses.replace(tracker.config, online_filter_weight=0.5)  # not the correlation's
    assert tracker.pair_overlap is again
    tracker.engine = CentredEngine()
    assert tracker.pair_overlap is not again and tracker.pair_overlap.engine is tracker.engine


def test_a_replaced_overlap_lets_its_worker_thread_go():
    """Each switch of the studio's streams setting would otherwise leave one idle thread behind."""
    import dataclasses

    tracker = Tracker(CentredEngine(), MODEL, LOOP)
    pair, box = _scene(0, 64.0)
    state = tracker.init(pair, box)
    tracker.track(_scene(1, 64.0)[0], state)
    first = tracker.pair_overlap
    worker = first._worker
    assert worker is not None and not worker._shutdown
    tracker.config = dataclasses.replace(LOOP, streams="thermal")
    assert tracker.pair_overlap is not first
    assert worker._shutdown and first._worker is None


def _engine(name="onnx", device="cpu", threads=2):
    return SimpleNamespace(name=name, device=device, threads=threads, with_threads=lambda n: None)


@pytest.mark.parametrize(("engine", "overlaps", "split"), [
    (_engine(threads=2), True, (1, 1)),
    (_engine(threads=1), True, (1, 1)),
    (_engine(threads=3), True, (2, 1)),
    (_engine(threads=8), True, (4, 4)),
    (_engine(threads=None), True, (None, None)),  # the libraries' defaults, overlapped
    (_engine(device="cuda", threads=2), True, (2, 2)),  # the CPU is the correlation's
    (_engine(name="torch", device="cuda", threads=2), True, (2, 2)),
    (_engine(name="torch", device="cpu", threads=2), False, (2, 2)),  # torch's threads are global
    (SimpleNamespace(name="recording", device="cpu", threads=2), True, (2, 2)),  # cannot be narrowed
])
def test_the_thread_budget_is_shared_only_where_the_network_can_be_narrowed(engine, overlaps, split):
    tracker = Tracker(engine, MODEL, LOOP)
    assert tracker.pair_overlap.overlaps is overlaps
    assert tracker.pair_overlap.thread_split == split
    assert tracker.pair_correlation.threads == split[1]


@pytest.fixture(scope="module")
def student_onnx(tmp_path_factory):
    return export_onnx(random_model("student"), tmp_path_factory.mktemp("overlap") / "student.onnx")


def test_an_onnx_engine_narrows_to_a_new_session_and_keeps_its_own(student_onnx):
    engine = OnnxEngine(student_onnx, "cpu", threads=2)
    assert engine.with_threads(2) is engine
    narrow = engine.with_threads(1)
    assert narrow is not engine and narrow.threads == 1 and engine.threads == 2
    assert narrow.device == "cpu" and narrow.path == engine.path
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((1, 3, s, s)).astype(np.float32) for s in (64, 64, 128, 128)]
    for got, want in zip(narrow.run(*inputs), engine.run(*inputs), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_the_pair_network_is_the_narrowed_engine_made_once_or_the_engine_when_its_file_is_gone(
        student_onnx, tmp_path):
    engine = OnnxEngine(student_onnx, "cpu", threads=2)
    tracker = Tracker(engine, MODEL, LOOP)
    network = tracker.pair_overlap.network()
    assert network is not engine and network.threads == 1
    assert tracker.pair_overlap.network() is network

    moved = tmp_path / "moved.onnx"
    moved.write_bytes(student_onnx.read_bytes())
    gone = OnnxEngine(moved, "cpu", threads=2)
    moved.unlink()
    with pytest.raises(CheckpointError):
        gone.with_threads(1)
    assert Tracker(gone, MODEL, LOOP).pair_overlap.network() is gone
