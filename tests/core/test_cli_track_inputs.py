"""track and track-dataset: a one-frame sequence, a sequence named twice, options of the other kind
of tracker, and a sequence folder given as one stream of a pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


def _one_frame_sequence(folder: Path) -> Path:
    """A LasHeR-layout sequence of one frame (96x80) with its ground-truth box."""
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    config = SyntheticConfig(width=96, height=80, num_frames=1)
    run_to_end(write_lasher(SyntheticSequence(config, 3, name=folder.name, cache_frames=0), folder))
    return folder



def test_track_on_one_frame_says_it_tracked_nothing(tmp_path, capsys):
    """A sequence of one frame (or --start-frame on the last frame) ended with 'wrote 1 boxes
    (frames 1..1) to OUT (nan frames/s incl. decoding)' after '1 frames'."""
    seq = _one_frame_sequence(tmp_path / "data" / "one")
    out = tmp_path / "boxes.txt"
    assert main(["track", str(seq), "--tracker", "kcf", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "one: 1 frame, " in err and "1 frames" not in err, err
    assert err.strip().splitlines()[-1] == f"wrote 1 box (frame 1: the start box; no frame after it to track) to {out}"
    assert "nan" not in err and len(out.read_text().splitlines()) == 1



def test_track_dataset_on_a_one_frame_sequence_says_it_tracked_nothing(tmp_path, capsys):
    """track-dataset said '1 sequences', 's: 1 boxes (0.0 frames/s incl. decoding)', 'wrote 1 results'."""
    seq = _one_frame_sequence(tmp_path / "data" / "one")
    results = tmp_path / "results"
    assert main(["track-dataset", str(seq.parent), "--results", str(results), "--tracker", "kcf"]) == 0
    err = capsys.readouterr().err
    assert "1 sequence, kcf tracker" in err and "[1/1] one: 1 box (its one frame holds the ground-truth box" in err
    assert "0.0 frames/s" not in err and f"wrote 1 result to {results}" in err, err
    assert len((results / "one.txt").read_text().splitlines()) == 1



def test_track_dataset_tracks_a_sequence_named_twice_once(tmp_path, capsys):
    """``--sequences a,a`` tracked 'a' twice ('2 sequences', '[1/2] a', '[2/2] a', 'wrote 2 results'),
    with --jobs in two worker processes writing one results file."""
    seq = _one_frame_sequence(tmp_path / "data" / "one")
    results = tmp_path / "results"
    assert main(["track-dataset", str(seq.parent), "--results", str(results), "--tracker", "kcf",
                 "--sequences", "one,one"]) == 0
    err = capsys.readouterr().err
    assert "1 sequence, kcf tracker" in err and "[2/" not in err and f"wrote 1 result to {results}" in err, err



def test_track_modality_with_the_student_is_refused(tmp_path, capsys):
    """``track --modality thermal`` with the student (the default tracker) was ignored: the network
    was fed both streams, not the thermal one asked for."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    out = tmp_path / "b.txt"
    code = main(["track", str(seq), "--modality", "thermal", "--out", str(out)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "--modality applies to the OpenCV trackers" in line and "--streams thermal" in line, line
    assert not out.exists()



@pytest.mark.parametrize("command", ["track", "track-dataset"])
@pytest.mark.parametrize("option", [["--engine", "onnx"], ["--device", "cuda"], ["--random-weights"]])
def test_engine_options_with_an_opencv_tracker_are_refused(command, option, tmp_path, capsys):
    """``--tracker kcf --device cuda`` (or --engine onnx, --random-weights) was ignored: KCF ran on the
    CPU with OpenCV whatever was asked."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "data" / "seq", frames=3)
    out = tmp_path / "out"
    argv = (["track", str(seq), "--out", str(out)] if command == "track"
            else ["track-dataset", str(seq.parent), "--results", str(out)])
    code = main(argv + ["--tracker", "kcf", *option])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and option[0] in line and "apply to the student and teacher, not to" in line, line
    assert not out.exists()



def test_a_sequence_folder_given_as_one_stream_of_a_pair_says_so(tmp_path, capsys):
    """``track SEQ_A SEQ_B`` (two sequence folders, or a sequence folder and a frame folder) said
    'SEQ_A: folder holds no images', though SEQ_A holds a whole sequence."""
    from tests.core.safety.conftest import make_sequence

    a = make_sequence(tmp_path / "a", frames=3)
    b = make_sequence(tmp_path / "b", frames=3)
    code = main(["track", str(a), str(b / "infrared"), "--tracker", "kcf", "--init", "10,10,8,8", "--out",
                 str(tmp_path / "o.txt")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {a}: is a whole sequence folder (lasher layout)"), line


@pytest.mark.parametrize("tracker", ["kcf", "student"])
def test_an_init_box_smaller_than_a_pixel_is_refused(tracker, tmp_path, capsys):
    """``--init 0.45,0.3,0.1,0.2`` (fractions of the frame, as some detectors write boxes) ran: the tracker
    made it a 2x2 box in the top-left corner and wrote 8 boxes of nothing, with status 0."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=8)
    out = tmp_path / "o.txt"
    code = main(["track", str(seq), "--tracker", tracker, "--init", "0.45,0.3,0.1,0.2", "--out", str(out),
                 "--threads", "1"] if tracker == "student" else
                ["track", str(seq), "--tracker", tracker, "--init", "0.45,0.3,0.1,0.2", "--out", str(out)])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == ("error: --init 0.45,0.3,0.1,0.2 is smaller than one pixel: boxes are in pixels of "
                                  "the 96x80 frame (top-left x, y, width, height), not fractions of it"), line
    assert not out.exists()


def test_a_pair_folder_missing_its_thermal_half_says_which(tmp_path, capsys):
    """A LasHeR folder whose infrared/ is missing said 'unknown sequence layout; expected v/ + i/ (GTOT);
    visible/ + infrared/ ...' (every layout, in one long line), not what is missing."""
    import shutil

    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=3)
    shutil.rmtree(seq / "infrared")
    code = main(["track", str(seq), "--tracker", "kcf", "--out", str(tmp_path / "o.txt")])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line == (f"error: {seq}: has visible/ but no infrared/ or thermal/ beside it: a visible + "
                                  f"thermal pair needs both (add it, or open {seq / 'visible'} alone as one stream)"), line


def test_two_sequence_folders_as_a_pair_name_the_ground_truth_they_do_not_read(tmp_path, capsys):
    """``track seqA seqB`` (two sequence folders with their frames and a groundtruth.txt) without --init said
    'seqA has no ground truth to start from', though seqA/groundtruth.txt is there: a pair of two streams reads
    none. The line names the file and how it would be read."""
    import cv2
    import numpy as np

    from core.cli import main

    folders = []
    for name in ("seq_a", "seq_b"):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(3):
            frame = np.full((40, 48, 3), 30, np.uint8)
            frame[10:20, 10 + i:20 + i] = (0, 120, 250)
            cv2.imwrite(str(folder / f"{i + 1:08d}.png"), frame)
        (folder / "groundtruth.txt").write_text("10,10,10,10\n" * 3)
        folders.append(folder)
    out = tmp_path / "boxes.txt"
    assert main(["track", str(folders[0]), str(folders[1]), "--tracker", "kcf", "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: VISIBLE and THERMAL given as two streams have no ground truth to start from "
                     f"({folders[0] / 'groundtruth.txt'} belongs to its folder, read when that folder is given alone "
                     "as VISIBLE); give the box with --init x,y,w,h"], lines
    assert not out.exists()
