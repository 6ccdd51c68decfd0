"""Teacher pseudo-labels with a forward-backward check (core.training.pseudo_labels) and
the ``rgbt_pseudo`` source that reads them."""
import json
from dataclasses import dataclass

import numpy as np
import pytest

from core.errors import ConfigError
from core.geometry import iou
from core.progress import run_to_end
from core.sequences.base import FramePair
from core.training.pseudo_labels import (
    PseudoLabelConfig,
    check_tracklet,
    hot_blobs,
    pseudo_label_job,
    read_labels,
    start_box,
)
from core.training.sources import build_source, source_kinds
from tests.core.training.real_fixture import make_data_root, options

H, W = 120, 160


def _frame(index: int, box) -> FramePair:
    """A noisy cool background with one warm rectangle at ``box`` (x, y, w, h) in thermal."""
    rng = np.random.default_rng(index)
    thermal = rng.integers(40, 60, (H, W), dtype=np.uint8)
    x, y, w, h = (int(v) for v in box)
    thermal[y:y + h, x:x + w] = 220
    visible = np.repeat(thermal[..., None], 3, axis=2)
    return FramePair(index, visible, thermal)


def _moving_box(index: int):
    return (20 + 3 * index, 30 + index, 14, 28)


class _Sequence:
    def __init__(self, count: int):
        self.count = count

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        return _frame(index, _moving_box(index))


@dataclass
class _State:
    box: np.ndarray


@dataclass
class _Step:
    box: np.ndarray
    state: _State
    frame_confidence: float = 0.9


class _OracleTracker:
    """Follows the warm rectangle exactly, in either direction."""

    def init(self, pair, box):
        return _State(np.asarray(box, float))

    def track(self, pair, state):
        box = np.asarray(_moving_box(pair.index), float)
        return _Step(box, _State(box))


class _DriftingTracker(_OracleTracker):
    """Slides right 6 px a frame whatever the target does: the backward track cannot return."""

    def track(self, pair, state):
        box = state.box + [6, 0, 0, 0]
        return _Step(box, _State(box))


class _StuckTracker(_OracleTracker):
    """Never moves its box (reversible, so only its low confidence gives it away)."""

    def track(self, pair, state):
        return _Step(state.box.copy(), state, frame_confidence=0.05)


def test_hot_blobs_find_the_warm_object():
    blobs = hot_blobs(_frame(0, (50, 40, 14, 28)).thermal, 0.001, 0.1)
    assert blobs
    assert iou(blobs[0][1], np.array([50, 40, 14, 28], float)) > 0.8


def test_a_flat_frame_has_no_blob_and_falls_back_to_texture():
    flat = np.full((H, W), 90, np.uint8)
    assert hot_blobs(flat, 0.001, 0.1) == []
    visible = np.repeat(flat[..., None], 3, axis=2).copy()
    visible[20:60, 80:130] = np.random.default_rng(0).integers(0, 255, (40, 50, 3), dtype=np.uint8)
    thermal = visible[..., 0].copy()
    box, kind = start_box(visible, thermal, np.random.default_rng(0), PseudoLabelConfig())
    assert kind == "texture"
    assert box[2] > 0 and box[3] > 0


def test_start_box_wraps_the_hot_blob_with_a_margin():
    pair = _frame(0, (50, 40, 14, 28))
    box, kind = start_box(pair.visible, pair.thermal, np.random.default_rng(0), PseudoLabelConfig())
    assert kind == "hot"
    assert box[0] < 50 and box[1] < 40 and box[0] + box[2] > 64 and box[1] + box[3] > 68
    assert iou(box, np.array([50, 40, 14, 28], float)) > 0.5  # the blob plus 10 % each side


def test_check_tracklet_rules():
    config = PseudoLabelConfig(min_iou=0.5, min_frames=3)
    forward = np.arange(20, dtype=float).reshape(5, 4) + 1
    labels = check_tracklet(forward, np.array([0.9, 0.8, 0.2, 0.7, 0.6]), config)
    assert np.isnan(labels[2]).all()
    np.testing.assert_array_equal(labels[[0, 1, 3, 4]], forward[[0, 1, 3, 4]])
    assert check_tracklet(forward, np.array([0.4, 0.9, 0.9, 0.9, 0.9]), config) is None  # start not recovered
    assert check_tracklet(forward, np.array([0.9, 0.9, 0.1, 0.1, 0.1]), config) is None  # too few frames


def test_job_keeps_consistent_tracklets_and_writes_one_file(tmp_path):
    out = tmp_path / "labels.json"
    config = PseudoLabelConfig(tracklets_per_sequence=2, length=8, min_frames=4)
    content = run_to_end(pseudo_label_job(_OracleTracker(), [("real/x", _Sequence(30))], out, config,
                                          metadata={"tracker_weights": "oracle"}))
    assert content["tracklets_tried"] == 2 and content["tracklets_kept"] == 2
    read = read_labels(out)
    assert read["tracker_weights"] == "oracle"
    for tracklet in read["tracklets"]:
        assert tracklet["seed"] == "hot"
        boxes = np.array(tracklet["boxes"], float)
        assert boxes.shape == (9, 4)
        truth = np.array([_moving_box(tracklet["start"] + k) for k in range(1, 9)], float)
        np.testing.assert_allclose(boxes[1:], truth)
        assert min(tracklet["fb_iou"][1:]) > 0.99
        assert tracklet["fb_iou"][0] >= 0.5  # the start box (blob + margin) against the oracle's box


@pytest.mark.parametrize("tracker", [_DriftingTracker(), _StuckTracker()])
def test_job_rejects_drifting_and_stuck_trackers(tmp_path, tracker):
    out = tmp_path / "labels.json"
    config = PseudoLabelConfig(tracklets_per_sequence=2, length=10, min_frames=6)
    content = run_to_end(pseudo_label_job(tracker, [("real/x", _Sequence(30))], out, config))
    assert content["tracklets_tried"] == 2 and content["tracklets_kept"] == 0
    assert read_labels(out)["tracklets"] == []


def test_cancelled_job_writes_nothing(tmp_path):
    out = tmp_path / "labels.json"
    job = pseudo_label_job(_OracleTracker(), [("real/x", _Sequence(30))], out,
                           PseudoLabelConfig(tracklets_per_sequence=3, length=5))
    next(job)
    job.close()
    assert not out.exists()


@pytest.mark.parametrize("text, problem", [
    ("{not json", "not a readable JSON pseudo-label file"),
    (json.dumps({"format": "something else"}), "not a pseudo-label file"),
    (json.dumps({"format": "rgbt-studio pseudo-labels", "version": 1, "tracklets": [{"sequence": "a"}]}),
     "tracklet 0 is malformed"),
])
def test_bad_label_files_are_one_clear_error(tmp_path, text, problem):
    path = tmp_path / "labels.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem) as caught:
        read_labels(path)
    assert str(path) in str(caught.value)
    with pytest.raises(ConfigError, match="not found"):
        read_labels(tmp_path / "missing.json")


def _labels_file(path, sequence, start=1, boxes=None):
    boxes = boxes if boxes is not None else [[10, 12, 20, 16], None, [12, 13, 20, 16]]
    path.write_text(json.dumps({"format": "rgbt-studio pseudo-labels", "version": 1, "tracklets": [
        {"sequence": sequence, "start": start, "seed": "hot", "boxes": boxes, "fb_iou": [1.0] * len(boxes)}]}))
    return path


def test_rgbt_pseudo_source_serves_tracklets_as_sequences(tmp_path):
    assert "rgbt_pseudo" in source_kinds()
    data, split = make_data_root(tmp_path)
    labels = _labels_file(tmp_path / "labels.json", "real/rgbt-unlabeled/pair-a", start=2)
    source = build_source("rgbt_pseudo", options(data, split, tmp_path / "cache", labels=str(labels)), seed=0)
    entry = source.draw(np.random.default_rng(0), 0)
    assert entry.usable.tolist() == [True, False, True]
    assert entry.extras["frames"] == (2, 4)
    direct = build_source("rgbt_unlabeled", options(data, split, tmp_path / "cache"), seed=0).sequences[0]
    np.testing.assert_array_equal(entry.frame(2).thermal, direct[4].thermal)
    assert entry.frame(2).index == 2


def test_rgbt_pseudo_refuses_footage_outside_the_train_group(tmp_path):
    data, split = make_data_root(tmp_path)
    labels = _labels_file(tmp_path / "labels.json", "real/rgb/val-v")
    with pytest.raises(ConfigError, match="not in the train part"):
        build_source("rgbt_pseudo", options(data, split, tmp_path / "cache", labels=str(labels)), seed=0)
    too_long = _labels_file(tmp_path / "long.json", "tno/pair-b", start=3)
    with pytest.raises(ConfigError, match="runs past"):
        build_source("rgbt_pseudo", options(data, split, tmp_path / "cache", labels=str(too_long)), seed=0)


def test_command_labels_the_train_pairs_with_the_bundled_teacher(tmp_path, capsys):
    from core.cli import main as cli_main

    data, split = make_data_root(tmp_path)
    out = tmp_path / "labels.json"
    args = ["pseudo-labels", str(out), "--split", str(split), "--data-root", str(data), "--cache-dir",
            str(tmp_path / "cache"), "--tracklets", "1", "--length", "3", "--min-frames", "2", "--threads", "1"]
    assert cli_main(args) == 0
    content = read_labels(out)
    assert content["tracklets_tried"] == 2  # one per unlabeled train pair; validation is never read
    assert content["tracker_weights"].endswith("teacher_bundled.pt") and len(content["tracker_sha256"]) == 64
    assert "tracklets kept" in capsys.readouterr().out
    before = out.read_bytes()
    assert cli_main(args) == 2  # never replaced without --force
    err = capsys.readouterr().err
    assert "already exists" in err and "Traceback" not in err
    assert out.read_bytes() == before
