"""``bench accuracy --real --resize`` / ``bench safeguards --resize``: the same footage at
another resolution (``core.bench.resize``), frames and boxes scaled alike."""
from __future__ import annotations

import numpy as np
import pytest

from core.bench.real_items import real_items
from core.errors import ConfigError
from core.real_split import load_split
from tests.core.bench.real_tree import colour_frame, fake_tree, thermal_frame


def test_a_resize_scales_both_streams_and_the_boxes():
    from core.bench.resize import FootageResize
    from core.sequences.base import FramePair

    pair = FramePair(3, colour_frame(3)[..., ::-1].copy(), thermal_frame(3))
    half = FootageResize(0.5).apply(pair)
    assert half.index == 3 and half.visible.shape == (36, 48, 3) and half.thermal.shape == (36, 48)
    assert half.thermal_raw is None
    # the hot block (rows 30-41, columns 33-46) is averaged, not sampled: its middle keeps its value
    assert half.thermal[18, 20] == 220 and half.thermal[5, 5] == 30
    np.testing.assert_allclose(FootageResize(0.5).box([30.0, 30.0, 14.0, 12.0]), [15.0, 15.0, 7.0, 6.0])
    assert FootageResize(2.0).apply(pair).visible.shape == (144, 192, 3)
    assert FootageResize(0.5).key == "resized x0.5"
    for factor in (1.0, 0.1, 5.0, -0.5):
        with pytest.raises(ConfigError, match="--resize must lie in"):
            FootageResize(factor)


def test_resized_runs_see_resized_frames_and_boxes_and_are_cached_apart(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.bench.resize import FootageResize
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=6)
    items, notes = real_items(load_split(split_file), "validation", tmp_path, resize=FootageResize(0.5))
    assert any("resized x0.5" in n for n in notes)
    plain_items, _ = real_items(load_split(split_file), "validation", tmp_path)
    for resized, plain in zip(items, plain_items, strict=True):
        a, b = resized.open(), plain.open()
        assert len(a) == len(b) and resized.cache_dataset != plain.cache_dataset
        assert a[2].visible.shape[:2] == (36, 48) and b[2].visible.shape[:2] == (72, 96)
        assert (a.info.width, a.info.height) == (48, 36) and (b.info.width, b.info.height) == (96, 72)
        assert a.info.num_frames == b.info.num_frames and a.info.layout == b.info.layout
        for frame, record in b.ground_truth().items():
            scaled = a.ground_truth()[frame]
            if record.box is None:
                assert scaled.box is None
            else:
                np.testing.assert_allclose(scaled.box, record.box * 0.5)
        a.close(), b.close()
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--cache", str(tmp_path / "c")]
    _, plain_bench, _, _ = run_real_accuracy(build_parser().parse_args(base))
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base + ["--resize", "0.5"]))
    assert not any(run.cached for run in bench.runs.values())  # the full-size runs are not reused
    assert payload["resize"] == 0.5 and "resized x0.5" in text
    for name, rows in bench.ground_truth.items():  # scored against the halved boxes
        np.testing.assert_allclose(rows, plain_bench.ground_truth[name] * 0.5)
    _, again, _, _ = run_real_accuracy(build_parser().parse_args(base + ["--resize", "0.5"]))
    assert all(run.cached for run in again.runs.values())
