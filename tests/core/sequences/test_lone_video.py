"""A lone video: ``track clip.mp4`` / ``python main.py clip.mp4``, or a folder whose only stream is
one video of a name that says nothing. Most footage in the world is one visible video."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences import detect_layout, open_sequence

GT = "1,1,4,4\n2,1,4,4\nNaN,NaN,NaN,NaN\n"


def test_a_colour_video_given_on_its_own_is_a_visible_only_sequence(tmp_path, kit):
    """It was 'is a file, not a sequence folder': a lone video could not be tracked or opened."""
    video = kit.write_video(tmp_path / "clip.avi", [kit.visible_frame(i) for i in range(3)])
    (tmp_path / "groundtruth.txt").write_text(GT)  # beside it, of some other video: not its ground truth
    assert detect_layout(video) == "visible-video"
    seq = open_sequence(video)
    assert seq.info.visible_only and seq.info.name == "clip" and len(seq) == 3
    assert int(seq[1].visible[0, 0, 2]) == 10 and seq.ground_truth() is None


def test_a_grey_video_given_on_its_own_is_a_thermal_only_sequence(tmp_path, kit):
    video = kit.write_video(tmp_path / "flight_0042.avi", [kit.thermal_frame(i) for i in range(4)])
    seq = open_sequence(video)
    assert detect_layout(video) == "thermal-video" and seq.info.thermal_only and len(seq) == 4
    assert int(seq[2].thermal[1, 1]) == 11


def test_the_only_video_of_a_folder_is_its_sequence_with_the_folders_ground_truth(tmp_path, kit):
    folder = tmp_path / "walk"
    folder.mkdir()
    kit.write_video(folder / "GOPR0042.avi", [kit.visible_frame(i) for i in range(3)])
    (folder / "groundtruth.txt").write_text(GT)
    assert detect_layout(folder) == "visible-video"
    seq = open_sequence(folder)
    assert seq.info.name == "walk" and seq.info.visible_only
    gt = seq.ground_truth()
    assert len(gt) == 3 and gt[2].absent and np.allclose(gt[1].box, [2, 1, 4, 4])


def test_a_declared_modality_wins_over_the_colour(tmp_path, kit):
    """A thermal camera's recording in false colour (or a grey visible one) is said by SOURCE.txt."""
    folder = tmp_path / "drone"
    folder.mkdir()
    kit.write_video(folder / "rec.avi", [kit.visible_frame(i) for i in range(3)])
    (folder / "SOURCE.txt").write_text("modality: thermal\n")
    assert detect_layout(folder) == "thermal-video"
    assert detect_layout(folder / "rec.avi") == "thermal-video"


def test_frames_in_a_folder_come_before_a_video_beside_them(tmp_path, kit):
    """A frame folder with a preview video in it stays the frame folder it always was."""
    folder = kit.write_folder(tmp_path / "seq", [kit.visible_frame(i) for i in range(5)])
    kit.write_video(folder / "preview.avi", [kit.visible_frame(i) for i in range(2)])
    assert detect_layout(folder) == "visible-only" and len(open_sequence(folder)) == 5


def test_two_unnamed_videos_or_a_file_that_is_no_video_are_still_refused(tmp_path, kit):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("a.avi", "b.avi"):
        kit.write_video(folder / name, [kit.visible_frame(i) for i in range(2)])
    with pytest.raises(SequenceError, match="unknown sequence layout"):
        detect_layout(folder)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    with pytest.raises(SequenceError, match="is a file, not a sequence folder or a video"):
        open_sequence(notes)


def test_track_takes_a_lone_video(tmp_path, kit, capsys):
    from core.cli import main

    video = kit.write_video(tmp_path / "clip.avi", [kit.visible_frame(i) for i in range(4)])
    out = tmp_path / "boxes.txt"
    assert main(["track", str(video), "--init", "2,2,8,8", "--tracker", "kcf", "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 4


def test_a_video_beside_two_partner_frame_folders_names_them(tmp_path, kit):
    """visible.mp4 beside thermal/ and ir/ (an original and a converted copy) opened visible-only,
    both thermal folders left out without a word."""
    folder = tmp_path / "pair"
    folder.mkdir()
    kit.write_video(folder / "visible.avi", [kit.visible_frame(i) for i in range(3)])
    for name in ("thermal", "ir"):
        kit.write_folder(folder / name, [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError, match=r"holds 2 thermal frame folders beside visible.avi \(ir/, thermal/\)"):
        open_sequence(folder)


def test_a_video_named_by_its_modality_alone_in_its_folder_takes_the_folders_ground_truth(tmp_path, kit):
    """``antiuav-4/thermal.avi`` opened alone (the studio's File > Open one video..., a drop) is the
    folder's whole sequence, named after it: File > Import the sequence's ground truth said 'this sequence
    ships no ground truth to import' beside its groundtruth.txt. One video of a pair keeps none: the
    folder's ground truth is the pair's."""
    folder = tmp_path / "antiuav-like"
    folder.mkdir()
    video = kit.write_video(folder / "thermal.avi", [kit.thermal_frame(i) for i in range(3)])
    (folder / "groundtruth.txt").write_text(GT)
    seq = open_sequence(video)
    assert seq.info.name == "antiuav-like" and seq.info.thermal_only
    gt = seq.ground_truth()
    assert gt is not None and len(gt) == 3 and gt[2].absent and np.allclose(gt[1].box, [2, 1, 4, 4])

    pair = tmp_path / "pier"
    pair.mkdir()
    kit.write_video(pair / "visible.avi", [kit.visible_frame(i) for i in range(3)])
    infrared = kit.write_video(pair / "infrared.avi", [kit.thermal_frame(i) for i in range(3)])
    (pair / "groundtruth.txt").write_text(GT)
    assert open_sequence(infrared).ground_truth() is None
