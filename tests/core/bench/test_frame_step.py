"""``bench accuracy --real --frame-step K`` / ``bench safeguards --frame-step K``: the same footage
at 1/K of its frame rate (``core.bench.frame_step``), frames and boxes renumbered alike."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.frame_step import FrameStep, SteppedSequence
from core.bench.real_items import real_items
from core.errors import ConfigError
from core.real_split import load_split
from tests.core.bench.real_tree import fake_tree


def test_a_stepped_sequence_shows_every_kth_frame_renumbered_with_its_box(tmp_path):
    split_file = fake_tree(tmp_path, frames=11)
    (plain_item, _), _ = real_items(load_split(split_file), "validation", tmp_path)
    plain = plain_item.open()
    stepped = SteppedSequence(plain_item.open(), FrameStep(3))
    assert len(stepped) == 4 and stepped.info.num_frames == 4  # frames 0, 3, 6, 9 of 11
    assert stepped.info.fps == pytest.approx(plain.info.fps / 3)
    for index in range(4):
        pair = stepped[index]
        assert pair.index == index
        np.testing.assert_array_equal(pair.visible, plain[3 * index].visible)
    truth, plain_truth = stepped.ground_truth(), plain.ground_truth()
    assert sorted(truth) == [0, 1, 2, 3]
    for index, record in truth.items():
        assert record.frame == index
        np.testing.assert_array_equal(record.box, plain_truth[3 * index].box)
    with pytest.raises(IndexError):
        stepped[4]
    stepped.close(), plain.close()
    for step in (1, 0, 11, 2.5, True):
        with pytest.raises(ConfigError, match="--frame-step must be a whole number from 2 to 10"):
            FrameStep(step)


def test_stepped_runs_cover_the_same_footage_and_are_cached_apart(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=12)
    items, notes = real_items(load_split(split_file), "validation", tmp_path, max_frames=8, starts=2,
                              frame_step=FrameStep(2))
    plain_items, _ = real_items(load_split(split_file), "validation", tmp_path, max_frames=8, starts=2)
    assert any("1 frame in 2" in n and "4 of them seen" in n for n in notes)
    # the same stretches of footage: 8 frames from frames 0 and 6 at full rate, 4 from 0 and 3 stepped
    assert [(i.first_frame, i.num_frames) for i in plain_items] == [(0, 8), (6, 6)] * 2
    assert [(i.first_frame, i.num_frames) for i in items] == [(0, 4), (3, 3)] * 2
    assert all(i.cache_dataset.endswith("|1 frame in 2") for i in items)
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--max-frames", "8", "--cache", str(tmp_path / "c")]
    _, plain_bench, _, _ = run_real_accuracy(build_parser().parse_args(base))
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--frame-step", "2"]))
    assert not any(run.cached for run in bench.runs.values())  # the full-rate runs are not reused
    assert payload["frame_step"] == 2 and "1 frame in 2" in text
    for name, rows in bench.ground_truth.items():  # scored against every other row of the truth
        np.testing.assert_array_equal(rows, plain_bench.ground_truth[name][::2])
    _, again, _, _ = run_real_accuracy(build_parser().parse_args(base + ["--frame-step", "2"]))
    assert all(run.cached for run in again.runs.values())
