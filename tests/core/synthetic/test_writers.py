"""Writers round-trip; the synth command runs."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from core.cli import main
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.synthetic.writers import write_lasher, write_video_pair

CONFIG = SyntheticConfig(width=96, height=80, num_frames=8, challenges=("misalignment", "occlusion"))


def _read_boxes(path):
    return np.array([[float(v) for v in line.split(",")] for line in path.read_text().splitlines()])


def test_lasher_round_trip(tmp_path):
    seq = SyntheticSequence(CONFIG, 2)
    out = run_to_end(write_lasher(seq, tmp_path / "seq"))
    assert sorted(p.name for p in (out / "visible").iterdir())[0] == "v000001.jpg"
    assert len(list((out / "infrared").iterdir())) == 8
    visible = _read_boxes(out / "visible.txt")
    thermal = _read_boxes(out / "infrared.txt")
    expected = np.where(seq.absent[:, None], 0.0, seq.boxes)
    np.testing.assert_allclose(visible, expected, atol=0.006)
    np.testing.assert_allclose(thermal, np.where(seq.absent[:, None], 0.0, seq.thermal_boxes), atol=0.006)
    image = cv2.cvtColor(cv2.imread(str(out / "visible" / "v000004.jpg")), cv2.COLOR_BGR2RGB)
    assert np.abs(image.astype(int) - seq[3].visible.astype(int)).mean() < 6
    thermal_image = cv2.imread(str(out / "infrared" / "i000004.jpg"), cv2.IMREAD_GRAYSCALE)
    assert np.abs(thermal_image.astype(int) - seq[3].thermal.astype(int)).mean() < 4


def test_lasher_opens_with_core_sequences(tmp_path):
    sequences = pytest.importorskip("core.sequences")
    seq = SyntheticSequence(CONFIG, 2)
    out = run_to_end(write_lasher(seq, tmp_path / "seq"))
    opened = sequences.open_sequence(out)
    assert len(opened) == 8
    assert np.abs(opened[5].visible.astype(int) - seq[5].visible.astype(int)).mean() < 6


@pytest.mark.parametrize("suffix", [".mp4", ".avi"])
def test_video_pair_round_trip(tmp_path, suffix):
    seq = SyntheticSequence(CONFIG, 4)
    visible, thermal = run_to_end(write_video_pair(seq, tmp_path / f"v{suffix}", tmp_path / f"t{suffix}",
                                                   ground_truth_path=tmp_path / "gt.txt"))
    for path, reference in ((visible, lambda p: p.visible), (thermal, lambda p: p.thermal)):
        capture = cv2.VideoCapture(str(path))
        frames = []
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(frame)
        capture.release()
        assert len(frames) == 8
        got = frames[6][..., ::-1] if reference is not None and frames[6].ndim == 3 else frames[6]
        want = reference(seq[6])
        got = got if want.ndim == 3 else got[..., 0]
        assert np.abs(got.astype(int) - want.astype(int)).mean() < 10
    assert len(_read_boxes(tmp_path / "gt.txt")) == 8


def test_synth_command(tmp_path, capsys):
    code = main(["synth", str(tmp_path), "--frames", "5", "--size", "64x48", "--count", "2", "--seed", "3",
                 "--challenges", "night,occlusion"])
    assert code == 0
    for seed in (3, 4):
        folder = tmp_path / f"synthetic-{seed}"
        assert len(list((folder / "visible").iterdir())) == 5
        assert len((folder / "visible.txt").read_text().splitlines()) == 5
    code = main(["synth", str(tmp_path), "--frames", "4", "--size", "64x48", "--layout", "video", "--name", "demo"])
    assert code == 0
    assert (tmp_path / "demo" / "visible.mp4").stat().st_size > 0
    assert (tmp_path / "demo" / "groundtruth.txt").exists()
    assert main(["synth", str(tmp_path), "--count", "0"]) == 2


def test_synth_config_size_frames_and_fps_hold_unless_an_option_is_given(tmp_path):
    """--frames, --size and --fps had defaults that always replaced the --config's values: a
    config of 4 frames at 64x48 wrote 150 frames at 320x256 without a word."""
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"num_frames": 4, "width": 64, "height": 48, "fps": 12.0}), encoding="utf-8")
    assert main(["synth", str(tmp_path / "out"), "--config", str(config), "--name", "a"]) == 0
    frames = sorted((tmp_path / "out" / "a" / "visible").iterdir())
    assert len(frames) == 4 and cv2.imread(str(frames[0])).shape[:2] == (48, 64)
    assert json.loads((tmp_path / "out" / "a" / "synthetic.json").read_text())["config"]["fps"] == 12.0
    assert main(["synth", str(tmp_path / "out"), "--config", str(config), "--name", "b", "--frames", "3",
                 "--size", "40x32"]) == 0
    frames = sorted((tmp_path / "out" / "b" / "visible").iterdir())
    assert len(frames) == 3 and cv2.imread(str(frames[0])).shape[:2] == (32, 40)


@pytest.mark.parametrize("first, second", [("lasher", "video"), ("video", "lasher"), ("video", "video")])
def test_synth_force_replaces_the_earlier_sequence_whole(tmp_path, first, second):
    """--force over an earlier synthetic sequence leaves nothing of it: a LasHeR folder's frames
    left beside the new videos would be what the folder opens as (the old sequence)."""
    from core.sequences.open_folder import open_sequence

    args = ["synth", str(tmp_path), "--size", "64x48", "--name", "s"]
    assert main(args + ["--frames", "5", "--layout", first]) == 0
    assert main(args + ["--frames", "3", "--layout", second, "--force"]) == 0
    folder = tmp_path / "s"
    written = {"lasher": {"visible", "infrared", "visible.txt", "infrared.txt", "init.txt", "synthetic.json"},
               "video": {"visible.mp4", "thermal.mp4", "groundtruth.txt", "groundtruth_thermal.txt",
                         "synthetic.json"}}[second]
    assert {p.name for p in folder.iterdir()} == written
    sequence = open_sequence(folder)
    try:
        assert len(sequence) == 3
    finally:
        sequence.close()
