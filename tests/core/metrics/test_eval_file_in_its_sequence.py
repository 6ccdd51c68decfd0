"""``eval RESULTS.txt --gt SEQUENCE_FOLDER``: a results file whose name is also the name of a
folder or file inside the sequence folder (``infrared.txt``, ``visible.txt`` beside a LasHeR
export's ``infrared/`` and ``visible/`` frame folders) is scored against that sequence folder's
own ground truth. It was taken for a sequence ``infrared`` of a dataset root: the frames folder
``infrared/`` was read as a sequence and eval stopped with "no ground-truth file"."""
from __future__ import annotations

import json

import pytest

from core.cli import main
from core.metrics.api import file_sequence

TRUTH = [f"{10 + k},20,30,40" for k in range(6)]
RESULT = TRUTH[:3] + ["200,200,5,5"] + TRUTH[4:]


def _lasher_sequence(tmp_path):
    """A LasHeR-layout sequence folder as the studio's export writes it: frame folders beside the
    ground-truth files of both streams."""
    folder = tmp_path / "walk"
    for stream in ("visible", "infrared"):
        (folder / stream).mkdir(parents=True)
        (folder / f"{stream}.txt").write_text("\n".join(TRUTH) + "\n")
    (folder / "init.txt").write_text("\n".join(TRUTH) + "\n")
    return folder


@pytest.mark.parametrize("name", ["infrared.txt", "visible.txt", "boxes.txt"])
def test_a_results_file_named_like_a_stream_is_scored_against_the_sequence_given(tmp_path, name):
    folder = _lasher_sequence(tmp_path)
    results = tmp_path / "run" / name
    results.parent.mkdir()
    results.write_text("\n".join(RESULT) + "\n")
    assert file_sequence(results, folder) == (folder.parent, "walk")
    report = tmp_path / "report.json"
    assert main(["eval", str(results), "--gt", str(folder), "--protocol", "lasher",
                 "--json", str(report), "--force"]) == 0
    scores = json.loads(report.read_text())["reports"][0]["scores"]
    assert scores["PR"] == pytest.approx(5 / 6)


def test_a_dataset_root_still_names_the_sequence_by_the_file(tmp_path):
    """The other reading stays: --gt a dataset root holding the sequence of the file's name."""
    _lasher_sequence(tmp_path)
    results = tmp_path / "walk.txt"
    results.write_text("\n".join(RESULT) + "\n")
    assert file_sequence(results, tmp_path) == (tmp_path, "walk")


@pytest.mark.parametrize("name", ["thermal.avi", "00000001.jpg"])
def test_footage_given_as_the_ground_truth_is_named_as_such(tmp_path, capsys, name):
    """``eval boxes.txt --gt antiuav-4/thermal.avi`` (the video, not its folder) said "no ground truth
    for sequence 'thermal' (neither thermal/ nor thermal.txt)"; the line says it is footage and what
    to give instead."""
    folder = tmp_path / "antiuav-4"
    folder.mkdir()
    footage = folder / name
    footage.write_bytes(b"\0" * 64)
    (folder / "groundtruth.txt").write_text("\n".join(TRUTH) + "\n")
    results = tmp_path / "boxes.txt"
    results.write_text("\n".join(RESULT) + "\n")
    assert main(["eval", str(results), "--gt", str(footage), "--protocol", "lasher"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: {footage}: is footage, not ground truth: give the sequence's folder ({folder}) or its "
                     "ground-truth file"], lines


def test_a_sequence_folder_without_ground_truth_is_named_as_such(tmp_path, capsys):
    """``eval boxes.txt --gt rgbt-unlabeled/0113_1714`` (visible.mp4 + infrared.mp4, no boxes) said
    "holds no ground truth of its own and no sequence 'boxes' ...: give the sequence's folder or its
    ground-truth file", though the sequence's folder was given."""
    folder = tmp_path / "0113_1714"
    folder.mkdir()
    for name in ("visible.mp4", "infrared.mp4"):
        (folder / name).write_bytes(b"\0" * 64)
    results = tmp_path / "boxes.txt"
    results.write_text("\n".join(RESULT) + "\n")
    assert main(["eval", str(results), "--gt", str(folder), "--protocol", "lasher"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: {folder}: is footage without ground truth (no box file beside it): nothing to score "
                     "boxes.txt against; annotate it in the studio and export it, then give the export"], lines
