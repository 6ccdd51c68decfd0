"""ground_truth(): the dataset GT aligned with the opened sequence's frames."""
from __future__ import annotations

import numpy as np
import pytest

from core.sequences import open_pair, open_sequence


def _rgbt234(root, kit, n=6, th_size=(32, 24)):
    kit.write_folder(root / "visible", [kit.visible_frame(i) for i in range(n)], "{:05d}v.png")
    kit.write_folder(root / "infrared", [kit.thermal_frame(i, th_size) for i in range(n)], "{:05d}i.png")
    (root / "visible.txt").write_text("".join(f"{i + 1},2,10,8\r\n" for i in range(n)) + "\r\n")
    (root / "infrared.txt").write_text("".join(f"{i + 1},4,6,4\r\n" for i in range(n)))
    (root / "init.txt").write_text("1,2,10,8\r\n")
    return root


def test_ground_truth_per_modality(tmp_path, kit):
    seq = open_sequence(_rgbt234(tmp_path / "car", kit))
    gt = seq.ground_truth()
    assert sorted(gt) == list(range(6))
    assert gt[3].box.tolist() == [4, 2, 10, 8] and gt[3].thermal_box.tolist() == [4, 4, 6, 4]
    assert gt[3].frame == 3


def test_ground_truth_follows_offset_and_length(tmp_path, kit):
    seq = open_sequence(_rgbt234(tmp_path / "car", kit), frame_offset=2)
    gt = seq.ground_truth()
    assert sorted(gt) == list(range(4))
    assert gt[0].box.tolist() == [1, 2, 10, 8] and gt[0].thermal_box.tolist() == [3, 4, 6, 4]
    seq.frame_offset = -1
    gt = seq.ground_truth()
    assert sorted(gt) == list(range(5))
    assert gt[0].frame == 0 and gt[0].box.tolist() == [2, 2, 10, 8] and gt[0].thermal_box.tolist() == [1, 4, 6, 4]


def test_thermal_boxes_scaled_onto_visible_grid(tmp_path, kit):
    seq = open_sequence(_rgbt234(tmp_path / "car", kit, th_size=(16, 12)))
    gt = seq.ground_truth()
    assert gt[0].thermal_box.tolist() == [2, 8, 12, 8] and gt[0].box.tolist() == [1, 2, 10, 8]


def test_no_ground_truth(tmp_path, kit):
    root = tmp_path / "plain"
    kit.write_folder(root / "visual", [kit.visible_frame(i) for i in range(2)])
    kit.write_folder(root / "thermal", [kit.thermal_frame(i) for i in range(2)])
    assert open_sequence(root).ground_truth() is None
    assert open_pair(root / "visual", root / "thermal").ground_truth() is None


@pytest.mark.real_data
def test_real_vot_tir_ground_truth(shared_data):
    gt = open_sequence(shared_data / "vot-tir2016" / "horse").ground_truth()
    assert len(gt) == 348
    first = np.array([float(v) for v in (shared_data / "vot-tir2016" / "horse" / "groundtruth.txt")
                      .read_text().splitlines()[0].split(",")]).reshape(4, 2)
    x0, y0 = first.min(axis=0)
    assert gt[0].box[:2] == pytest.approx([x0, y0], abs=1.0)


@pytest.mark.real_data
def test_real_tno_has_no_ground_truth(shared_data):
    assert open_sequence(shared_data / "tno" / "tree").ground_truth() is None


def test_offset_takes_the_thermal_row_of_the_thermal_frame_even_where_it_equals_the_visible_row(tmp_path, kit):
    """With a frame offset, frame i's thermal box is the thermal GT row of thermal frame v + offset.
    Where that row equals its visible row (LasHeR: every row) the thermal box fell back to
    frame i's own visible row (v), a row of another frame: the thermal box jumped between the
    two streams' timings, frame by frame."""
    root = _rgbt234(tmp_path / "car", kit, th_size=(32, 24))  # the visible frames' size: no resampling
    rows = [f"{i + 1},2,10,8" for i in range(6)]
    infrared = [f"{i + 1},4,6,4" for i in range(6)]
    infrared[2] = rows[2]  # thermal frame 3's row equals its visible row
    (root / "visible.txt").write_text("\r\n".join(rows) + "\r\n")
    (root / "infrared.txt").write_text("\r\n".join(infrared) + "\r\n")
    seq = open_sequence(root, frame_offset=1)
    gt = seq.ground_truth()
    assert gt[0].effective_thermal_box.tolist() == [2, 4, 6, 4]  # thermal frame 2: its own row
    assert gt[1].box.tolist() == [2, 2, 10, 8]
    assert gt[1].effective_thermal_box.tolist() == [3, 2, 10, 8]  # thermal frame 3's row, not visible frame 2's
    lasher = tmp_path / "lasher"
    kit.write_folder(lasher / "visible", [kit.visible_frame(i) for i in range(6)], "v{:06d}.png")
    kit.write_folder(lasher / "infrared", [kit.thermal_frame(i) for i in range(6)], "i{:06d}.png")
    (lasher / "visible.txt").write_text("\r\n".join(rows) + "\r\n")
    (lasher / "infrared.txt").write_text("\r\n".join(rows) + "\r\n")
    gt = open_sequence(lasher, frame_offset=2).ground_truth()
    assert [gt[i].effective_thermal_box.tolist()[0] for i in range(4)] == [3, 4, 5, 6]
    assert [gt[i].box.tolist()[0] for i in range(4)] == [1, 2, 3, 4]


def test_a_video_pair_folder_reads_its_thermal_ground_truth(tmp_path):
    """``synth --layout video`` writes the thermal boxes to groundtruth_thermal.txt beside
    groundtruth.txt; opening the folder read groundtruth.txt alone, so track, convert and the
    studio saw the visible boxes on both streams (a misaligned pair's thermal boxes were lost)."""
    from core.cli import main

    out = tmp_path / "synth"
    assert main(["synth", str(out), "--frames", "4", "--size", "96x80", "--layout", "video", "--challenges",
                 "misalignment"]) == 0
    folder = out / "synthetic-0"
    thermal_rows = [[float(v) for v in line.split(",")]
                    for line in (folder / "groundtruth_thermal.txt").read_text().splitlines()]
    visible_rows = [[float(v) for v in line.split(",")] for line in (folder / "groundtruth.txt").read_text().splitlines()]
    assert thermal_rows != visible_rows  # the challenge shifts the thermal stream
    sequence = open_sequence(folder)
    try:
        gt = sequence.ground_truth()
    finally:
        sequence.close()
    assert [gt[i].box.tolist() for i in range(4)] == visible_rows
    assert [gt[i].effective_thermal_box.tolist() for i in range(4)] == thermal_rows
