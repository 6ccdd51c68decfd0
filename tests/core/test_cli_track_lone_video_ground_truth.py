"""``track FOLDER/VIDEO`` without ``--init`` where FOLDER holds a ground-truth file: it said 'thermal has
no ground truth to start from; give the box with --init x,y,w,h', naming neither the file that is there
nor that giving the folder reads it. The line names both. A video named only by its modality that is
its folder's one stream (an Anti-UAV clip: ``thermal.avi`` beside ``groundtruth.txt``) is the folder's
sequence and starts from that ground truth, as the folder does
(``core.sequences.open_folder.folder_sequence_of``)."""
from __future__ import annotations

import cv2
import numpy as np

from core.cli import main
from tests.core.cli_lines import one_error_line


def _clip_folder(tmp_path, name="thermal.avi"):
    """``clip-4/<name>`` (5 grey 64x48 frames, a bright blob moving right) and its
    ``groundtruth.txt`` (x,y,w,h per frame)."""
    folder = tmp_path / "clip-4"
    folder.mkdir()
    video = folder / name
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    for i in range(5):
        frame = np.full((48, 64, 3), 20, np.uint8)
        frame[18:28, 10 + 2 * i:22 + 2 * i] = 230
        writer.write(frame)
    writer.release()
    (folder / "groundtruth.txt").write_text("".join(f"{10 + 2 * i},18,12,10\n" for i in range(5)))
    return folder, video


def test_a_video_whose_folder_holds_a_ground_truth_names_the_file_and_the_folder(tmp_path, capsys):
    folder, video = _clip_folder(tmp_path, "flight_0042.avi")  # named by itself: the ground truth may be another's
    out = tmp_path / "boxes.txt"
    assert main(["track", str(video), "--tracker", "kcf", "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (f"error: {video} has no ground truth of its own ({folder / 'groundtruth.txt'} belongs to its "
                    f"folder, read when the folder {folder} is given as VISIBLE); give the folder, or the box with "
                    "--init x,y,w,h"), line
    assert not out.exists()


def test_the_folder_itself_starts_from_that_ground_truth(tmp_path, capsys):
    folder, _video = _clip_folder(tmp_path)
    out = tmp_path / "boxes.txt"
    assert main(["track", str(folder), "--tracker", "kcf", "--out", str(out)]) == 0
    assert out.read_text().splitlines()[0] == "10,18,12,10"


def test_a_thermal_video_alone_in_its_folder_starts_from_the_folders_ground_truth(tmp_path, capsys):
    _folder, video = _clip_folder(tmp_path)
    out = tmp_path / "boxes.txt"
    assert main(["track", str(video), "--tracker", "kcf", "--out", str(out)]) == 0
    assert out.read_text().splitlines()[0] == "10,18,12,10"
