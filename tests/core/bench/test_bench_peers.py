"""OpenCV peers behind the Tracker interface: images per modality, tracking a moving
target, failures, NanoTrack availability."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.peers import PeerState, PeerTracker, PeerUnavailable, nanotrack_files
from core.errors import ConfigError
from core.geometry import iou
from core.progress import run_to_end
from core.sequences.base import FramePair
from core.tracking.run import track_sequence


def _pairs(n=12):
    """A bright 30x30 square moving 3 px/frame on textured thermal; visible = blue square."""
    rng = np.random.default_rng(1)
    background = rng.integers(0, 90, size=(120, 160), dtype=np.uint8)
    pairs, boxes = [], []
    for i in range(n):
        thermal = background.copy()
        x = 40 + 3 * i
        thermal[45:75, x:x + 30] = 220
        visible = np.zeros((120, 160, 3), np.uint8)
        visible[..., 2] = thermal
        pairs.append(FramePair(i, visible, thermal))
        boxes.append([x, 45, 30, 30])
    return pairs, np.asarray(boxes, dtype=np.float64)


class _List:
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        return self.pairs[i]


def test_images_per_modality_are_bgr():
    pairs, _ = _pairs(1)
    thermal = PeerTracker("kcf", "thermal").image(pairs[0])
    assert thermal.shape == (120, 160, 3) and np.array_equal(thermal[..., 1], pairs[0].thermal)
    visible = PeerTracker("kcf", "visible").image(pairs[0])
    assert np.array_equal(visible[..., 0], pairs[0].visible[..., 2])  # RGB blue -> BGR first channel
    assert PeerTracker("csrt", "visible").name == "CSRT (visible)"


@pytest.mark.parametrize("kind", ["csrt", "kcf"])
def test_peer_follows_a_moving_square_through_track_sequence(kind):
    pairs, boxes = _pairs()
    results = run_to_end(track_sequence(PeerTracker(kind, "thermal"), _List(pairs), boxes[0]))
    got = np.asarray([box for _, box, _ in results])
    assert got.shape == (12, 4)
    assert float(iou(got, boxes).min()) > 0.6
    assert got[-1, 0] > got[0, 0] + 20  # it moved with the target


class _Failing:
    def update(self, image):
        return False, (0, 0, 0, 0)


def test_failure_keeps_the_previous_box_with_zero_confidence():
    pairs, _ = _pairs(2)
    state = PeerState(_Failing(), np.array([10.0, 12.0, 20.0, 22.0]), 0, (160, 120))
    step = PeerTracker("csrt", "thermal").track(pairs[1], state)
    assert step.confidence == 0.0 and np.array_equal(step.box, [10, 12, 20, 22])
    assert step.state.failures == 1 and step.state.step == 1


def test_a_box_opencv_refuses_holds_the_box_at_zero_confidence_instead_of_raising():
    # CSRT raises cv2.error on a one-pixel-wide box (UAV123's far-away wakeboarder has them).
    pairs, _ = _pairs(3)
    tracker = PeerTracker("csrt", "thermal")
    state = tracker.init(pairs[0], [50.0, 50.0, 1.0, 3.0])
    assert state.cv_tracker is None
    for pair in pairs[1:]:
        step = tracker.track(pair, state)
        assert step.confidence == 0.0 and np.allclose(step.box, [50.0, 50.0, 1.0, 3.0])
        state = step.state
    assert state.failures == 2 and state.step == 2


def test_bad_modality_kind_and_box():
    with pytest.raises(ConfigError, match="modality"):
        PeerTracker("csrt", "depth")
    with pytest.raises(ConfigError, match="unknown peer"):
        PeerTracker("mosse", "thermal")
    pairs, _ = _pairs(1)
    with pytest.raises(ConfigError, match="initial box"):
        PeerTracker("kcf").init(pairs[0], [1, 2, 0, 5])


def test_nanotrack_unavailable_says_why(tmp_path):
    with pytest.raises(PeerUnavailable, match="does not exist"):
        PeerTracker("nanotrack", "thermal", tmp_path / "nowhere")
    with pytest.raises(PeerUnavailable, match="nanotrack_backbone_sim.onnx"):
        PeerTracker("nanotrack", "thermal", tmp_path)
    (tmp_path / "nanotrack").mkdir()
    for name in ("nanotrack_backbone_sim.onnx", "nanotrack_head_sim.onnx"):
        (tmp_path / "nanotrack" / name).write_bytes(b"not an onnx file")
    assert nanotrack_files(tmp_path)[0].name == "nanotrack_backbone_sim.onnx"
    with pytest.raises(PeerUnavailable, match="cannot load"):
        PeerTracker("nanotrack", "thermal", tmp_path)
