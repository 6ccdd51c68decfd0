"""``track-dataset`` continued with a default stated (``--pixel-match on``, ``--pair-shape drawn``,
``--weights assets/models/student_bundled.pt``) was refused as 'tracked with other settings', with
the record's Python values as the reason ('pixel_match None (now True)', 'pair_shape None (now
True)'), though the boxes are the same. The record now holds what the run did, in the options'
words, and a record written before (True / False / None) is read the same way."""
from __future__ import annotations

import json

import pytest

from core.cli import build_parser, main
from core.commands.track_dataset import (
    RUN_RECORDS,
    RunRecords,
    effective_settings,
    run_settings,
    tracker_recipe,
)
from core.errors import OutputError
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.synthetic.writers import write_lasher


def _settings(tmp_path, *options):
    args = build_parser().parse_args(["track-dataset", str(tmp_path / "d"), "--results", str(tmp_path / "r"),
                                      *options])
    return run_settings(tracker_recipe(args))


@pytest.mark.parametrize("stated", [
    ["--pixel-match", "on"],
    ["--pair-correlation", "on", "--pair-shape", "drawn"],
    ["--weights", "assets/models/student_bundled.pt"],
    ["--streams", "auto"],
])
def test_a_stated_default_continues_a_run_of_the_defaults(tmp_path, stated):
    results = tmp_path / "r"
    results.mkdir()
    RunRecords(results, _settings(tmp_path)).written("seq")
    RunRecords(results, _settings(tmp_path, *stated)).check_kept(["seq"])  # no OutputError


def test_a_record_written_before_reads_as_the_defaults(tmp_path):
    """The record of a run before this change: the switches None (not given), no weights."""
    results = tmp_path / "r"
    results.mkdir()
    old = {"tracker": "student", "weights": None, "random_weights": False, "streams": "auto",
           "hold_when_lost": False, "pair_correlation": None, "pair_shape": None, "pixel_match": None}
    (results / RUN_RECORDS).write_text(json.dumps({"sequences": {"seq": old}}))
    RunRecords(results, _settings(tmp_path, "--pixel-match", "on")).check_kept(["seq"])
    with pytest.raises(OutputError) as refused:
        RunRecords(results, _settings(tmp_path, "--pixel-match", "off", "--pair-shape", "free")).check_kept(["seq"])
    assert "pair_shape 'drawn' (now 'free'), pixel_match 'on' (now 'off')" in str(refused.value)
    assert "None" not in str(refused.value) and "True" not in str(refused.value)


def test_another_tracker_is_named_alone_and_opencv_records_are_kept_as_they_are(tmp_path):
    results = tmp_path / "r"
    results.mkdir()
    RunRecords(results, _settings(tmp_path)).written("seq")
    with pytest.raises(OutputError) as refused:
        RunRecords(results, _settings(tmp_path, "--tracker", "csrt")).check_kept(["seq"])
    assert "(seq: tracker 'student' (now 'csrt'));" in str(refused.value)
    csrt = _settings(tmp_path, "--tracker", "csrt")
    assert effective_settings(csrt) == csrt and csrt["pixel_match"] is None


def test_the_command_continues_with_a_stated_default(tmp_path, capsys):
    root = tmp_path / "dataset"
    run_to_end(write_lasher(SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=3), 1), root / "seq"))
    base = ["track-dataset", str(root), "--results", str(tmp_path / "res"), "--threads", "1"]
    assert main(base) == 0
    first = (tmp_path / "res" / "seq.txt").read_bytes()
    capsys.readouterr()
    assert main(base + ["--pixel-match", "on", "--pair-shape", "drawn"]) == 0
    assert "kept 1 that existed" in capsys.readouterr().err
    assert (tmp_path / "res" / "seq.txt").read_bytes() == first
    assert main(base + ["--pixel-match", "off"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pixel_match 'on' (now 'off')" in err
