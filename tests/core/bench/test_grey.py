"""``bench accuracy --real --grey-visible``: the visible stream as a monochrome camera records it,
the thermal stream and the boxes unchanged."""
from __future__ import annotations

import numpy as np

from core.bench.grey import GreyVisible
from core.bench.real_items import real_items
from core.real_split import load_split
from core.sequences.base import FramePair, as_streams
from tests.core.bench.real_tree import fake_tree


def test_the_visible_frame_becomes_its_luminance_and_the_thermal_frame_stays():
    rng = np.random.default_rng(0)
    visible = rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)
    thermal = rng.integers(0, 256, (24, 32), dtype=np.uint8)
    out = GreyVisible().apply(FramePair(3, visible, thermal))
    luminance = np.rint(visible @ np.array([0.299, 0.587, 0.114])).astype(np.int16)
    assert out.index == 3 and out.visible.shape == (24, 32, 3) and out.visible.dtype == np.uint8
    assert np.abs(out.visible[..., 0].astype(np.int16) - luminance).max() <= 1
    assert (out.visible == out.visible[..., :1]).all()  # three equal channels
    np.testing.assert_array_equal(out.thermal, thermal)
    one_stream = as_streams(FramePair(0, visible, thermal), "visible")  # a visible-only sequence's pair
    np.testing.assert_array_equal(GreyVisible().apply(one_stream).visible[..., 0], one_stream.thermal)
    thermal_only = as_streams(FramePair(0, visible, thermal), "thermal")
    np.testing.assert_array_equal(GreyVisible().apply(thermal_only).visible, thermal_only.visible)


def test_grey_runs_see_grey_frames_and_are_cached_apart(tmp_path):
    from core.bench.real_accuracy import run_real_accuracy
    from core.cli import build_parser

    split_file = fake_tree(tmp_path, frames=6)
    items, notes = real_items(load_split(split_file), "validation", tmp_path, grey=GreyVisible())
    plain_items, _ = real_items(load_split(split_file), "validation", tmp_path)
    assert any("every visible frame grey" in n for n in notes)
    colour = next(i for i, p in zip(items, plain_items, strict=True) if p.modality == "visible")
    plain = next(p for p in plain_items if p.modality == "visible")
    a, b = colour.open(), plain.open()
    assert colour.cache_dataset == plain.cache_dataset + "|grey visible"
    assert (a[2].visible == a[2].visible[..., :1]).all() and not (b[2].visible == b[2].visible[..., :1]).all()
    a.close(), b.close()
    base = ["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
            "--trackers", "csrt", "--threads", "1", "--cache", str(tmp_path / "c"), "--grey-visible"]
    payload, bench, _, text = run_real_accuracy(build_parser().parse_args(base))
    assert payload["grey_visible"] is True and "every visible frame grey" in text
    assert not any(run.cached for run in bench.runs.values())
    _, again, _, _ = run_real_accuracy(build_parser().parse_args(base))
    assert all(run.cached for run in again.runs.values())
