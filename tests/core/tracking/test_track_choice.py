"""``track --tracker`` (student, teacher, OpenCV), ``--start-frame``, and the notes the
sequence made on opening (a mismatched pair) printed before the run; ``core.trackers``."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.cli import main
from core.errors import ConfigError
from core.sequences.base import SequenceInfo
from core.trackers import TrackerChoice, build_tracker, peer_modality, tracker_label, tracker_names


def _write_pair(moving_square, folder, visible_frames=12, thermal_frames=None):
    seq = moving_square(num_frames=max(visible_frames, thermal_frames or 0))
    (folder / "visual").mkdir(parents=True)
    (folder / "thermal").mkdir()
    for i in range(visible_frames):
        cv2.imwrite(str(folder / "visual" / f"{i:04d}v.png"), cv2.cvtColor(seq[i].visible, cv2.COLOR_RGB2BGR))
    for i in range(thermal_frames or visible_frames):
        cv2.imwrite(str(folder / "thermal" / f"{i:04d}i.png"), seq[i].thermal)
    return seq


def _boxes(path):
    return np.array([[float(v) for v in line.split(",")] for line in path.read_text().splitlines()])


def test_tracker_names_and_labels():
    names = tracker_names()
    assert names[:2] == ("student", "teacher") and {"csrt", "kcf"} <= set(names)
    assert "nanotrack" not in names  # needs model files the project does not ship
    assert tracker_label("csrt") == "OpenCV CSRT" and tracker_label("student") == "Student"
    with pytest.raises(ConfigError, match="unknown tracker"):
        TrackerChoice("siamese")


def test_peer_modality_follows_the_sequence():
    pair = SequenceInfo("a", "video-pair", 3, 8, 8)
    thermal_only = SequenceInfo("b", "vot-tir", 3, 8, 8, thermal_only=True)
    colour_only = SequenceInfo("c", "otb", 3, 8, 8, visible_only=True)
    assert peer_modality("auto", pair) == "thermal"  # on real pairs CSRT does better on the thermal frame
    assert peer_modality("auto", thermal_only) == "thermal"
    assert peer_modality("auto", colour_only) == "visible"
    assert peer_modality("auto", None) == "visible"
    assert peer_modality("visible", thermal_only) == "visible" and peer_modality("visible", pair) == "visible"
    with pytest.raises(ConfigError):
        peer_modality("depth", pair)


@pytest.mark.parametrize("name", ["csrt", "kcf"])
def test_opencv_trackers_follow_the_square(moving_square, name):
    seq = moving_square(num_frames=10)
    tracker = build_tracker(TrackerChoice(name), seq.info)
    state = tracker.init(seq[0], seq.boxes[0])
    for i in range(1, len(seq)):
        step = tracker.track(seq[i], state)
        state = step.state
    assert np.abs(step.box[:2] - seq.boxes[-1][:2]).max() < 4.0


@pytest.mark.parametrize("name", ["csrt", "kcf"])
def test_track_cli_with_an_opencv_tracker_and_a_start_frame(tmp_path, moving_square, capsys, name):
    seq = _write_pair(moving_square, tmp_path / "pair")
    out = tmp_path / "boxes.txt"
    init = ",".join(str(v) for v in seq.boxes[4])
    code = main(["track", str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init", init,
                 "--out", str(out), "--tracker", name, "--start-frame", "5"])
    assert code == 0
    boxes = _boxes(out)
    assert boxes.shape == (len(seq), 4)  # line k = frame k: frames 1..4 not tracked (0,0,0,0), 5..12 tracked
    assert (boxes[:4] == 0).all()
    boxes = boxes[4:]
    np.testing.assert_allclose(boxes[0], seq.boxes[4])
    assert np.abs(boxes[-1, :2] - seq.boxes[-1, :2]).max() < 4.0
    err = capsys.readouterr().err
    assert tracker_label(name) in err and "frames 5..12" in err


def test_track_cli_start_frame_out_of_range_and_bad_tracker(tmp_path, moving_square, capsys):
    _write_pair(moving_square, tmp_path / "pair", visible_frames=4)
    args = ["track", str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init", "40,40,16,16",
            "--out", str(tmp_path / "boxes.txt")]
    assert main(args + ["--tracker", "kcf", "--start-frame", "9"]) == 2
    assert "--start-frame 9 is outside" in capsys.readouterr().err
    assert main(args + ["--tracker", "siamese"]) == 2
    assert "unknown tracker 'siamese'" in capsys.readouterr().err
    assert main(args + ["--tracker", "csrt", "--model", "teacher"]) == 2
    assert not (tmp_path / "boxes.txt").exists()


def test_track_cli_says_when_the_streams_differ_in_length(tmp_path, moving_square, capsys):
    """A 23-frame visible and 19-frame thermal folder: cut to 19, and the run says so."""
    _write_pair(moving_square, tmp_path / "pair", visible_frames=23, thermal_frames=19)
    out = tmp_path / "boxes.txt"
    code = main(["track", str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init",
                 "40,40,16,16", "--out", str(out), "--tracker", "kcf"])
    assert code == 0
    assert len(_boxes(out)) == 19
    err = capsys.readouterr().err
    assert "note: frame counts differ: visible 23, thermal 19" in err


def test_a_choice_carries_the_pair_correlation_switch_into_the_config():
    """``TrackerChoice.pair_correlation`` (the studio's tracking process builds from it): its
    default is the ``TrackerConfig`` default, and each way reaches the built tracker's config."""
    from core.tracking.tracker_config import PAIR_CORRELATION_WEIGHT, TrackerConfig

    assert TrackerChoice().pair_correlation == (TrackerConfig().pair_correlation > 0)
    plain = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch"))
    assert plain.config == TrackerConfig()
    for on in (not TrackerChoice().pair_correlation, TrackerChoice().pair_correlation):
        tracker = build_tracker(TrackerChoice("teacher", allow_random=True, threads=1, engine="torch",
                                              pair_correlation=on))
        assert tracker.config.pair_correlation == (PAIR_CORRELATION_WEIGHT if on else 0.0)
        assert tracker.config == TrackerConfig(pair_correlation=tracker.config.pair_correlation)
